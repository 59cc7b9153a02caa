"""Dataset statistics: the counts `realtalk data info` prints (cf. the paper's section 5.1), and the appendix A
and section 5.1 statistics of a dataset (REALTALK or LoCoMo), each with its definition.

`realtalk data stats` prints the latter side by side with the paper's figures (`realtalk_evals.paper`). Each
definition is written next to its number; where none reproduces the paper, docs/fidelity.md says what was tried.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby, pairwise

from pydantic import BaseModel

from realtalk_evals.data.records import CATEGORY_NAMES, Conversation
from realtalk_evals.paper import PAPER_SUMMARY, PAPER_TABLE_5, PAPER_TABLE_6


class ConversationStats(BaseModel):
    conversation_id: str
    speakers: tuple[str, str]
    sessions: int
    messages: int
    images: int
    questions: dict[str, int]
    events: int


def conversation_stats(conversation: Conversation) -> ConversationStats:
    categories = Counter(qa.category_name for qa in conversation.qa)
    return ConversationStats(
        conversation_id=conversation.id,
        speakers=conversation.speakers,
        sessions=len(conversation.sessions),
        messages=len(conversation.messages),
        images=sum(1 for message in conversation.messages if message.image_caption),
        questions={name: categories.get(name, 0) for name in CATEGORY_NAMES.values()},
        events=sum(len(s.events.speaker_1) + len(s.events.speaker_2) for s in conversation.sessions),
    )


def dataset_totals(stats: Iterable[ConversationStats]) -> dict[str, int]:
    """Totals over conversations: the numbers to compare with the paper (728 questions, 10 chats)."""
    stats = list(stats)
    totals = {
        "conversations": len(stats),
        "sessions": sum(s.sessions for s in stats),
        "messages": sum(s.messages for s in stats),
        "images": sum(s.images for s in stats),
        "events": sum(s.events for s in stats),
        "questions": sum(sum(s.questions.values()) for s in stats),
    }
    for name in CATEGORY_NAMES.values():
        totals[f"questions_{name}"] = sum(s.questions[name] for s in stats)
    return totals


DEFINITIONS: dict[str, str] = {
    "response_gap_minutes": (
        "minutes between consecutive messages of a session whose speakers differ (message timestamps)"
    ),
    "consecutive_messages": "messages in a run of one speaker, runs cut at session boundaries (chat bubbles)",
    "words": "whitespace-separated words of the messages' text (captions excluded)",
    "days": "calendar days from the first to the last session date, inclusive",
    "words_per_day": "words / days",
    "words_per_session": "words / sessions",
    "images": "messages that share an image (one with a caption)",
}
"""How each statistic is computed, as printed by `realtalk data stats`."""


@dataclass(frozen=True)
class Summary:
    """Mean, median and maximum of some values, and how many there were (n = 0: not measurable)."""

    n: int
    mean: float | None
    median: float | None
    max: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            return cls(0, None, None, None)
        return cls(
            len(values), statistics.fmean(values), float(statistics.median(values)), float(max(values))
        )


@dataclass(frozen=True)
class PairStats:
    """Table 5's numbers for one conversation."""

    conversation_id: str
    sessions: int
    days: int
    words: int
    images: int

    @property
    def words_per_day(self) -> float:
        return self.words / self.days

    @property
    def words_per_session(self) -> float:
        return self.words / self.sessions


def response_gaps(conversation: Conversation) -> list[float]:
    """Minutes between consecutive messages of a session when the speaker changes (untimed messages skipped)."""
    return [
        (after.timestamp - before.timestamp).total_seconds() / 60
        for session in conversation.sessions
        for before, after in pairwise(session.messages)
        if before.speaker != after.speaker and before.timestamp is not None and after.timestamp is not None
    ]


def consecutive_runs(conversation: Conversation) -> list[int]:
    """Lengths of the runs of one speaker's messages, a session boundary ending a run."""
    return [
        len(list(run))
        for session in conversation.sessions
        for _, run in groupby(session.messages, key=lambda message: message.speaker)
    ]


def pair_stats(conversation: Conversation) -> PairStats:
    dates = [session.date_time.date() for session in conversation.sessions]
    return PairStats(
        conversation_id=conversation.id,
        sessions=len(conversation.sessions),
        days=(max(dates) - min(dates)).days + 1,
        words=sum(len(message.text.split()) for message in conversation.messages),
        images=sum(1 for message in conversation.messages if message.image_caption),
    )


@dataclass(frozen=True)
class DatasetStats:
    """A dataset's appendix-A statistics: the pooled summaries and every pair's table-5 numbers."""

    response_gap_minutes: Summary
    consecutive_messages: Summary
    pairs: list[PairStats]

    def pair_range(self, name: str) -> tuple[float, float]:
        """(smallest, largest) of a table-5 number over the pairs, as section 5.1 gives them."""
        values = [float(getattr(pair, name)) for pair in self.pairs]
        return min(values), max(values)


def dataset_stats(conversations: Sequence[Conversation]) -> DatasetStats:
    return DatasetStats(
        response_gap_minutes=Summary.of([gap for c in conversations for gap in response_gaps(c)]),
        consecutive_messages=Summary.of([float(n) for c in conversations for n in consecutive_runs(c)]),
        pairs=[pair_stats(c) for c in conversations],
    )


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _range(low: float, high: float, digits: int = 0) -> str:
    return f"{low:.{digits}f}-{high:.{digits}f}"


def stats_text(realtalk: Sequence[Conversation], locomo: Sequence[Conversation]) -> str:
    """`realtalk data stats`: the two datasets side by side, the paper's figures and the definitions."""
    ours, theirs = dataset_stats(realtalk), dataset_stats(locomo)
    lines = [f"{'statistic':<36} {'REALTALK':>12} {'LoCoMo':>12} {'paper (REALTALK)':>18}"]
    for name, unit in (("response_gap_minutes", "min"), ("consecutive_messages", "")):
        for part in ("mean", "median", "max"):
            values = [getattr(getattr(stats, name), part) for stats in (ours, theirs)]
            label = f"{name.replace('_', ' ')} {part}" + (f" ({unit})" if unit else "")
            paper = PAPER_SUMMARY[name][part]
            lines.append(f"{label:<36} {_number(values[0]):>12} {_number(values[1]):>12} {paper:>18.2f}")
    paper_pairs = list(PAPER_TABLE_5.values())
    for name in ("words_per_day", "words_per_session", "images", "days", "sessions"):
        cells = [_range(*stats.pair_range(name)) for stats in (ours, theirs)]
        printed = [pair[name] for pair in paper_pairs if name in pair]
        printed_range = _range(min(printed), max(printed)) if printed else "-"
        lines.append(
            f"{name.replace('_', ' ') + ' per pair (range)':<36} {cells[0]:>12} {cells[1]:>12} {printed_range:>18}"
        )
    lines += ["", "LoCoMo messages have no timestamps, so it has no response gaps (n = 0).", "Definitions:"]
    lines += [f"  {name}: {text}" for name, text in DEFINITIONS.items()]
    lines += [
        "",
        "REALTALK pairs; the paper's table 5 in brackets (days, words, words/day, images, topics);",
        "the files hold no topic annotation, so topics are the paper's only:",
    ]
    header = (
        f"{'conversation':<26} {'sessions':>8} {'days':>9} {'words':>13} {'words/day':>11} {'images':>9}"
        f" {'topics':>7}"
    )
    lines.append(header)
    for pair, conversation in zip(ours.pairs, realtalk, strict=True):
        paper_pair = PAPER_TABLE_5.get(conversation.number, {})
        lines.append(
            f"{pair.conversation_id:<26} {pair.sessions:>8} {_both(str(pair.days), paper_pair, 'days', 9)} "
            f"{_both(str(pair.words), paper_pair, 'words', 13)} "
            f"{_both(f'{pair.words_per_day:.0f}', paper_pair, 'words_per_day', 11)} "
            f"{_both(str(pair.images), paper_pair, 'images', 9)} {_both('-', paper_pair, 'topics', 7)}"
        )
    lines += ["", "REALTALK questions and events; the paper's table 6 in brackets:"]
    lines.append(
        f"{'conversation':<26} {'multi-hop':>10} {'temporal':>10} {'commonsense':>12} {'events':>10}"
    )
    for conversation in realtalk:
        counts = conversation_stats(conversation)
        paper_chat = PAPER_TABLE_6.get(conversation.number, {})
        cells = [
            _both(str(counts.questions[name]), paper_chat, name, width)
            for name, width in (("multi_hop", 10), ("temporal", 10), ("commonsense", 12))
        ]
        lines.append(
            f"{conversation.id:<26} {' '.join(cells)} {_both(str(counts.events), paper_chat, 'events', 10)}"
        )
    return "\n".join(lines)


def _both(value: str, paper: dict[str, int], key: str, width: int) -> str:
    """`value [paper's value]`, right-aligned; the value alone where the paper has none."""
    return f"{value} [{paper[key]}]".rjust(width) if key in paper else value.rjust(width)
