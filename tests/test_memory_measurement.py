"""Memory measurement on the real data with the mock model: split evidence, no recall without evidence, credit
only for shown turns, one ranking scored at every k, `none`, memories a model writes (built once, then read from
the cache), the token budget, and BM25's tokenizer, cut-off and ties."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, EvalSample, read_eval_log
from inspect_ai.model import ChatMessage, ModelOutput, get_model

from realtalk_evals.data.realtalk import load_conversations, select_conversations
from realtalk_evals.data.records import Conversation, evidence_ids
from realtalk_evals.errors import InputError
from realtalk_evals.memory.evidence import turn_sessions
from realtalk_evals.memory.ranking import RANKING_KS, ranking_keys, ranking_scores
from realtalk_evals.memory.systems.bm25 import BM25Index, tokenize
from realtalk_evals.memory.systems.select import RANKING_DEPTH, Memory
from realtalk_evals.memory.systems.units import Unit
from realtalk_evals.prompts import MEMORY_QUESTION
from realtalk_evals.tasks.memory_probing import memory_probing

ROOT = Path(__file__).resolve().parent.parent
GRADER = '{"score": 1}'


def run(
    log_dir: Path, model: Any = None, roles: dict[str, Any] | None = None, **task_args: object
) -> EvalLog:
    [log] = eval(
        memory_probing(**task_args),  # type: ignore[arg-type]
        model=model or get_model("realtalk/mock/answer", reply="Skiing", memoize=False),
        model_roles={
            "grader": get_model("realtalk/mock/judge", reply=GRADER, memoize=False),
            **(roles or {}),
        },
        log_dir=str(log_dir),
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success", log.error
    assert log.samples is not None
    return log


def value(sample: EvalSample, scorer: str) -> dict[str, float]:
    assert sample.scores is not None
    found = sample.scores[scorer].value
    assert isinstance(found, dict)
    return {key: float(number) for key, number in found.items() if isinstance(number, int | float)}


def chat(number: int) -> Conversation:
    return select_conversations(number)[0]


# --- evidence --------------------------------------------------------------------------------------------


def test_evidence_strings_are_split_expanded_and_cleaned() -> None:
    given = ["D1:11; D3:18", "D12:3-D12:5", "D5:3.", "D13:4. D14:4", "D 2:18", "D13:45:D20:19", "", "D7:2-4"]
    assert evidence_ids(given) == [
        "D1:11",
        "D3:18",
        "D12:3",
        "D12:4",
        "D12:5",
        "D5:3",
        "D13:4",
        "D14:4",
        "D2:18",
        "D13:45",
        "D20:19",
        "D7:2",
        "D7:3",
        "D7:4",
    ]
    assert evidence_ids("D1:11; D1:11") == ["D1:11"]  # each once
    assert evidence_ids(["D17;39", "D58", "23:29"]) == ["D17", "39", "D58", "23:29"]  # no id: kept, unknown
    assert evidence_ids("D3:5-D4:2") == ["D3:5-D4:2"]  # a range across sessions is not guessed at


def test_realtalk_evidence_after_splitting_matches_docs_fidelity() -> None:
    """The counts docs/fidelity.md states are the data's: ids, ids naming no turn, questions without any."""
    ids = unknown = without = 0
    for conversation in load_conversations():
        turns = turn_sessions(conversation)
        for qa in conversation.qa:
            ids += len(qa.evidence)
            unknown += sum(e not in turns for e in qa.evidence)
            without += not any(e in turns for e in qa.evidence)
    assert 0 < unknown < 188 and 0 < without < 49  # before splitting: 188 and 49
    fidelity = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
    assert f"{unknown} of {ids:,} evidence ids name no turn" in fidelity
    assert f"{without} of the 728 questions have no known evidence" in fidelity


def test_a_question_without_known_evidence_has_no_recall_and_the_oracle_marks_it(tmp_path: Path) -> None:
    log = run(tmp_path, memory="oracle", conversations=5, categories=3)
    without = [
        s
        for s in log.samples or []
        if not any(v is not None for v in s.metadata["evidence_sessions"].values())
    ]
    assert len(without) == 2  # Chat_5 q009 (D2:20) and q072 (D21:115) name no turn
    for sample in log.samples or []:
        recall = value(sample, "evidence_recall")
        if sample in without:
            assert math.isnan(recall["turn_recall"]) and math.isnan(recall["session_recall"])
            assert recall["no_known_evidence"] == 1.0 and sample.metadata["memory_empty"] is True
        else:
            assert recall["turn_recall"] == 1.0 and recall["no_known_evidence"] == 0.0
            assert "memory_empty" not in sample.metadata
    assert log.results is not None
    metrics = {(s.name, k): m.value for s in log.results.scores for k, m in s.metrics.items()}
    assert metrics[("no_known_evidence", "count")] == 2
    assert metrics[("turn_recall", "mean")] == 1.0  # the two are left out, not counted as 1


# --- a user's own units: credit only for shown turns; collisions refused, repeats counted -----------------


class QuotingMemory:
    """Returns, per question, a unit quoting the first turn, one claiming the second without its text, and the
    third turn twice."""

    def index(self, conversation: Conversation) -> None:
        self.messages = conversation.messages
        self.session = conversation.sessions[0].number

    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        first, second, third = self.messages[:3]
        quoted = Unit("quote", self.session, 0, (f"Someone said: {first.text}",), (first.dia_id,))
        claimed = Unit("claim", self.session, 1, ("A fact about the day.",), (second.dia_id,))
        return [quoted, claimed, third.dia_id, third.dia_id]


class CollidingMemory(QuotingMemory):
    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        return [Unit(self.messages[0].dia_id, self.session, 0, ("my own line",))]


class TwoUnitsOneId(QuotingMemory):
    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        return [Unit("mine", self.session, 0, ("one",)), Unit("mine", self.session, 1, ("two",))]


def test_a_user_unit_is_credited_only_with_turns_whose_text_it_shows(tmp_path: Path) -> None:
    log = run(tmp_path, memory=f"{__name__}:QuotingMemory", conversations=1, categories=3)
    first, second, third = chat(1).messages[:3]
    for sample in log.samples or []:
        metadata = sample.metadata
        assert metadata["memory_dia_ids"] == [first.dia_id, third.dia_id]
        assert metadata["memory_cited_dia_ids"] == [second.dia_id]  # claimed, not shown: no credit
        assert metadata["memory_duplicates"] == 1 and metadata["memory_units"] == [
            "quote",
            "claim",
            third.dia_id,
        ]
        assert metadata["memory_ranking_turns"] == {"quote": [first.dia_id]}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("CollidingMemory", "a unit of its own with id 'D1:1', a dia_id of the conversation"),
        ("TwoUnitsOneId", "two different units with the id 'mine'"),
    ],
)
def test_a_unit_id_that_would_merge_with_another_is_refused_at_construction(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        memory_probing(memory=f"{__name__}:{name}", conversations=1)


# --- one ranking per question, scored at every k ---------------------------------------------------------


def test_ndcg_and_recall_on_a_hand_worked_ranking() -> None:
    evidence = {"D1:1": 1, "D1:5": 1, "D2:3": 2, "D9:9": None}  # D9:9 names no turn: left out
    scores = ranking_scores(["D1:2", "D1:5", "D2:3", "D1:1"], [1, 1, 2, 1], {}, evidence)
    # turns: evidence at ranks 2, 3, 4; ideal: three at ranks 1-3
    dcg = 1 / math.log2(3) + 1 / math.log2(4) + 1 / math.log2(5)
    assert scores["turn_ndcg_at_10"] == pytest.approx(dcg / (1 + 1 / math.log2(3) + 0.5))
    assert [scores[f"turn_recall_at_{k}"] for k in RANKING_KS] == pytest.approx([0, 2 / 3, 1, 1, 1, 1])
    assert [scores[f"turn_recall_all_at_{k}"] for k in RANKING_KS] == [0, 0, 1, 1, 1, 1]
    # sessions: session 1 new at rank 1, session 2 new at rank 3 (rank 2 repeats session 1)
    assert scores["session_ndcg_at_10"] == pytest.approx((1 + 0.5) / (1 + 1 / math.log2(3)))
    assert scores["session_recall_at_1"] == 0.5 and scores["session_recall_at_3"] == 1.0
    assert ranking_scores(["D1:1"], [1], {}, {"D9:9": None}) == {
        key: pytest.approx(math.nan, nan_ok=True) for key in ranking_keys()
    }
    whole = ranking_scores(["S2", "S1"], [2, 1], {}, evidence, whole_sessions=True)
    assert whole["turn_recall_at_1"] == pytest.approx(1 / 3) and math.isnan(whole["turn_ndcg_at_10"])


def test_recall_at_k_is_monotone_and_equals_evidence_recall_at_top_k(tmp_path: Path) -> None:
    log = run(tmp_path, memory="bm25", top_k=10, conversations="2,3", categories="1,2")
    for sample in log.samples or []:
        ranking = value(sample, "retrieval_ranking")
        recall = value(sample, "evidence_recall")
        assert len(sample.metadata["memory_ranking"]) <= RANKING_DEPTH
        assert sample.metadata["memory_units"] == sample.metadata["memory_ranking"][:10]
        for level in ("turn", "session"):
            curve = [ranking[f"{level}_recall_at_{k}"] for k in RANKING_KS]
            if math.isnan(curve[0]):
                assert math.isnan(recall[f"{level}_recall"])
                continue
            assert curve == sorted(curve)
            assert [ranking[f"{level}_recall_all_at_{k}"] for k in RANKING_KS] == sorted(
                ranking[f"{level}_recall_all_at_{k}"] for k in RANKING_KS
            )
            assert ranking[f"{level}_recall_at_10"] == pytest.approx(recall[f"{level}_recall"])
            assert 0.0 <= ranking[f"{level}_ndcg_at_10"] <= 1.0
    assert log.results is not None
    metrics = {(score.name, name) for score in log.results.scores for name in score.metrics}
    assert {("turn_recall_at_10", "grouped_multi_hop"), ("session_ndcg_at_10", "grouped_temporal")} <= metrics


def test_whole_session_units_rank_sessions_and_cover_their_turns(tmp_path: Path) -> None:
    log = run(tmp_path, memory="bm25", unit="session", top_k=3, conversations=4, categories=3)
    for sample in log.samples or []:
        ranking = value(sample, "retrieval_ranking")
        assert all(re.fullmatch(r"S\d+", unit) for unit in sample.metadata["memory_ranking"])
        assert sample.metadata["memory_ranking_turns"] == {}  # the sessions' turns are not copied
        assert math.isnan(ranking["turn_ndcg_at_10"])
        assert ranking["turn_recall_at_3"] == pytest.approx(
            value(sample, "evidence_recall")["turn_recall"], nan_ok=True
        )


# --- BM25: stemming, no zero-score padding, ties -------------------------------------------------------


def test_bm25_stems_by_default_and_can_keep_whole_words() -> None:
    assert tokenize("She went skiing and skied") == ["went", "ski", "ski"]
    assert tokenize("She went skiing and skied", stemming=False) == ["went", "skiing", "skied"]
    conversation = chat(1)
    stemmed, whole = (Memory("bm25", top_k=50, bm25_stemming=s) for s in (True, False))
    question = "Where did Emi go skiing?"
    assert [u.id for u in stemmed.select(conversation, question)] != [
        u.id for u in whole.select(conversation, question)
    ]


def test_bm25_never_shows_a_unit_sharing_no_word_with_the_question(tmp_path: Path) -> None:
    conversation = chat(1)
    memory = Memory("bm25", top_k=10)
    assert memory.select(conversation, "What was it, then?") == []  # stop words only
    units = memory.select(conversation, "zeppelin skiing")
    assert len(units) > 0 and all("ski" in tokenize(u.text) for u in units)


def test_bm25_ties_keep_chronological_order() -> None:
    texts = ["cake", "cake shop", "cake", "tea", "cake", *(f"word{n} other{n}" for n in range(10))]
    units = [Unit(f"D1:{n}", 1, n, (text,), (f"D1:{n}",)) for n, text in enumerate(texts, start=1)]
    index = BM25Index(units)
    ranked = index.ranked("cake")
    assert [units[i].id for i in ranked] == ["D1:1", "D1:3", "D1:5", "D1:2"]  # equal scores in date order;
    assert index.ranked("cake", 2) == ranked[:2]  # the longer turn lower; no zero-score unit after them


# --- memory=none, and the token budget -------------------------------------------------------------------


def test_none_sends_the_question_alone(tmp_path: Path) -> None:
    log = run(tmp_path, memory="none", conversations=1, categories=3)
    for sample in log.samples or []:
        [message] = sample.messages[:1]
        assert message.text == MEMORY_QUESTION.format(question=sample.metadata["question"])
        assert sample.metadata["memory_units"] == [] and "memory_empty" not in sample.metadata
        recall = value(sample, "evidence_recall")
        assert recall["turn_recall"] == 0.0 or recall["no_known_evidence"] == 1.0
        assert "retrieval_ranking" not in (sample.scores or {})


def test_the_token_budget_keeps_the_best_units_that_fit(tmp_path: Path) -> None:
    budget = 600
    log = run(tmp_path, memory="bm25", top_k=50, memory_tokens=budget, conversations=6, categories=3)
    cut = 0
    for sample in log.samples or []:
        usage = sample.model_usage["realtalk/mock/answer"]  # the mock counts four characters a token
        assert usage.input_tokens == sample.metadata["memory_context_tokens"] <= budget
        shown = sample.metadata["memory_units"]
        assert shown == sample.metadata["memory_ranking"][: len(shown)]  # the best, in rank order
        cut += sample.metadata["memory_cut"]
    assert cut > 0


def test_a_budget_below_the_whole_context_refuses_full_but_not_a_selection() -> None:
    with pytest.raises(InputError, match="cannot hold memory=full"):
        memory_probing(memory="full", memory_tokens=20_000, conversations=1)
    assert len(memory_probing(memory="recent", memory_tokens=20_000, conversations=1).dataset) == 70


# --- memories a model writes ------------------------------------------------------------------------------


class Builder:
    """A scripted builder: one observation per message (its text, citing its dia_id), or a summary line."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, messages: list[ChatMessage], *_: object) -> ModelOutput:
        self.calls += 1
        session = messages[-1].text
        if messages[0].role == "system":
            facts: dict[str, list[list[str]]] = {}
            for dia_id, speaker, text in re.findall(r'\[(D\d+:\d+)\] (\S+) said, "(.*)"', session):
                facts.setdefault(speaker, []).append([f"{speaker} said {text}", dia_id])
            reply = "Here are the observations:\n```json\n" + json.dumps(facts) + "\n```"
        else:
            reply = f"They talked ({len(session)} characters)."
        return ModelOutput.from_content(model="builder", content=reply)


@pytest.mark.parametrize("memory", ["observations", "summary"])
def test_memories_are_built_once_then_read_from_the_cache(tmp_path: Path, memory: str) -> None:
    builder = Builder()
    roles = {"memory_builder": get_model("realtalk/builder", custom_outputs=builder, memoize=False)}
    sessions = len(chat(2).sessions)
    first = run(tmp_path / "first", roles=roles, memory=memory, conversations=2, categories=3)
    assert builder.calls == sessions  # one call per session
    records = [s.metadata["memory_builder"] for s in first.samples or []]
    assert all(r == records[0] for r in records) and records[0]["calls"] == sessions
    spent = sum(
        s.role_usage["memory_builder"].input_tokens
        for s in first.samples or []
        if "memory_builder" in s.role_usage
    )
    assert spent == records[0]["input_tokens"] > 0  # the builder's own role, once per conversation
    answers = sum(s.model_usage["realtalk/mock/answer"].input_tokens for s in first.samples or [])
    assert answers == sum(s.metadata["memory_context_tokens"] for s in first.samples or [])

    builder.calls = 0
    second = run(tmp_path / "second", roles=roles, memory=memory, conversations=2, categories=3)
    assert builder.calls == 0
    again = second.samples[0].metadata["memory_builder"]  # type: ignore[index]
    assert again["calls"] == 0 and again["cached"] == sessions
    assert again["total_tokens"] == records[0]["total_tokens"]  # what building cost, though this run paid 0
    assert all("memory_builder" not in s.role_usage for s in second.samples or [])
    assert [s.messages[0].text for s in second.samples or []] == [
        s.messages[0].text for s in first.samples or []
    ]


def test_observations_are_dated_facts_whose_citations_count_in_recall(tmp_path: Path) -> None:
    roles = {"memory_builder": get_model("realtalk/builder", custom_outputs=Builder(), memoize=False)}
    log = run(tmp_path, roles=roles, memory="observations", top_k=10, conversations=3, categories=1)
    found = 0.0
    for sample in log.samples or []:
        prompt = sample.messages[0].text
        assert prompt.startswith("Below are observations about") and "OBSERVATIONS:" in prompt
        assert all(re.fullmatch(r"S\d+:O\d+", unit) for unit in sample.metadata["memory_units"])
        cited = set(sample.metadata.get("memory_cited_dia_ids", []))
        known = {e for e, s in sample.metadata["evidence_sessions"].items() if s is not None}
        recall = value(sample, "evidence_recall")["turn_recall"]
        if known:
            assert recall == pytest.approx(len(known & cited) / len(known))
            found += recall
        assert value(sample, "retrieval_ranking")["turn_recall_at_10"] == pytest.approx(recall, nan_ok=True)
    assert found > 0


def test_the_summary_is_shown_whole_and_a_budget_keeps_the_latest(tmp_path: Path) -> None:
    roles = {"memory_builder": get_model("realtalk/builder", custom_outputs=Builder(), memoize=False)}
    log = run(tmp_path, roles=roles, memory="summary", memory_tokens=300, conversations=1, categories=3)
    conversation = chat(1)
    latest = max(conversation.sessions, key=lambda s: s.date_time).number
    for sample in log.samples or []:
        units = sample.metadata["memory_units"]
        assert units[0] == f"S{latest}:summary" and 0 < len(units) < len(conversation.sessions)
        assert sample.metadata["memory_context_tokens"] <= 300
        assert math.isnan(value(sample, "evidence_recall")["turn_recall"])  # a summary shows no turn


def test_the_builder_prompts_are_locomos_with_the_sessions_dia_ids() -> None:
    from realtalk_evals.memory.systems.built import observation_messages, parse_observations, summary_messages

    conversation = chat(1)
    session = conversation.sessions[0]
    messages = observation_messages(session)
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[0].text.startswith("Write a concise and short list of all possible OBSERVATIONS")
    assert all(f"[{m.dia_id}]" in messages[-1].text for m in session.messages if m.text.strip())
    assert "in the following conversation" in summary_messages(conversation, session)[0].text
    assert parse_observations(
        '{"emi": [["Emi skis.", "D1:3; D1:4"]], "Elise": ["Elise bakes."]}', conversation.speakers
    ) == [
        ("Emi", "Emi skis.", ["D1:3", "D1:4"]),
        ("elise", "Elise bakes.", []),
    ]
    assert parse_observations("no JSON here", conversation.speakers) is None
