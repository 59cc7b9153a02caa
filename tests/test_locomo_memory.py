"""memory_probing on LoCoMo (`-T dataset=locomo`): LoCoMo's questions, prompt additions and scoring rules."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import anyio
import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, EvalSample, read_eval_log
from inspect_ai.model import ChatMessage, Model, ModelOutput, get_model
from locomo_judge import judge

from realtalk_evals.data.locomo import load_locomo_conversations, locomo_conversation_from_json
from realtalk_evals.data.records import SessionEvents, evidence_ids
from realtalk_evals.errors import DatasetError, InputError
from realtalk_evals.memory.answer_f1 import partial_match_f1
from realtalk_evals.memory.context import render_context
from realtalk_evals.memory.locomo_protocol import adversarial_options, chosen_option, gives_trap_answer
from realtalk_evals.memory.samples import locomo_samples
from realtalk_evals.memory.systems.select import Memory
from realtalk_evals.memory.systems.tools import conversation_tools
from realtalk_evals.memory.systems.units import conversation_units, render_units
from realtalk_evals.prompts import LOCOMO_NOT_MENTIONED
from realtalk_evals.tasks.memory_probing import memory_probing

COUNTS = {"multi_hop": 282, "temporal": 321, "open_domain": 96, "single_hop": 841, "adversarial": 446}
SUFFIX = " Use DATE of CONVERSATION to answer with an approximate date."


def _question(prompt: str) -> str:
    return prompt.rsplit("Question: ", 1)[1].rsplit("\n\nAnswer:", 1)[0]


def _run(tmp_path: Path, model: Model | str, **task_args: object) -> EvalLog:
    [log] = eval(
        memory_probing(dataset="locomo", **task_args),  # type: ignore[arg-type]
        model=model,
        model_roles={"grader": get_model("realtalk/judge", custom_outputs=judge, memoize=False)},
        log_dir=str(tmp_path),
        display="none",
    )
    return read_eval_log(log.location)


def test_all_1986_questions_in_the_five_categories_with_realtalk_ids_and_metadata() -> None:
    samples = memory_probing(dataset="locomo").dataset
    assert len(samples) == 1986
    assert Counter(s.metadata["category_name"] for s in samples) == COUNTS  # type: ignore[index]
    assert len({s.id for s in samples}) == 1986
    first = samples[0]
    assert first.id == "Chat_1_Caroline_Melanie-q000"
    assert first.metadata is not None
    assert first.metadata["source_question"] == "When did Caroline go to the LGBTQ support group?"
    assert {"conversation_id", "question_index", "question", "category", "evidence"} <= set(first.metadata)
    chosen = memory_probing(
        dataset="locomo", conversations="2,10", categories="adversarial,single_hop"
    ).dataset
    assert len(chosen) == 24 + 44 + 46 + 87


@pytest.mark.slow
def test_temporal_questions_get_the_date_hint_and_the_prompt_shows_locomo_dates_and_captions(
    tmp_path: Path,
) -> None:
    seen: list[str] = []

    def answer(messages: list[ChatMessage], *_: object) -> ModelOutput:
        seen.append(messages[-1].text)
        return ModelOutput.from_content(model="m", content="7 May 2023")

    model = get_model("realtalk/answerer", custom_outputs=answer, memoize=False)
    log = _run(tmp_path, model, conversations=1, categories="temporal,multi_hop")
    assert log.status == "success" and log.samples is not None and len(log.samples) == 37 + 32
    for prompt in seen:
        assert prompt.startswith("Below is a conversation between Caroline and Melanie")
        assert "DATE: 1:56 pm on 8 May, 2023\n\nCONVERSATION:" in prompt
        assert 'Caroline shared an image of "a photo of a dog walking past a wall' in prompt
    temporal = [p for p in seen if _question(p).endswith(SUFFIX)]
    assert len(temporal) == 37
    assert "When did Caroline go to the LGBTQ support group?" + SUFFIX in {_question(p) for p in temporal}
    assert all(not _question(p).endswith(SUFFIX) for p in seen if p not in temporal)


def test_adversarial_option_order_is_seeded_by_the_sample_id() -> None:
    samples = locomo_samples(load_locomo_conversations(), [5])
    again = locomo_samples(load_locomo_conversations(), [5])
    assert [s.metadata["options"] for s in samples] == [s.metadata["options"] for s in again]  # type: ignore[index]
    first = Counter(s.metadata["options"]["a"] == LOCOMO_NOT_MENTIONED for s in samples)  # type: ignore[index]
    assert 0.4 < first[True] / len(samples) < 0.6  # both orders, about evenly
    # the seed is the id alone (SHA-256), so the order is the same in every process and Python version
    assert adversarial_options("Chat_1_Caroline_Melanie-q152", "x") == {"a": "x", "b": LOCOMO_NOT_MENTIONED}
    assert adversarial_options("Chat_1_Caroline_Melanie-q002", "x") == {"a": LOCOMO_NOT_MENTIONED, "b": "x"}
    sample = samples[0]
    options = sample.metadata["options"]  # type: ignore[index]
    assert sample.input == (
        f"{sample.metadata['source_question']} Select the correct answer: (a) {options['a']} (b) {options['b']}. "  # type: ignore[index]
    )
    assert sample.target == LOCOMO_NOT_MENTIONED


@pytest.mark.parametrize(
    ("prediction", "value"),
    [
        ("Not mentioned in the conversation", 1.0),
        ("It is NOT MENTIONED anywhere.", 1.0),
        ("No information available.", 1.0),
        ("self-care is important", 0.0),
        ("She did not say", 0.0),
        ("", 0.0),
    ],
)
def test_category_5_scores_one_only_when_the_prediction_says_not_mentioned(
    prediction: str, value: float
) -> None:
    assert partial_match_f1(prediction, LOCOMO_NOT_MENTIONED, category=5) == value


def test_letter_replies_map_back_to_the_option_and_the_trap_is_recognised() -> None:
    options = {"a": "self-care is important", "b": LOCOMO_NOT_MENTIONED}
    assert chosen_option("(a)", options) == "self-care is important"
    assert chosen_option(" B. ", options) == LOCOMO_NOT_MENTIONED
    assert chosen_option("b) something", options) == "b) something"
    assert gives_trap_answer("Self-care is important!", "self-care is important")
    assert gives_trap_answer("(a) self-care is important", "self-care is important")
    assert gives_trap_answer("Not mentioned; maybe self-care is important", "self-care is important")
    assert not gives_trap_answer("Not mentioned in the conversation", "self-care is important")
    assert not gives_trap_answer("running", "self-care is important")


def test_a_trap_inside_a_hedge_counts_as_trapped_while_f1_credits_the_hedge(tmp_path: Path) -> None:
    """The released F1 rule credits any reply saying "not mentioned"; the trap rate counts the bait taken."""

    samples = memory_probing(dataset="locomo", conversations=1, categories="adversarial").dataset
    traps = {s.metadata["source_question"]: s.metadata["adversarial_answer"] for s in samples if s.metadata}

    def hedge(messages: list[ChatMessage], *_: object) -> ModelOutput:
        [trap] = [
            trap for question, trap in traps.items() if f"Question: {question} Select" in messages[-1].text
        ]
        return ModelOutput.from_content("m", f"Not mentioned in the conversation, but probably {trap}")

    model = get_model("realtalk/mock", custom_outputs=hedge, memoize=False)
    log = _run(tmp_path, model, conversations=1, categories="adversarial")
    assert log.status == "success" and log.samples is not None and len(log.samples) == len(traps) == 47
    for sample in log.samples:
        scores = sample.scores or {}
        assert scores["partial_match"].value == 1.0  # LoCoMo's rule, as released
        assert scores["trap_answer"].value == 1.0, scores["trap_answer"].answer
    assert log.results is not None
    metrics = {(s.name, name): m.value for s in log.results.scores for name, m in s.metrics.items()}
    assert metrics[("trap_answer", "trap_rate")] == 1.0


@pytest.mark.slow
def test_letter_answers_are_scored_as_their_option_with_trap_rate(tmp_path: Path) -> None:
    """A model that always replies `(a)`: right exactly where (a) is "Not mentioned", trapped elsewhere."""
    asked: list[str] = []

    def letter_a(messages: list[ChatMessage], *_: object) -> ModelOutput:
        asked.append(_question(messages[-1].text))
        return ModelOutput.from_content("m", "(a)")

    model = get_model("realtalk/mock", custom_outputs=letter_a, memoize=False)
    log = _run(tmp_path, model, conversations=1, categories="adversarial")
    assert log.status == "success" and log.samples is not None and len(log.samples) == 47
    declined = 0
    for sample in log.samples:
        options = sample.metadata["options"]
        choice = f"{sample.metadata['source_question']} Select the correct answer: (a) {options['a']} (b) {options['b']}. "
        assert choice in asked  # the model saw the two options in the seeded order
        options = sample.metadata["options"]
        right = options["a"] == LOCOMO_NOT_MENTIONED
        declined += right
        scores = sample.scores or {}
        assert scores["partial_match"].value == float(right)
        assert scores["partial_match"].answer == options["a"]
        assert scores["llm_judge"].value == {"llm_accuracy": float(right), "judge_failure": 0.0}
        assert scores["trap_answer"].value == float(not right)
    assert 0 < declined < 47
    assert log.results is not None
    metrics = {(s.name, name): m.value for s in log.results.scores for name, m in s.metrics.items()}
    assert metrics[("trap_answer", "trap_rate")] == pytest.approx(1 - declined / 47)
    assert metrics[("partial_match", "adversarial")] == pytest.approx(declined / 47)


@pytest.mark.slow
@pytest.mark.parametrize("dataset", ["realtalk", "locomo"])
def test_gold_solver_scores_one_on_every_category(tmp_path: Path, dataset: str) -> None:
    [log] = eval(
        memory_probing(dataset=dataset, conversations=1, solver="gold"),  # type: ignore[arg-type]
        model="realtalk/mock",
        model_roles={"grader": get_model("realtalk/judge", custom_outputs=judge, memoize=False)},
        log_dir=str(tmp_path),
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None
    assert len(log.samples) == (199 if dataset == "locomo" else 70)
    assert log.results is not None
    metrics = {(s.name, name): m.value for s in log.results.scores for name, m in s.metrics.items()}
    categories = set(COUNTS) if dataset == "locomo" else {"multi_hop", "temporal", "commonsense"}
    for category in categories:
        assert metrics[("partial_match", category)] == 1.0
        assert metrics[("llm_accuracy", f"grouped_{category}")] == 1.0
    if dataset == "locomo":
        assert metrics[("trap_answer", "trap_rate")] == 0.0
        for sample in log.samples:
            trap = (sample.scores or {})["trap_answer"].value
            assert trap == 0.0 if sample.metadata["category"] == 5 else math.isnan(trap)  # type: ignore[arg-type]


@pytest.mark.parametrize(("dataset", "questions"), [("locomo", 1986), ("realtalk", 728)])
def test_gold_answers_score_one_on_every_question(dataset: str, questions: int) -> None:
    samples = memory_probing(dataset=dataset).dataset  # type: ignore[arg-type]
    assert len(samples) == questions
    for sample in samples:
        assert isinstance(sample.target, str) and sample.metadata is not None
        assert partial_match_f1(sample.target, sample.target, sample.metadata["category"]) == 1.0, sample.id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"categories": "commonsense"},
            r"unknown category 'commonsense'; valid choices: 1 \(multi_hop\).*5 \(adversarial\)",
        ),
        ({"conversations": "11"}, r"unknown conversation '11'; valid choices: 1 \(Chat_1_Caroline_Melanie\)"),
        (
            {"input": "persona"},
            "unknown input 'persona'; valid choices: conversation, events, observation, summary",
        ),
    ],
)
def test_bad_locomo_parameters_list_the_valid_choices(args: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        memory_probing(dataset="locomo", **args)  # type: ignore[arg-type]


def test_realtalk_has_no_locomo_inputs_and_unknown_datasets_stop() -> None:
    with pytest.raises(ValueError, match="unknown input 'summary'; valid choices: conversation, events"):
        memory_probing(input="summary")
    with pytest.raises(ValueError, match="unknown dataset 'msc'; valid choices: realtalk, locomo"):
        memory_probing(dataset="msc")  # type: ignore[arg-type]


@pytest.mark.parametrize("memory_input", ["observation", "summary", "events"])
def test_locomo_memory_sources_render_per_session(memory_input: str) -> None:
    from realtalk_evals.memory.context import render_context

    conversation = load_locomo_conversations()[0]
    text = render_context(conversation, memory_input)  # type: ignore[arg-type]
    assert text.count("DATE: ") == len(conversation.sessions) == 19
    label = {"observation": "OBSERVATIONS:", "summary": "SUMMARY:", "events": "EVENTS:"}[memory_input]
    assert text.count(label) == 19
    expected = {
        "observation": "Caroline: Caroline attended an LGBTQ support group recently",
        "summary": "Caroline and Melanie had a conversation on 8 May 2023 at 1:56 pm.",
        "events": "Caroline: Caroline attends an LGBTQ support group for the first time.",
    }[memory_input]
    assert expected in text


def test_an_input_the_files_do_not_give_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    """`events` where the files have event summaries: a LoCoMo file without them cannot be asked from events."""
    import realtalk_evals.tasks.memory_probing as task_module

    bare = [
        c.model_copy(
            update={"sessions": [s.model_copy(update={"events": SessionEvents()}) for s in c.sessions]}
        )
        for c in load_locomo_conversations()
    ]
    monkeypatch.setattr(task_module, "load_locomo_conversations", lambda: bare)
    with pytest.raises(ValueError, match="input 'events': the files of Chat_2_Jon_Gina have none"):
        memory_probing(dataset="locomo", input="events", conversations=2)
    assert len(memory_probing(dataset="locomo", input="summary", conversations=2).dataset) == 105


def test_evidence_ids_are_split_canonicalised_and_unresolved_ones_kept_apart() -> None:
    assert evidence_ids("D8:6; D9:17") == ["D8:6", "D9:17"]
    assert evidence_ids("D9:1 D4:4 D4:6") == ["D9:1", "D4:4", "D4:6"]
    assert evidence_ids(["D:11:26", "D30:05"]) == ["D11:26", "D30:5"]
    assert evidence_ids("D12:12, D12:14") == ["D12:12", "D12:14"]
    by_id = {c.id: c for c in load_locomo_conversations()}
    joanna = by_id["Chat_4_Joanna_Nate"].locomo_qa
    assert (joanna[88].evidence, joanna[88].unresolved_evidence) == (["D1:18", "D1:20"], ["D"])
    assert by_id["Chat_10_Calvin_Dave"].locomo_qa[69].evidence == ["D30:5"]
    unresolved = sum(len(q.unresolved_evidence) for c in by_id.values() for q in c.locomo_qa)
    assert unresolved == 3
    turns = {m.dia_id for c in by_id.values() for m in c.messages}
    assert all(e in turns for c in by_id.values() for q in c.locomo_qa for e in q.evidence)


def test_adversarial_answers_integers_and_the_two_questions_with_both_answers() -> None:
    caroline = load_locomo_conversations()[0].locomo_qa
    both = [q for q in caroline if q.category == 5 and q.answer is not None]
    assert [(q.adversarial_answer, q.answer, q.trap) for q in both] == [
        ("Yes", "No", "Yes"),
        ("Yes", "No", "Yes"),
    ]
    assert caroline[1].answer == "2022"  # an integer in the file
    # a file keeping the trap in `answer`, as LoCoMo's released QA code reads it
    raw = {
        "conversation": {
            "speaker_a": "Ann",
            "speaker_b": "Bob",
            "session_1_date_time": "9:05 am on 1 January, 2024",
            "session_1": [{"speaker": "Ann", "dia_id": "D1:1", "text": "hi"}],
            "session_2": [],
        },
        "qa": [{"question": "q", "answer": "a dog", "evidence": ["D1:1"], "category": 5}],
    }
    conversation = locomo_conversation_from_json("Chat_3_Ann_Bob", raw)
    assert conversation.locomo_qa[0].trap == "a dog"
    assert [s.number for s in conversation.sessions] == [1]  # the empty session is skipped
    [sample] = locomo_samples([conversation], [5])
    assert sample.metadata is not None and sample.metadata["adversarial_answer"] == "a dog"


def test_a_session_with_messages_but_no_date_and_a_question_without_answer_stop() -> None:
    conversation = {
        "speaker_a": "Ann",
        "speaker_b": "Bob",
        "session_1": [{"speaker": "Ann", "dia_id": "D1:1", "text": "hi"}],
    }
    with pytest.raises(DatasetError, match="session_1: holds messages but has no session_1_date_time"):
        locomo_conversation_from_json("Chat_3_Ann_Bob", {"conversation": conversation})
    conversation["session_1_date_time"] = "9:05 am on 1 January, 2024"
    bad = {"conversation": conversation, "qa": [{"question": "q", "evidence": [], "category": 4}]}
    with pytest.raises(DatasetError, match="category 4 question needs `answer`"):
        locomo_conversation_from_json("Chat_3_Ann_Bob", bad)
    with pytest.raises(DatasetError, match="category"):
        locomo_conversation_from_json(
            "Chat_3_Ann_Bob",
            {"conversation": conversation, "qa": [{"question": "q", "answer": "a", "category": 6}]},
        )


def test_the_registered_task_takes_dataset_as_a_string_parameter(tmp_path: Path) -> None:
    """`-T dataset=locomo` on `realtalk_evals/memory_probing`, resolved through the package entry point."""
    [log] = eval(
        "realtalk_evals/memory_probing",
        task_args={"dataset": "locomo", "categories": "adversarial"},
        model=get_model("realtalk/mock", reply="Not mentioned in the conversation"),
        model_roles={"grader": get_model("realtalk/judge", custom_outputs=judge, memoize=False)},
        limit=3,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success" and log.samples is not None and len(log.samples) == 3
    assert log.eval.task == "realtalk_evals/memory_probing"
    assert all((s.scores or {})["partial_match"].value == 1.0 for s in log.samples)


# --- memory systems on LoCoMo (`-T memory=...`, docs/memory_systems.md) ---------------------------------


def _recall(sample: EvalSample) -> dict[str, float]:
    assert sample.scores is not None
    value = sample.scores["evidence_recall"].value
    assert isinstance(value, dict)
    return {key: float(number) for key, number in value.items() if isinstance(number, int | float)}


def test_locomo_selections_render_exactly_the_full_context_with_the_files_dates() -> None:
    """`full` and a selection differ only in the lines present: LoCoMo's own dates above every session."""
    conversation = load_locomo_conversations()[0]
    units = conversation_units(conversation, "turn")
    assert render_units(conversation, units[::-1], "conversation") == render_context(conversation)
    search = {tool.name: tool for tool in conversation_tools(conversation, [])}
    assert anyio.run(search["read_session"].tool, 1).startswith("DATE: 1:56 pm on 8 May, 2023\n")


@pytest.mark.slow
def test_locomo_oracle_shows_the_evidence_with_recall_one(tmp_path: Path) -> None:
    model = get_model("realtalk/mock", reply=LOCOMO_NOT_MENTIONED, memoize=False)
    log = _run(tmp_path, model, memory="oracle", conversations=1, categories="temporal,adversarial")
    assert log.status == "success" and log.samples is not None and len(log.samples) == 37 + 47
    full = render_context(load_locomo_conversations()[0])
    with_evidence = [s for s in log.samples if s.metadata["evidence"]]
    assert len(with_evidence) >= 80
    for sample in with_evidence:
        assert sorted(sample.metadata["memory_dia_ids"]) == sorted(set(sample.metadata["evidence"]))
        assert _recall(sample)["turn_recall"] == 1.0 and _recall(sample)["session_recall"] == 1.0
        body = sample.messages[0].text.split("\n\nBased on the provided context")[0]
        assert all(line in full for line in body.splitlines())
        assert "DATE: " in body and ", 2023" in body  # the file's date, e.g. `1:56 pm on 8 May, 2023`
    assert log.results is not None
    trap = next(s for s in log.results.scores if s.name == "trap_answer")
    assert set(trap.metrics) == {"trap_rate"}


@pytest.mark.slow
def test_locomo_bm25_runs_end_to_end_searching_the_question_without_options(tmp_path: Path) -> None:
    model = get_model("realtalk/mock", reply=LOCOMO_NOT_MENTIONED, memoize=False)
    log = _run(tmp_path, model, memory="bm25", top_k=5, conversations=2, categories="adversarial,temporal")
    assert log.status == "success" and log.samples is not None
    conversation = load_locomo_conversations()[1]
    memory = Memory("bm25", top_k=5)
    adversarial = [s for s in log.samples if s.metadata["category_name"] == "adversarial"]
    assert adversarial and all("(a)" in s.metadata["question"] for s in adversarial)
    for sample in log.samples:
        expected = memory.select(conversation, sample.metadata["source_question"])
        assert sample.metadata["memory_units"] == [unit.id for unit in expected]
        assert len(sample.metadata["memory_dia_ids"]) == 5
        assert sample.messages[0].text.endswith(f"Question: {sample.metadata['question']}\n\nAnswer:")
    adversarial_score = [s.scores["partial_match"].value for s in adversarial if s.scores]
    assert adversarial_score and all(value == 1.0 for value in adversarial_score)


@pytest.mark.slow
def test_locomo_evidence_naming_no_turn_is_counted_by_evidence_recall(tmp_path: Path) -> None:
    model = get_model("realtalk/mock", reply="x", memoize=False)
    log = _run(tmp_path, model, memory="oracle", conversations=7, categories="multi_hop")
    assert log.status == "success" and log.samples is not None
    sample = next(s for s in log.samples if s.id == "Chat_7_James_John-q038")
    assert sample.metadata["evidence_sessions"] == {"D18:1": 18, "D18:7": 18, "D4:36": None}
    assert _recall(sample) == {
        "turn_recall": 1.0,
        "session_recall": 1.0,
        "unknown_evidence": 1.0,
        "no_known_evidence": 0.0,
    }
    assert sample.scores is not None and "D4:36" in (sample.scores["evidence_recall"].explanation or "")


@pytest.mark.parametrize("memory_input", ["observation", "summary"])
@pytest.mark.parametrize("memory", ["oracle", "bm25", "recent", "agent"])
def test_memory_systems_refuse_locomos_observation_and_summary_inputs(memory_input: str, memory: str) -> None:
    with pytest.raises(
        InputError, match=f"memory={memory} selects turns, sessions or events; .*use memory=full"
    ):
        memory_probing(dataset="locomo", input=memory_input, memory=memory)  # type: ignore[arg-type]
