"""Memory systems of memory_probing on the real data: selection, rendering, recall, the agent and custom classes."""

from __future__ import annotations

import hashlib
import math
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, EvalSample, read_eval_log
from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageTool, ModelOutput, get_model
from tiny_embedding import build_tiny_sentence_encoder

from realtalk_evals.data.realtalk import load_conversations, select_conversations
from realtalk_evals.data.records import Conversation
from realtalk_evals.errors import InputError
from realtalk_evals.memory.context import MemoryInput, render_context, render_memory_prompt
from realtalk_evals.memory.evidence import turn_sessions
from realtalk_evals.memory.systems.bm25 import tokenize
from realtalk_evals.memory.systems.embeddings import embed
from realtalk_evals.memory.systems.hybrid import reciprocal_rank_fusion
from realtalk_evals.memory.systems.select import Memory
from realtalk_evals.memory.systems.units import Unit, conversation_units, render_units
from realtalk_evals.tasks.memory_probing import memory_probing

TODAY_PROMPT_SHA256 = {
    "conversation": "2ca0dda8ec9a5be77444f45aab1ac93aa7abd799913fe4396947b19783104a15",
    "events": "682a571ed0abf556d3cf3f54a401d2391b536c4eeb86abfe66c5f474839a9cf2",
}
"""SHA-256 of the D.2 prompt of Chat_1's question 0 before memory systems existed (dataset commit pinned), with
the image line's full stop inside the quotes as in D.2 (memory_probing 1.1.0, docs/fidelity.md)."""

GRADER = '{"score": 1}'


def run(log_dir: Path, **task_args: object) -> EvalLog:
    prompts: list[str] = []

    def respond(messages: list[ChatMessage], *_: object) -> ModelOutput:
        prompts.append(messages[0].text)
        return ModelOutput.from_content(model="answerer", content="Skiing")

    model = get_model("realtalk/answerer", custom_outputs=respond, memoize=False)
    [log] = eval(
        memory_probing(**task_args),  # type: ignore[arg-type]
        model=model,
        model_roles={"grader": get_model("realtalk/mock", reply=GRADER, memoize=False)},
        log_dir=str(log_dir),
        display="none",
    )
    return read_eval_log(log.location)


def recall(sample: EvalSample) -> dict[str, float]:
    """The evidence_recall score of a sample, as a dict of numbers."""
    assert sample.scores is not None
    value = sample.scores["evidence_recall"].value
    assert isinstance(value, dict)
    return {key: float(number) for key, number in value.items() if isinstance(number, int | float)}


def chat(number: int) -> Conversation:
    return select_conversations(number)[0]


# --- the default stays the paper's run -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("memory_input", ["conversation", "events"])
def test_default_prompt_ids_and_scorers_are_todays(tmp_path: Path, memory_input: str) -> None:
    log = run(tmp_path, input=memory_input, conversations=1, categories=1)
    assert log.status == "success" and log.samples is not None
    first = next(s for s in log.samples if s.id == "Chat_1_Emi_Elise-q000")
    prompt = first.messages[0].text
    assert hashlib.sha256(prompt.encode()).hexdigest() == TODAY_PROMPT_SHA256[memory_input]
    assert all(set(s.scores or {}) == {"partial_match", "llm_judge", "empty_reply"} for s in log.samples)
    assert all("memory_units" not in s.metadata for s in log.samples)


@pytest.mark.parametrize("memory_input", ["conversation", "events"])
def test_all_units_render_exactly_the_full_context(memory_input: MemoryInput) -> None:
    """`full` and any selection differ only in the lines present (sessions without events are left out)."""
    empty_session = re.compile(r"\n\nDATE: [^\n]+\n\nEVENTS:\n\n(?=\n\n|$)")
    for conversation in load_conversations():
        expected = empty_session.sub("", render_context(conversation, memory_input))
        for unit in ("turn", "session"):
            units = conversation_units(conversation, unit, memory_input)  # type: ignore[arg-type]
            shuffled = units[::-1]  # rendering restores the chronological order
            assert render_units(conversation, shuffled, memory_input) == expected


# --- oracle, bm25, recent --------------------------------------------------------------------------------


def test_oracle_shows_exactly_the_evidence_turns_with_recall_one(tmp_path: Path) -> None:
    memory = Memory("oracle")
    for conversation in load_conversations():
        known = turn_sessions(conversation)
        for qa in conversation.qa:
            units = memory.select(conversation, qa.question, qa.evidence)
            assert {u.id for u in units} == {e for e in qa.evidence if e in known}
    log = run(tmp_path, memory="oracle", conversations=2, categories=2)
    assert log.status == "success" and log.samples is not None
    for sample in log.samples:
        value = recall(sample)
        evidence = [e for e, s in sample.metadata["evidence_sessions"].items() if s is not None]
        assert sorted(sample.metadata["memory_dia_ids"]) == sorted(set(evidence))
        if evidence:
            assert value["turn_recall"] == 1.0 and value["session_recall"] == 1.0
        # every shown line is a line of the full prompt, in the D.2 frame, question last
        full = render_context(chat(2), "conversation")
        prompt = sample.messages[0].text
        body = prompt.split("\n\nBased on the provided context")[0]
        assert all(line in full for line in body.splitlines())
        assert prompt.endswith("Answer:") and sample.metadata["question"] in prompt


def test_a_turn_holding_a_rare_word_of_the_question_ranks_first_under_bm25() -> None:
    """The only turn with a word (its Porter stem) ranks first, however long it is (stop words do not
    compete)."""
    conversation = chat(3)
    units = conversation_units(conversation)
    frequency = Counter(token for unit in units for token in set(tokenize(unit.text)))
    rare = [
        (unit, word)
        for unit in units
        for word in re.findall(r"[a-z]+", unit.text.lower())
        if len(word) > 6 and tokenize(word) and frequency[tokenize(word)[0]] == 1
    ]
    assert len(rare) > 20
    memory = Memory("bm25", top_k=3)
    for unit, word in rare[::10]:
        question = f"What was it about the {word}?"  # every other word is a stop word
        assert memory.select(conversation, question)[0].id == unit.id


def test_bm25_recall_does_not_fall_as_top_k_grows() -> None:
    conversation = chat(4)
    previous: dict[int, float] = {}
    for top_k in (1, 3, 10, 30, 100):
        memory = Memory("bm25", top_k=top_k)
        for index, qa in enumerate(conversation.qa):
            shown = {d for u in memory.select(conversation, qa.question) for d in u.dia_ids}
            recall = len(shown & set(qa.evidence)) / max(len(qa.evidence), 1)
            assert recall >= previous.get(index, 0.0)
            previous[index] = recall
    assert max(previous.values()) == 1.0


def test_recent_holds_only_the_last_sessions(tmp_path: Path) -> None:
    conversation = chat(1)
    last_two = [s.number for s in sorted(conversation.sessions, key=lambda s: s.date_time)][-2:]
    units = Memory("recent", top_k=2).select(conversation, "anything")
    assert {u.session for u in units} == set(last_two)
    assert len(units) == sum(len(s.messages) for s in conversation.sessions if s.number in last_two)
    log = run(tmp_path, memory="recent", top_k=1, conversations=1, categories=3)
    assert log.status == "success" and log.samples is not None
    assert all(s.metadata["memory_sessions"] == last_two[-1:] for s in log.samples)
    assert all(s.messages[0].text.count("DATE: ") == 1 for s in log.samples)


@pytest.mark.slow
def test_session_units_and_event_units(tmp_path: Path) -> None:
    conversation = chat(1)
    sessions = Memory("bm25", unit="session", top_k=2).select(conversation, "skiing in Colorado")
    assert len(sessions) == 2 and all(re.fullmatch(r"S\d+", u.id) for u in sessions)
    log = run(tmp_path, memory="bm25", input="events", top_k=4, conversations=1, categories=2)
    assert log.status == "success" and log.samples is not None
    for sample in log.samples:
        assert len(sample.metadata["memory_units"]) == 4
        assert all(re.fullmatch(r"S\d+:E\d+", u) for u in sample.metadata["memory_units"])
        assert sample.messages[0].text.startswith("Below are the key events")
        assert math.isnan(recall(sample)["turn_recall"])  # events carry no dia_ids


# --- evidence recall -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_evidence_naming_no_turn_is_counted_and_left_out_of_the_denominator(tmp_path: Path) -> None:
    log = run(tmp_path, memory="oracle", conversations=1)
    assert log.status == "success" and log.samples is not None
    sample = next(
        s for s in log.samples if s.id == "Chat_1_Emi_Elise-q020"
    )  # cites D1:41, D3:59, ... (no turns)
    value = recall(sample)
    unknown = [e for e, s in sample.metadata["evidence_sessions"].items() if s is None]
    assert value["unknown_evidence"] == len(unknown) >= 4 and value["turn_recall"] == 1.0
    assert log.results is not None
    metrics = {(s.name, k): m.value for s in log.results.scores for k, m in s.metrics.items()}
    assert metrics[("unknown_evidence", "count")] == sum(recall(s)["unknown_evidence"] for s in log.samples)


# --- dense and hybrid, with a tiny encoder built on the fly ----------------------------------------------


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> str:
    corpus = [message.text for conversation in load_conversations() for message in conversation.messages]
    return build_tiny_sentence_encoder(tmp_path_factory.mktemp("encoder"), corpus, vocab_size=4000)


@pytest.mark.slow
@pytest.mark.parametrize("memory", ["dense", "hybrid"])
def test_dense_and_hybrid_run_end_to_end_and_cache_embeddings(
    tmp_path: Path, tiny_encoder: str, memory: str
) -> None:
    from realtalk_evals.local_models.cache import classifier_cache

    log = run(tmp_path, memory=memory, embedding_model=tiny_encoder, top_k=5, conversations=5, categories=3)
    assert log.status == "success" and log.samples is not None
    assert all(len(s.metadata["memory_units"]) == 5 for s in log.samples)
    texts = [u.text for u in conversation_units(chat(5))]
    cached = classifier_cache().get_many("embedding", tiny_encoder, texts)
    assert set(cached) == set(texts) and len(cached[texts[0]]["vector"]) == 32


def test_hybrid_fuses_the_two_rankings(tiny_encoder: str) -> None:
    conversation = chat(6)
    question = conversation.qa[0].question
    top = {
        k: Memory(k, top_k=40, embedding_model=tiny_encoder).select(conversation, question)
        for k in ("bm25", "dense", "hybrid")
    }
    first = top["hybrid"][0].id
    assert first in {u.id for u in top["bm25"]} | {u.id for u in top["dense"]}
    assert [u.id for u in top["hybrid"]] != [u.id for u in top["dense"]]


# --- a custom memory system defined here -----------------------------------------------------------------


class FirstWordsMemory:
    """Returns the dia_ids of the first k turns; records what it was given."""

    indexed: list[str] = []

    def index(self, conversation: Conversation) -> None:
        self.turns = [m.dia_id for m in conversation.messages]
        FirstWordsMemory.indexed.append(conversation.id)

    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        own = Unit(id="note-1", session=self.session, position=-1, lines=("Note: a memory of my own.",))
        return [own, *self.turns[: k - 1]]

    @property
    def session(self) -> int:
        return int(self.turns[0].split(":")[0][1:])


class NoSearch:
    def index(self, conversation: Conversation) -> None:
        pass


def test_a_custom_memory_class_plugs_in(tmp_path: Path) -> None:
    log = run(tmp_path, memory=f"{__name__}:FirstWordsMemory", top_k=3, conversations="1,2", categories=3)
    assert log.status == "success" and log.samples is not None
    assert FirstWordsMemory.indexed[-2:] == ["Chat_1_Emi_Elise", "Chat_2_Kevin_Elise"]
    for sample in log.samples:
        assert sample.metadata["memory_units"][0] == "note-1" and len(sample.metadata["memory_units"]) == 3
        assert "Note: a memory of my own." in sample.messages[0].text


# --- the agent --------------------------------------------------------------------------------------------


def test_agent_searches_reads_and_submits_through_tools(tmp_path: Path) -> None:
    def respond(messages: list[ChatMessage], *_: object) -> ModelOutput:
        tools_done = sum(isinstance(m, ChatMessageTool) for m in messages)
        calls: list[tuple[str, dict[str, Any]]] = [
            ("search_conversation", {"query": "skiing Colorado", "k": 3}),
            ("read_session", {"number": 2}),
            ("submit", {"answer": "Skiing"}),
        ]
        name, arguments = calls[min(tools_done, 2)]
        return ModelOutput.for_tool_call(model="agent", tool_name=name, tool_arguments=arguments)

    model = get_model("realtalk/agent", custom_outputs=respond, memoize=False)
    [log] = eval(
        memory_probing(memory="agent", conversations=1, categories=3),
        model=model,
        model_roles={"grader": get_model("realtalk/mock", reply=GRADER, memoize=False)},
        log_dir=str(tmp_path),
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None and len(log.samples) == 10
    conversation = chat(1)
    session_two = [m.dia_id for m in conversation.sessions[1].messages]
    for sample in log.samples:
        assert sample.output.completion == "Skiing"
        tool_messages = [m for m in sample.messages if isinstance(m, ChatMessageTool)]
        assert [m.function for m in tool_messages][:2] == ["search_conversation", "read_session"]
        final = sample.messages[-1]
        assert isinstance(final, ChatMessageAssistant) and "Skiing" in final.text  # the submitted answer
        assert "skiing" in tool_messages[0].text.lower() and "DATE: " in tool_messages[1].text
        assert len(sample.metadata["memory_dia_ids"]) == 3 + len(session_two)
        assert set(session_two) <= set(sample.metadata["memory_dia_ids"])
        assert "evidence_recall" in (sample.scores or {})


def test_agent_message_limit_ends_a_runaway_sample(tmp_path: Path) -> None:
    def respond(messages: list[ChatMessage], *_: object) -> ModelOutput:
        return ModelOutput.for_tool_call(
            model="agent", tool_name="search_conversation", tool_arguments={"query": "hi"}
        )

    [log] = eval(
        memory_probing(memory="agent", conversations=1, categories=3, agent_message_limit=6),
        model=get_model("realtalk/agent", custom_outputs=respond, memoize=False),
        model_roles={"grader": get_model("realtalk/mock", reply=GRADER, memoize=False)},
        log_dir=str(tmp_path),
        display="none",
        limit=2,
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None
    for sample in log.samples:
        assert sample.limit is not None and sample.limit.type == "message"
        assert len(sample.messages) <= 6 and sample.metadata["memory_dia_ids"]


# --- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"top_k": 0}, "top_k must be a whole number of at least 1, got 0"),
        ({"unit": "paragraph"}, "unknown unit 'paragraph'; valid choices: turn, session"),
        ({"memory": "vector"}, "unknown memory 'vector'; valid choices: full, none, recent, bm25"),
        ({"memory": "oracle", "input": "events"}, "memory=oracle needs dia_ids"),
        ({"memory": "no_such_module:X"}, "cannot import module 'no_such_module'"),
        ({"memory": f"{__name__}:Missing"}, "has no class 'Missing'"),
        ({"memory": f"{__name__}:NoSearch"}, r"does not follow the memory protocol .*no method search"),
        (
            {"memory": "dense", "embedding_model": "/no/such/encoder"},
            "embedding_model '/no/such/encoder' cannot be loaded",
        ),
        ({"memory": "agent", "agent_message_limit": 0}, "agent_message_limit must be"),
        (
            {"memory": "summary", "input": "events"},
            "memory=summary is written by a model from the conversation",
        ),
        ({"memory": "observations", "input": "events"}, "use input=conversation"),
        (
            {"memory": "summary", "memory_builder": "nosuchprovider/x"},
            "memory_builder 'nosuchprovider/x' cannot",
        ),
        (
            {"memory": "bm25", "memory_tokens": 40},
            r"memory_tokens=40 is below the question's own size: Chat_",
        ),
        ({"memory": "none", "memory_tokens": 20}, r"memory_tokens=20 is below the question's own size"),
        ({"memory": "full", "memory_tokens": 5000}, r"memory_tokens=5000 cannot hold memory=full: Chat_1"),
        ({"memory": "agent", "memory_tokens": 5000}, "bound it with agent_token_limit"),
        ({"memory": "bm25", "memory_tokens": 0}, "memory_tokens must be a whole number of at least 1"),
        ({"memory": "bm25", "bm25_stemming": "yes"}, "bm25_stemming must be true or false"),
    ],
)
def test_bad_memory_parameters_stop_before_any_model_call(args: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        memory_probing(**args)  # type: ignore[arg-type]


def test_prompt_is_the_d2_frame_of_the_retrieved_units() -> None:
    conversation = chat(1)
    memory = Memory("bm25", top_k=4)
    question = conversation.qa[5].question
    units = memory.select(conversation, question)
    prompt = render_memory_prompt(render_units(conversation, units, "conversation"), question)
    assert prompt.count('"') >= 8 and prompt.index("DATE: ") < prompt.index("Question: ")
    dates = re.findall(r"DATE: (.+)", prompt)
    assert len(dates) == len({u.session for u in units})


def test_reciprocal_rank_fusion_favours_units_both_rankings_rate() -> None:
    assert reciprocal_rank_fusion([[0, 1, 2], [1, 2, 0]])[0] == 1
    assert reciprocal_rank_fusion([[5, 6], [7]]) == [
        5,
        7,
        6,
    ]  # ties (rank 1 in one list) keep first-seen order


def test_dense_ranks_a_turn_first_for_its_own_text(tiny_encoder: str) -> None:
    conversation = chat(7)
    memory = Memory("dense", top_k=1, embedding_model=tiny_encoder)
    units = memory.units(conversation)
    texts = Counter(u.text for u in units)
    unique = [u for u in units if texts[u.text] == 1][::50]
    assert len(unique) > 10
    for unit in unique:
        # the first unit is the turn itself, or one the tiny encoder cannot tell from it: cosine 1 either way
        top = memory.select(conversation, unit.text)[0]
        query, found = embed(tiny_encoder, [unit.text, top.text])
        assert float(query @ found) == pytest.approx(1.0, abs=1e-5)
    assert sum(memory.select(conversation, u.text)[0].id == u.id for u in unique) >= 0.9 * len(unique)


def test_the_log_names_the_memory_without_copying_the_conversations(tmp_path: Path) -> None:
    log = run(tmp_path, memory="bm25", conversations=1, categories=3)
    assert log.status == "success"
    plan = log.plan.model_dump_json()
    assert len(plan) < 5_000 and "clean_text" not in plan


def test_memory_parameters_by_task_name_through_the_entry_point(tmp_path: Path) -> None:
    """`inspect eval realtalk_evals/memory_probing -T memory=bm25 -T top_k=2 -T unit=session`, from Python."""
    [log] = eval(
        "realtalk_evals/memory_probing",
        task_args={"conversations": "3", "memory": "bm25", "top_k": 2, "unit": "session"},
        model=get_model("realtalk/mock", memoize=False),
        model_roles={"grader": get_model("realtalk/mock", reply=GRADER, memoize=False)},
        limit=2,
        log_dir=str(tmp_path),
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None and len(log.samples) == 2
    for sample in log.samples:
        assert len(sample.metadata["memory_units"]) == 2
        assert sample.messages[0].text.count("DATE: ") == 2


@pytest.mark.slow
def test_benchmark_indexes_and_retrieves_against_the_current_code() -> None:
    benchmark = Path(__file__).resolve().parent.parent / "benchmarks" / "memory_systems_speed.py"
    result = subprocess.run(
        [sys.executable, str(benchmark), "--skip-eval", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert "BM25 top-10 retrieval per question" in result.stdout, result.stderr[-2000:]
