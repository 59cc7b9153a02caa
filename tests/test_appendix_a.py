"""Appendix A / section 5.1 statistics: hand-worked definitions, the paper's figures from the data, the CLI."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from realtalk_evals.cli import main
from realtalk_evals.data.files import data_directory
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.data.records import Conversation, Message, Session
from realtalk_evals.data.statistics import (
    consecutive_runs,
    conversation_stats,
    dataset_stats,
    pair_stats,
    response_gaps,
)
from realtalk_evals.paper import PAPER_SUMMARY, PAPER_TABLE_5, PAPER_TABLE_6

START = datetime(2024, 1, 1, 20, 0)


def _message(speaker: str, minutes: float, text: str = "a b", caption: str | None = None) -> Message:
    return Message(
        speaker=speaker,
        clean_text=text,
        dia_id="D1:1",
        date_time=START + timedelta(minutes=minutes),
        blip_caption=caption,
    )


def _conversation() -> Conversation:
    first = Session(
        number=1,
        date_time=START,
        messages=[_message("Ann", 0), _message("Ann", 1), _message("Bob", 4, "x y z"), _message("Ann", 14)],
    )
    # the next day: Ann opens again after her own last message, a new run (a session boundary ends a run)
    second = Session(
        number=2,
        date_time=START + timedelta(days=2),
        messages=[_message("Ann", 2880, caption="a dog"), _message("Bob", 2890)],
    )
    return Conversation(id="Chat_99_Ann_Bob", speaker_1="Ann", speaker_2="Bob", sessions=[first, second])


def test_hand_worked_gaps_runs_words_days_and_images() -> None:
    conversation = _conversation()
    # speaker changes inside a session: Ann(1)->Bob(4) 3 min, Bob->Ann(14) 10 min, Ann(2880)->Bob 10 min;
    # Ann(0)->Ann(1) is no response, Ann(14)->Ann(2880) crosses the session boundary
    assert response_gaps(conversation) == pytest.approx([3.0, 10.0, 10.0])
    assert consecutive_runs(conversation) == [2, 1, 1, 1, 1]
    pair = pair_stats(conversation)
    assert (pair.sessions, pair.days, pair.words, pair.images) == (2, 3, 13, 1)
    assert pair.words_per_day == pytest.approx(13 / 3) and pair.words_per_session == pytest.approx(6.5)
    summary = dataset_stats([conversation]).response_gap_minutes
    assert (summary.n, summary.mean, summary.median, summary.max) == (3, pytest.approx(23 / 3), 10.0, 10.0)


def test_the_papers_gap_and_run_figures_come_out_of_the_released_data() -> None:
    """Section 5.1's six numbers, reproduced by the definitions on the 10 released chats."""
    stats = dataset_stats(load_conversations())
    for name in ("response_gap_minutes", "consecutive_messages"):
        summary = getattr(stats, name)
        for part in ("mean", "median"):
            assert round(getattr(summary, part), 2) == PAPER_SUMMARY[name][part], (name, part)
    assert round(stats.response_gap_minutes.max / 60, 2) == 27.90  # type: ignore[operator]
    assert stats.consecutive_messages.max == 68


def test_data_stats_prints_both_datasets_the_paper_and_definitions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["data", "stats"]) == 0
    out = capsys.readouterr().out
    header, *rows = out.splitlines()
    assert header.split()[1:] == ["REALTALK", "LoCoMo", "paper", "(REALTALK)"]
    gap_mean = next(row for row in rows if row.startswith("response gap minutes mean"))
    assert gap_mean.split()[-3:] == ["20.98", "-", "20.98"]  # LoCoMo has no message times
    runs_max = next(row for row in rows if row.startswith("consecutive messages max"))
    assert runs_max.split()[-3:] == ["68.00", "1.00", "68.00"]
    assert "images: messages that share an image" in out
    assert "Chat_1_Emi_Elise                 18   22 [21] 17230 [17341]" in out


def test_table_6_matches_the_files_except_chat_6_commonsense() -> None:
    """Questions per category and events per chat: 39 of table 6's 40 cells equal the files'."""
    differing = {}
    for conversation in load_conversations():
        stats = conversation_stats(conversation)
        measured = {**stats.questions, "events": stats.events}
        for name, printed in PAPER_TABLE_6[conversation.number].items():
            if measured[name] != printed:
                differing[(conversation.id, name)] = (measured[name], printed)
    assert differing == {("Chat_6_Vanessa_Nicolas", "commonsense"): (10, 12)}


def test_table_5_differs_for_every_chat_and_chats_3_and_4_are_6000_words_longer() -> None:
    pairs = {c.number: pair_stats(c) for c in load_conversations()}
    for number, pair in pairs.items():
        printed = PAPER_TABLE_5[number]
        assert (pair.words, pair.images) != (printed["words"], printed["images"]), number
    assert [pairs[n].words - PAPER_TABLE_5[n]["words"] for n in (3, 4)] == [6378, 6035]


def test_the_files_hold_no_topics_so_only_the_papers_topics_are_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value).union(*(keys(item) for item in value.values()))
        return set().union(*(keys(item) for item in value)) if isinstance(value, list) else set()

    found = set().union(
        *(keys(json.loads(path.read_text(encoding="utf-8"))) for path in data_directory().glob("Chat_*.json"))
    )
    assert {"clean_text", "blip_caption", "sub-event", "evidence"} <= found  # every level was walked
    assert not [key for key in found if "topic" in key.lower()]
    assert main(["data", "stats"]) == 0
    out = capsys.readouterr().out
    assert "Chat_10_Fahim_Muhhamed           20   24 [21]" in out and "22 [23]   - [8]" in out
    assert "Chat_6_Vanessa_Nicolas        30 [30]    30 [30]      10 [12]    84 [84]" in out
