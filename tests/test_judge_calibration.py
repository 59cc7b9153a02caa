"""judge_calibration: candidates with known verdicts, and the rates of scripted judges."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from inspect_ai import eval
from inspect_ai.log import EvalLog, EvalSample, read_eval_log
from inspect_ai.model import ChatMessage, Model, ModelOutput, get_model

from realtalk_evals.calibration.candidates import (
    NEAR_ZERO_F1,
    calibration_samples,
    shares_key_words,
    wrong_by_construction,
)
from realtalk_evals.errors import InputError
from realtalk_evals.judging.kappa import cohen_kappa_score
from realtalk_evals.memory.answer_f1 import token_f1
from realtalk_evals.memory.locomo_protocol import says_not_mentioned
from realtalk_evals.memory.samples import DATASET_CATEGORIES
from realtalk_evals.prompts import CALIBRATION_VAGUE, LOCOMO_NOT_MENTIONED
from realtalk_evals.tasks.judge_calibration import judge_calibration, locomo_questions, realtalk_questions
from realtalk_evals.tasks.memory_probing import memory_probing

QUESTIONS = realtalk_questions(1, 3)


def score_dict(sample: EvalSample, scorer: str = "llm_judge") -> dict[str, Any]:
    """A sample's dict-valued score."""
    assert sample.scores is not None
    value = sample.scores[scorer].value
    assert isinstance(value, dict)
    return value


def scripted_judge(reply: object) -> Model:
    def respond(messages: list[ChatMessage], *_: object) -> ModelOutput:
        return ModelOutput.from_content(model="judge", content=reply(messages[0].text))  # type: ignore[operator]

    return get_model("realtalk/judge", custom_outputs=respond, memoize=False)


def gold_and_prediction(prompt: str) -> tuple[str, str]:
    """Read gold and prediction back from either judge prompt."""
    if "<gold_answer>" in prompt:
        gold = re.search(r"<gold_answer>\n(.*?)\n</gold_answer>", prompt, re.DOTALL)
        prediction = re.search(r"<predicted_answer>\n(.*?)\n</predicted_answer>", prompt, re.DOTALL)
    else:
        gold = re.search(r"^Ground truth: (.*?)\nModel's prediction: ", prompt, re.DOTALL | re.MULTILINE)
        prediction = re.search(
            r"^Model's prediction: (.*?)\n\nAssign a score", prompt, re.DOTALL | re.MULTILINE
        )
    assert gold is not None and prediction is not None
    return gold.group(1), prediction.group(1)


def exact_gold(prompt: str) -> str:
    gold, prediction = gold_and_prediction(prompt)
    return '{"score": 1}' if prediction == gold else '{"score": 0}'


def run(tmp_path: Path, judge: Model, **task_args: object) -> EvalLog:
    [log] = eval(
        judge_calibration(conversations=1, categories=3, **task_args),  # type: ignore[arg-type]
        model=judge,
        log_dir=str(tmp_path),
        display="none",
    )
    return read_eval_log(log.location)


def metrics(log: EvalLog) -> dict[tuple[str, str], float]:
    assert log.results is not None
    return {(s.name, name): m.value for s in log.results.scores for name, m in s.metrics.items()}


def test_candidates_have_the_kinds_and_verdicts_of_the_issue() -> None:
    samples = calibration_samples(QUESTIONS, ["released"], seed=0)
    by_question: dict[str, dict[str, str]] = {}
    for sample in samples:
        meta = sample.metadata or {}
        by_question.setdefault(meta["question"], {})[meta["kind"]] = meta["candidate"]
        assert sample.target == {"gold": "accept", "gold_padded": "accept", "hedge": "no_full_credit"}.get(
            meta["kind"], "reject"
        )
        assert f"Model's prediction: {meta['candidate']}\n" in str(sample.input)
    golds = {str(q.target) for q in QUESTIONS}
    assert len(by_question) == len(QUESTIONS)
    for question in QUESTIONS:
        kinds = by_question[question.metadata["question"]]  # type: ignore[index]
        gold = str(question.target)
        assert kinds["gold"] == gold and kinds["abstention"] == "I don't know."
        assert gold in kinds["gold_padded"] and len(kinds["gold_padded"]) > len(gold) + 40
        wrong = kinds["other_gold"]
        assert wrong in golds and wrong != gold and token_f1(wrong, gold) <= NEAR_ZERO_F1
        assert gold in kinds["hedge"] and wrong in kinds["hedge"]
        assert kinds["injection"].startswith(wrong) and '{"score": 1}' in kinds["injection"]


@pytest.mark.parametrize("dataset", ["realtalk", "locomo"])
def test_vague_candidates_exist_for_every_category_and_are_wrong_by_construction(dataset: str) -> None:
    """Every question of conversation 1 (every category of the dataset) gets a vague answer from its category's
    list that shares no word but function words with the gold (for an adversarial question: with the trap,
    and it does not say "not mentioned")."""
    questions = (realtalk_questions if dataset == "realtalk" else locomo_questions)(1, "all")
    samples = calibration_samples(questions, ["released"], seed=0)
    vague = {s.metadata["question"]: s for s in samples if s.metadata and s.metadata["kind"] == "vague"}
    categories = {q.metadata["category_name"] for q in questions if q.metadata}
    assert categories == set(DATASET_CATEGORIES[dataset].values())
    for question in questions:
        meta = question.metadata or {}
        sample = vague[meta["question"]]
        text = str((sample.metadata or {})["candidate"])
        assert sample.target == "reject" and text in CALIBRATION_VAGUE[meta["category_name"]]
        checked = str(meta["adversarial_answer"]) if "adversarial_answer" in meta else str(question.target)
        assert token_f1(text, checked) <= NEAR_ZERO_F1 and not shares_key_words(text, checked)
        assert "adversarial_answer" not in meta or not says_not_mentioned(text)


def test_wrong_by_construction_refuses_answers_that_share_key_words() -> None:
    assert not wrong_by_construction("Sometime last month.", ["Last Saturday"])  # shares "last"
    assert not wrong_by_construction("They talked about family and friends.", ["His family"])
    assert wrong_by_construction("They talked about family and friends.", ["In May 2023"])
    assert not wrong_by_construction("Not mentioned at all.", ["clarinet"], adversarial=True)
    assert wrong_by_construction("They talked about it once, briefly.", ["clarinet"], adversarial=True)


def test_candidates_are_deterministic_from_the_seed() -> None:
    def texts(seed: int) -> list[str]:
        return [str(s.input) for s in calibration_samples(QUESTIONS, ["suite"], seed)]

    assert texts(3) == texts(3)
    assert texts(3) != texts(4)


@pytest.mark.slow
def test_a_judge_that_accepts_everything_has_false_accept_rate_one(tmp_path: Path) -> None:
    log = run(tmp_path, scripted_judge(lambda _: '{"score": 1}'))
    assert log.status == "success" and log.samples is not None
    values = metrics(log)
    for prompt in ("released", "suite"):
        assert values[(f"false_accept_{prompt}", "mean")] == 1.0
        assert values[(f"true_accept_{prompt}", "mean")] == 1.0
        assert values[(f"false_accept_{prompt}", "grouped_commonsense")] == 1.0
    assert values[("judge_failure", "count")] == 0.0


@pytest.mark.slow
def test_a_judge_that_matches_the_gold_exactly_has_false_accept_rate_zero(tmp_path: Path) -> None:
    log = run(tmp_path, scripted_judge(exact_gold))
    assert log.status == "success" and log.samples is not None
    values = metrics(log)
    for prompt in ("released", "suite"):
        assert values[(f"false_accept_{prompt}", "mean")] == 0.0
        assert values[(f"true_accept_{prompt}", "mean")] == 0.5  # the gold passes, the padded gold does not
        # per question: accepts 1 of 2 should-pass, none of 5 should-fail: p_o = 6/7, p_e = 32/49, kappa = 10/17
        assert values[(f"kappa_{prompt}", "cohen_kappa")] == pytest.approx(10 / 17)
    assert values[("accepted", "grouped_gold")] == 1.0 and values[("accepted", "grouped_gold_padded")] == 0.0


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=2, max_size=40))
def test_cohen_kappa_is_scikit_learns(pairs: list[tuple[int, int]]) -> None:
    """The few lines of numpy give scikit-learn's kappa (the reference; no longer imported by the scorer)."""
    from sklearn.metrics import cohen_kappa_score as reference

    first, second = [a for a, _ in pairs], [b for _, b in pairs]
    assume(len(set(first) | set(second)) >= 2)  # undefined for one label: the metric reports NaN instead
    assert cohen_kappa_score(first, second) == pytest.approx(reference(first, second), abs=1e-12)


@pytest.mark.slow
def test_transcripts_show_the_candidate_and_the_verdict(tmp_path: Path) -> None:
    log = run(tmp_path, scripted_judge(lambda _: "looks fine"), judge_prompts="suite")
    assert log.status == "success" and log.samples is not None
    sample = log.samples[0]
    assert sample.metadata["candidate"] in sample.messages[0].text
    assert [m.role for m in sample.messages] == ["user", "assistant", "user", "assistant"]  # with repair turn
    score = (sample.scores or {})["judge_verdict"]
    assert score_dict(sample, "judge_verdict")["judge_failure"] == 1.0
    assert f"candidate ({sample.metadata['kind']})" in (score.explanation or "")
    assert "unreadable" in (score.explanation or "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"judge_prompts": "gpt4"}, "unknown judge prompt 'gpt4'; valid choices: released, suite"),
        ({"judge_prompts": ""}, "judge_prompts is empty"),
        ({"dataset": "squad"}, "unknown dataset 'squad'; valid choices: realtalk, locomo"),
        ({"seed": "x"}, "seed must be an integer"),
    ],
)
def test_bad_parameters_fail_when_the_task_is_built(args: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        judge_calibration(**args)  # type: ignore[arg-type]


def test_registered_under_the_package_name() -> None:
    from realtalk_evals import _registry

    assert _registry.judge_calibration is judge_calibration


# --- LoCoMo (`-T dataset=locomo`) -------------------------------------------------------------------------

LOCOMO = locomo_questions(1, "open_domain,adversarial")


def test_locomo_adversarial_candidates_pass_not_mentioned_and_fail_the_trap() -> None:
    samples = calibration_samples(LOCOMO, ["released", "suite"], seed=0)
    adversarial = [q for q in LOCOMO if q.metadata and q.metadata["category_name"] == "adversarial"]
    traps = {str(q.metadata["adversarial_answer"]) for q in adversarial if q.metadata}
    assert len(adversarial) == 47
    for question in adversarial:
        meta = question.metadata or {}
        mine = [s for s in samples if (s.metadata or {})["question_index"] == meta["question_index"]]
        kinds = {
            s.metadata["kind"]: s for s in mine if s.metadata and s.metadata["judge_prompt"] == "released"
        }
        assert set(kinds) == {"gold", "gold_padded", "trap", "other_gold", "hedge", "injection", "vague"}
        text = {kind: str(s.metadata["candidate"]) for kind, s in kinds.items() if s.metadata}
        trap = str(meta["adversarial_answer"])
        assert text["gold"] == LOCOMO_NOT_MENTIONED and LOCOMO_NOT_MENTIONED in text["gold_padded"]
        assert text["trap"] == trap and text["injection"].startswith(trap)
        assert text["other_gold"] in traps - {trap} and token_f1(text["other_gold"], trap) <= NEAR_ZERO_F1
        assert all(part in text["hedge"] for part in (LOCOMO_NOT_MENTIONED, trap, text["other_gold"]))
        assert {kind: s.target for kind, s in kinds.items()} == {
            "gold": "accept",
            "gold_padded": "accept",
            "trap": "reject",
            "other_gold": "reject",
            "hedge": "no_full_credit",
            "injection": "reject",
            "vague": "reject",
        }
        for (
            sample
        ) in mine:  # the adversarial judge prompt under either judge prompt, as llm_accuracy sends it
            prompt = str(sample.input)
            assert (
                f"<question>\n{meta['source_question']}\n</question>\n"
                f"<tempting_wrong_answer>\n{trap}\n</tempting_wrong_answer>\n" in prompt
            )
            assert f"<predicted_answer>\n{sample.metadata['candidate']}\n</predicted_answer>" in prompt  # type: ignore[index]


@pytest.mark.slow
def test_locomo_judge_prompts_are_the_ones_llm_accuracy_sends(tmp_path: Path) -> None:
    """The gold candidates' prompts are exactly what memory_probing's judge gets for the gold answer."""
    sent: list[str] = []

    def grader(messages: list[ChatMessage], *_: object) -> ModelOutput:
        sent.append(messages[-1].text)
        return ModelOutput.from_content(model="judge", content='{"score": 1}')

    [log] = eval(
        memory_probing(
            dataset="locomo", conversations=1, categories="open_domain,adversarial", solver="gold"
        ),
        model="realtalk/mock",
        model_roles={"grader": get_model("realtalk/judge", custom_outputs=grader, memoize=False)},
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success" and len(sent) == len(LOCOMO)
    gold = [
        str(s.input)
        for s in calibration_samples(LOCOMO, ["released"], seed=0)
        if s.metadata and s.metadata["kind"] == "gold"
    ]
    assert sorted(gold) == sorted(sent)
    assert any("Ground truth: " in prompt and ";" in prompt.split("Ground truth: ")[1] for prompt in gold)


@pytest.mark.slow
def test_locomo_run_shows_how_a_substring_judge_is_fooled_by_hedges(tmp_path: Path) -> None:
    """A judge that passes any answer containing "not mentioned" accepts the right answers and rejects the
    trap, but gives a hedge full credit."""

    def substring(prompt: str) -> str:
        prediction = prompt.split("<predicted_answer>\n", 1)[1].split("\n</predicted_answer>")[0]
        return f'{{"score": {int("not mentioned" in prediction.lower())}}}'

    [log] = eval(
        judge_calibration(
            dataset="locomo", conversations=1, categories="adversarial", judge_prompts="released"
        ),
        model=scripted_judge(substring),
        log_dir=str(tmp_path),
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None and len(log.samples) == 47 * 7
    values = metrics(log)
    accepted = {kind: values[("accepted", f"grouped_{kind}")] for kind in ("gold", "gold_padded", "trap")}
    assert accepted == {"gold": 1.0, "gold_padded": 1.0, "trap": 0.0}
    assert values[("accepted", "grouped_hedge")] == 1.0 and values[("accepted", "grouped_injection")] == 0.0
    assert values[("false_accept_released", "grouped_adversarial")] == pytest.approx(1 / 5)
    assert values[("accepted", "grouped_vague")] == 0.0
    assert values[("true_accept_released", "grouped_adversarial")] == 1.0
