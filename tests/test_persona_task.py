"""persona_simulation end to end through Inspect: mock models, tiny local classifiers and BERTScore model."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import ChatMessage, Model, ModelOutput, get_model
from tiny_models import shared_tiny_models

from realtalk_evals.ei.classifiers import model_key
from realtalk_evals.local_models.batching import batcher_stats
from realtalk_evals.tasks.persona_simulation import persona_simulation

AGREEMENT = ("reflective", "grounding", "sentiment", "emotion", "intimacy_diff", "empathy_diff")
CONTENT = ("rouge1", "rouge2", "rougeL", "bertscore")
FAILURES = tuple(
    f"{name}_failures" for name in ("reflective", "grounding", "empathy", "sentiment", "emotion", "intimacy")
)


SPEAKER_MEAN = "speaker_mean"
"""The log name of the mean over speakers, the paper's table 2 number."""


class Grader:
    """A realtalk/mock grader that answers every appendix-C prompt deterministically and records it."""

    def __init__(self, unreadable: bool = False) -> None:
        self.prompts: list[str] = []
        self.unreadable = unreadable

    def reply(self, messages: list[ChatMessage], *_: object) -> ModelOutput:
        prompt = messages[0].text
        self.prompts.append(prompt)
        if self.unreadable:
            text = "Hard to say."
        elif prompt.startswith("Empathy Assessment"):
            text = f'{{"emotional_reaction": {len(prompt) % 3}, "interpretation": 1, "exploration": 0}}'
        else:
            text = "True" if len(prompt) % 2 else "**False**"
        return ModelOutput.from_content(model="grader", content=text)

    def model(self) -> Model:
        return get_model("realtalk/grader", custom_outputs=self.reply, memoize=False)


def tiny_model_args() -> dict[str, object]:
    models = shared_tiny_models()
    return {
        "sentiment_model": models.sentiment,
        "emotion_model": models.emotion,
        "intimacy_model": models.intimacy,
        "bertscore_model": models.bertscore,
        "bertscore_layers": models.bertscore_layers,
    }


def run(log_dir: Path, reply: str, grader: Grader, **task_args: object) -> EvalLog:
    [log] = eval(
        persona_simulation(**{**tiny_model_args(), **task_args}),  # type: ignore[arg-type]
        model=get_model("realtalk/mock", reply=reply, memoize=False),
        model_roles={"grader": grader.model()},
        log_dir=str(log_dir),
        display="none",
    )
    return read_eval_log(log.location)


def metrics(log: EvalLog) -> dict[tuple[str, str], float]:
    assert log.results is not None
    return {
        (score.name, name): metric.value
        for score in log.results.scores
        for name, metric in score.metrics.items()
    }


def real_judge_prompts(log: EvalLog, prompts: list[str]) -> list[str]:
    """The prompts that judged a real message: their judged turn is a sample's target."""
    assert log.samples is not None
    # C.1 prints `last message ({turn})`; C.2 and C.3 end as the released code, `last message ('{turn}')`
    targets = {
        f"last message {w}" for sample in log.samples for w in (f"({sample.target})", f"('{sample.target}')")
    }
    return [p for p in prompts if any(target in p for target in targets)]


@pytest.mark.slow
def test_end_to_end_every_scorer_reports_per_speaker(tmp_path: Path) -> None:
    grader = Grader()
    log = run(
        tmp_path, "Elise: omg same, I feel great about it", grader, speaker="Emi,Elise", max_per_speaker=3
    )
    assert log.status == "success" and log.samples is not None and len(log.samples) == 6
    assert log.eval.task_args["speaker"] == "Emi,Elise"

    values = metrics(log)
    for key in (*CONTENT, *AGREEMENT):
        for name in ("grouped_Emi", "grouped_Elise", SPEAKER_MEAN):
            assert math.isfinite(values[(key, name)]), (key, name)
    assert log.results is not None  # the mean over speakers is each scorer's first metric: the log's headline
    headlines = {score.name: next(iter(score.metrics)) for score in log.results.scores}
    assert all(headlines[key] == SPEAKER_MEAN for key in (*CONTENT, *AGREEMENT))
    assert all(values[(key, "count")] == 0.0 for key in FAILURES)
    for key in CONTENT:  # the mean of the speakers' values, as in the paper's table 2
        assert values[(key, SPEAKER_MEAN)] == pytest.approx(
            (values[(key, "grouped_Emi")] + values[(key, "grouped_Elise")]) / 2
        )

    for sample in log.samples:
        assert set(sample.scores or {}) == {
            "content_similarity",
            "ei_agreement",
            "style_fidelity",
            "empty_reply",
        }
        system, user = sample.messages[0], sample.messages[1]
        assert system.text.startswith(
            f"You are {sample.metadata['speaker_name']}. Continue the conversation."
        )
        assert user.text.endswith(f"\n{sample.metadata['speaker_name']}:")
        agreement = sample.scores["ei_agreement"]  # type: ignore[index]
        assert agreement.metadata is not None and agreement.metadata["real_ei"]["failures"] == []
        # Emi's "Elise:" prefix is part of the message; Elise's own name is stripped
        stripped = "omg same, I feel great about it"
        expected = stripped if sample.metadata["speaker"] == "Elise" else f"Elise: {stripped}"
        assert agreement.answer == expected
    assert len(grader.prompts) == 6 * 6  # three judges for the simulated and for the real message
    assert len(real_judge_prompts(log, grader.prompts)) == 6 * 3


def test_gold_solver_agrees_perfectly_on_every_attribute(tmp_path: Path) -> None:
    grader = Grader()
    log = run(tmp_path, "unused", grader, speaker="Kevin", max_per_speaker=4, solver="gold")
    assert log.status == "success"
    values = metrics(log)
    for key in ("reflective", "grounding", "sentiment", "emotion", "rouge1", "rouge2", "rougeL"):
        assert values[(key, SPEAKER_MEAN)] == 1.0, key
    assert values[("bertscore", SPEAKER_MEAN)] == pytest.approx(1.0, abs=1e-5)
    assert values[("intimacy_diff", SPEAKER_MEAN)] == 0.0 and values[("empathy_diff", SPEAKER_MEAN)] == 0.0
    assert len(grader.prompts) == 4 * 3  # the real message is judged once, not once per side


@pytest.mark.slow
def test_a_second_model_reuses_the_real_messages_labels(tmp_path: Path) -> None:
    models = shared_tiny_models()
    grader = Grader()
    first = run(
        tmp_path / "a", "I think that's a great idea, honestly.", grader, speaker="Paola", max_per_speaker=4
    )
    assert first.status == "success" and len(grader.prompts) == 4 * 6
    inferred = {
        kind: batcher_stats()[("classifier", kind, model_key(path))].items
        for kind, path in (
            ("sentiment", models.sentiment),
            ("emotion", models.emotion),
            ("intimacy", models.intimacy),
        )
    }

    grader.prompts.clear()
    second = run(tmp_path / "b", "no way!! when??", grader, speaker="Paola", max_per_speaker=4)
    assert second.status == "success"
    assert len(grader.prompts) == 4 * 3 and real_judge_prompts(second, grader.prompts) == []
    for kind, path in (
        ("sentiment", models.sentiment),
        ("emotion", models.emotion),
        ("intimacy", models.intimacy),
    ):
        # only the new simulated message (the same text for every sample) was classified
        assert batcher_stats()[("classifier", kind, model_key(path))].items == inferred[kind] + 1
    assert first.samples is not None and second.samples is not None
    for a, b in zip(first.samples, second.samples, strict=True):
        real_a, real_b = (s.scores["ei_agreement"].metadata["real_ei"] for s in (a, b))  # type: ignore[index]
        assert real_a == real_b


def test_judge_failures_are_counted_and_left_unscored(tmp_path: Path) -> None:
    grader = Grader(unreadable=True)
    log = run(tmp_path, "sure", grader, speaker="Akib", max_per_speaker=2)
    assert log.status == "success" and log.samples is not None
    values = metrics(log)
    for name in ("reflective", "grounding", "empathy"):
        assert values[(f"{name}_failures", "count")] == 4.0  # both messages of both samples
    assert values[("sentiment_failures", "count")] == 0.0
    assert math.isfinite(values[("sentiment", SPEAKER_MEAN)])
    assert math.isnan(values[("reflective", SPEAKER_MEAN)])
    reflective = next(s for s in log.results.scores if s.name == "reflective")  # type: ignore[union-attr]
    assert reflective.unscored_samples == 2 and reflective.scored_samples == 0
    assert len(grader.prompts) == 2 * 2 * 3 * 2  # samples x sides x judges x (prompt + repair)
    predicted = log.samples[0].scores["ei_agreement"].metadata["predicted_ei"]  # type: ignore[index]
    failure = predicted["failures"][0]
    assert failure["raw"] == ["Hard to say.", "Hard to say."]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"speaker": "Bob"}, "unknown speaker 'Bob'; valid choices: Emi, Nicolas"),
        ({"split": "validation"}, "unknown split 'validation'; valid choices: test, train"),
        ({"solver": "oracle"}, "unknown solver 'oracle'; valid choices: model, gold, other_person"),
        ({"prompt": "chatty"}, "unknown prompt 'chatty'; valid choices: paper, bubbles"),
        ({"history_sessions": "most"}, "history_sessions must be a whole number of at least 0 or 'all'"),
        ({"max_per_speaker": 0}, "max_per_speaker must be a whole number of at least 1"),
    ],
)
def test_bad_task_parameters_fail_before_any_model_call(args: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        persona_simulation(**args)  # type: ignore[arg-type]


@pytest.mark.slow
def test_cli_run_through_the_entry_point(tmp_path: Path) -> None:
    """`inspect eval realtalk_evals/persona_simulation` with -T parameters, as a user runs it."""
    reply = (
        '{"emotional_reaction": 1, "interpretation": 0, "exploration": 2} True'  # reads as JSON and as True
    )
    options = [f"-T {name}={value}" for name, value in tiny_model_args().items()]
    command = [
        sys.executable,
        "-m",
        "inspect_ai",
        "eval",
        "realtalk_evals/persona_simulation",
        "--model",
        "realtalk/mock",
        "-M",
        "reply=Sounds fun!",
        "--model-role",
        f"grader={{model: realtalk/mock, model_args: {{reply: '{reply}'}}}}",
        "-T",
        "speaker=Nebraas",
        "-T",
        "max_per_speaker=2",
        "-T",
        "history_sessions=all",
        *[part for option in options for part in option.split(" ", 1)],
        "--log-dir",
        str(tmp_path),
        "--display",
        "plain",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stderr
    [path] = tmp_path.glob("*.eval")
    log = read_eval_log(str(path))
    assert log.status == "success", log.error
    assert log.eval.task == "realtalk_evals/persona_simulation"
    assert log.samples is not None and len(log.samples) == 2
    values = metrics(log)
    assert (
        values[("empathy_diff", "grouped_Nebraas")] == 0.0
        and values[("reflective", "grouped_Nebraas")] == 1.0
    )
