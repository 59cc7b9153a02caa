"""docs/fidelity.md against the released code it quotes, and the released code's unit of analysis."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest

from realtalk_evals.data.files import data_directory
from realtalk_evals.data.locomo import load_locomo_conversations
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.dataset_analysis.samples import conversation_samples
from realtalk_evals.ei.speaker_level import SpeakerEI, persona_consistency
from realtalk_evals.memory import answer_f1
from realtalk_evals.paper import PAPER_TABLE_7, PAPER_TABLE_8_CONSISTENCY, TABLE_7_COLUMNS
from realtalk_evals.reporting.ei_columns import SCALE

ROOT = Path(__file__).resolve().parents[1]
FIDELITY = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
# /work/shared, above the repository (or above its worktree folder)
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents[2:4] if (p / "shared").is_dir()), Path()
)
RELEASED = SHARED / "reference" / "realtalk-released"


def test_fidelity_states_the_released_analysis_code_is_in_the_pinned_commit() -> None:
    assert "not in the pinned" not in FIDELITY and "described to this project" not in FIDELITY
    assert "The released analysis code is in the pinned commit (`analyze_data.py`" in FIDELITY
    assert "`merge=false` labels every bubble on its own: the released code's unit" in FIDELITY


@pytest.mark.skipif(not RELEASED.is_dir(), reason="the released REALTALK code is not checked out here")
def test_released_code_quoted_in_fidelity_is_in_the_released_code() -> None:
    """Code quoted after "released" in the 'paper / released code' column occurs verbatim; named files exist."""
    files = {
        p.relative_to(RELEASED).as_posix(): p.read_text(encoding="utf-8") for p in RELEASED.rglob("*.py")
    }
    source = "\n".join(files.values())
    quoted = [
        snippet
        for line in FIDELITY.splitlines()
        if len(cells := line.split(" | ")) >= 3 and "eleased" in cells[1]
        for snippet in re.findall(r"`([^`]+)`", cells[1][cells[1].lower().index("released") :])
    ]
    code = [q for q in quoted if re.search(r"[()\[\]={}:]", q) and not re.match(r"[\d.]+, [\d:]+$", q)]
    named = [q for q in quoted if re.fullmatch(r"[\w/]+(\.py|/)", q)]
    assert "x_data = np.arange(1, len(session_intimacy_scores) + 1)" in code and "analyze_data.py" in named
    assert [q for q in code if q not in source and q.replace("\\n", "\n") not in source] == []
    assert [q for q in named if not any(f.endswith(q) or f.startswith(q) for f in files)] == []


def test_unmerged_samples_are_the_released_codes_chat_bubbles() -> None:
    """`merge=false` labels what released `analyze_data.py` labels: every turn of every `session_N` list."""
    [chat] = [c for c in load_conversations() if c.id == "Chat_10_Fahim_Muhhamed"]
    raw = json.loads((data_directory() / f"{chat.id}.json").read_text(encoding="utf-8"))
    bubbles = [turn for key, turns in raw.items() if re.fullmatch(r"session_\d+", key) for turn in turns]
    unmerged = conversation_samples(chat, "realtalk", False, None)
    assert [(s.metadata or {})["text"] for s in unmerged] == [
        t.get("clean_text", t.get("text", "")) for t in bubbles
    ]
    assert len(conversation_samples(chat, "realtalk", True, None)) < len(unmerged)


def _fidelity_figures(after: str) -> list[float]:
    """The six two-decimal figures the doc gives right after `after`."""
    match = re.search(re.escape(after) + r"(\d\.\d\d(?:, \d\.\d\d){5})", FIDELITY)
    assert match, after
    return [float(x) for x in match.group(1).split(", ")]


TABLE_8_PEOPLE = ("emi", "paola", "akib", "muhhamed", "nebraas", "fahim khan")
"""The people in two of table 7's rows, in the order docs/fidelity.md lists them."""


def _table_7_by_person() -> dict[str, list[dict[str, float]]]:
    """Each person's table-7 numbers per conversation, P1 and P2 read as the data's speaker_1 and speaker_2."""
    speakers = {conversation.id: conversation.speakers for conversation in load_conversations()}
    people: dict[str, list[dict[str, float]]] = {}
    for conversation_id, row in PAPER_TABLE_7.items():
        for side, speaker in enumerate(speakers[conversation_id]):
            values = {name: row[name][side] for name in TABLE_7_COLUMNS}
            people.setdefault(speaker.casefold(), []).append(values)
    assert sorted(p for p, rows in people.items() if len(rows) == 2) == sorted(TABLE_8_PEOPLE)
    return people


def _readings() -> dict[str, np.ndarray]:
    """For each reading of table 8, candidates (every non-empty subset of the 11 attributes) x people."""
    people = _table_7_by_person()
    raw_units = np.array([SCALE.get(name, 1.0) for name in TABLE_7_COLUMNS])
    first, second = (
        np.array([[people[p][i][name] for name in TABLE_7_COLUMNS] for p in TABLE_8_PEOPLE]) for i in (0, 1)
    )
    subsets = np.array(list(itertools.product((0, 1), repeat=len(TABLE_7_COLUMNS)))[1:], dtype=float)
    sizes = subsets.sum(axis=1, keepdims=True)
    readings = {}
    for units, scale in (("table", np.ones(len(TABLE_7_COLUMNS))), ("raw", 1 / raw_units)):
        a, b = first * scale, second * scale
        readings[f"mean difference, {units} units"] = subsets @ np.abs(a - b).T / sizes
        readings[f"literal, {units} units"] = np.abs(subsets @ (a - b).T) / sizes
    return readings


def test_table_8_figures_in_fidelity_are_recomputed_from_the_suites_table_7_mapping() -> None:
    """docs/fidelity.md's table-8 readings, recomputed from `PAPER_TABLE_7` (P1 = speaker_1), to the cent."""
    paper = [PAPER_TABLE_8_CONSISTENCY[p] for p in TABLE_8_PEOPLE]
    assert _fidelity_figures("Fahim Khan; paper ") == paper
    readings = {name: values[-1] for name, values in _readings().items()}  # the last subset: all eleven
    # The suite's own computation (`realtalk analysis`): raw values in, table units out via SCALE.
    people = _table_7_by_person()
    raw: dict[str, dict[str, SpeakerEI]] = {
        f"{person}-{i}": {person: {n: v / SCALE.get(n, 1.0) for n, v in people[person][i].items()}}
        for person in TABLE_8_PEOPLE
        for i in (0, 1)
    }
    suite = {row.person: row.mean_difference(SCALE) for row in persona_consistency(raw)}
    assert [suite[p] for p in TABLE_8_PEOPLE] == pytest.approx(readings["mean difference, table units"])
    for after, name in (
        ("this reading gives ", "mean difference, table units"),
        ("as a raw slope) ", "mean difference, raw units"),
        ("in the other\\|, ", "literal, table units"),
    ):
        assert _fidelity_figures(after) == pytest.approx(readings[name], abs=0.005 + 1e-9), name


def test_table_8_subset_search_in_fidelity_is_what_the_search_finds() -> None:
    readings = _readings()
    candidates = np.concatenate(list(readings.values()))
    target = np.array([PAPER_TABLE_8_CONSISTENCY[p] for p in TABLE_8_PEOPLE])
    assert len(candidates) == 8188 and "8,188 candidates" in FIDELITY
    tolerance = 0.010 + 1e-9
    errors = np.abs(candidates - target).max(axis=1)
    [best] = np.flatnonzero(errors <= tolerance)
    subsets = list(itertools.product((0, 1), repeat=len(TABLE_7_COLUMNS)))[1:]
    assert best < len(subsets)  # the first reading: mean difference in table units
    chosen = [name for name, used in zip(TABLE_7_COLUMNS, subsets[best], strict=True) if used]
    assert chosen == [
        "reflective_frequency",
        "emotion_diversity",
        "empathy",
        "intimacy_progression_linear",
        "emotion_stability",
        "sentiment_alignment",
        "emotion_alignment",
    ]
    assert (
        "the mean of seven differences (reflective frequency, emotion diversity, empathy, linear intimacy progression, emotion stability, sentiment alignment, emotion alignment; table units), comes within 0.010 of all six"
        in FIDELITY
    )
    # No other assignment of the printed values to the six people is fitted as well by any candidate.
    fitted = [
        order
        for order in itertools.permutations(range(6))
        if np.abs(candidates - target[list(order)]).max(axis=1).min() <= tolerance
    ]
    assert fitted == [tuple(range(6))] and "for none of the 719 other assignments" in FIDELITY


def test_statements_about_the_data_in_fidelity_hold() -> None:
    """Names in questions, event dates and evidence strings, as docs/fidelity.md states them."""
    raw = {
        int(path.name.split("_")[1]): json.loads(path.read_text(encoding="utf-8"))
        for path in data_directory().glob("Chat_*.json")
    }
    questions = {
        n: " ".join(f"{qa['question']} {qa['answer']}" for qa in chat["qa"]) for n, chat in raw.items()
    }
    assert "Kate" in questions[1] and "Elise" in questions[1]
    assert not [n for n, text in questions.items() if "Emily" in text]
    assert 'questions and events call Emi "Kate" but elise "Elise", never "Emily"' in FIDELITY
    dates = [
        event["date"]
        for chat in raw.values()
        for key, session in chat.items()
        if key.startswith("events_session_")
        for side in ("agent_a", "agent_b")
        for event in session[side]
    ]
    assert len(dates) == 600 and set(dates) == {""} and "the `date` of all 600 events is empty" in FIDELITY
    evidence = {n: [e for qa in chat["qa"] for e in qa["evidence"]] for n, chat in raw.items()}
    ranges = {n for n, ids in evidence.items() if any("-" in e for e in ids)}
    several = {n for n, ids in evidence.items() if any(len(re.findall(r"D\s?\d+:\d+", e)) > 1 for e in ids)}
    assert (ranges, several) == ({10}, {1, 6, 8, 10})
    assert "chats 1, 6, 8, 10), ranges (`D12:3-D12:5`; Chat_10)" in FIDELITY


def test_no_string_of_the_data_normalises_differently_under_re(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why F1 moving to `regex` left memory_probing's version alone: every text of both datasets normalises the
    same under Python's `re` (the suite's module before), so no score on the data changes."""
    texts = {
        text
        for conversation in [*load_conversations(), *load_locomo_conversations()]
        for text in [
            *(m.text for m in conversation.messages),
            *(m.image_caption or "" for m in conversation.messages),
            *(qa.question for qa in conversation.qa),
            *(str(qa.answer) for qa in conversation.qa),
            *(
                f
                for qa in conversation.locomo_qa
                for f in (qa.question, qa.answer, qa.adversarial_answer)
                if f
            ),
        ]
    }
    assert len(texts) > 10_000
    with_regex = [answer_f1.normalize_answer(text) for text in texts]
    monkeypatch.setattr(answer_f1, "_DROPPED_WORDS", re.compile(answer_f1._DROPPED_WORDS.pattern))
    assert [answer_f1.normalize_answer(text) for text in texts] == with_regex
    assert answer_f1.normalize_answer("a² b") == "a² b"  # the swap took effect
    assert "the gold solver's on all 728 questions included, are unchanged" in FIDELITY
