"""Retrieval units of a conversation (turns, sessions or events) and their D.2 rendering.

A unit keeps the exact lines that the full-context prompt would show, so a retrieved selection rendered by
`render_units` differs from `rendering.render_context` only in which lines are present.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from realtalk_evals.data.records import Conversation, Session, display_name
from realtalk_evals.memory.context import (
    FRAME_HEADERS,
    FRAME_LABELS,
    MemoryInput,
    event_line,
    message_lines,
    session_date,
)
from realtalk_evals.prompts import MEMORY_SESSION_DATE

Granularity = Literal["turn", "session"]
"""Retrieval granularity (`unit` task parameter); with `input=events` every event is a unit."""


@dataclass(frozen=True)
class Unit:
    """One retrievable piece: a turn (id = its dia_id), a session (`S<n>`), an event (`S<n>:E<i>`), or a memory
    a system wrote itself (a summary `S<n>:summary`, an observation `S<n>:O<i>`, a user class's own unit).

    `position` orders units chronologically (sessions by date, lines in their order within the session);
    `dia_ids` are the turns whose text it shows (none for an event); `cites` are turns it says it came from
    without showing their text (an observation's sources), which only a system that `credits_citations`
    counts in evidence recall.
    """

    id: str
    session: int
    position: int
    lines: tuple[str, ...]
    dia_ids: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def chronological_sessions(conversation: Conversation) -> list[Session]:
    """Sessions in date order, as the full-context prompt shows them."""
    return sorted(conversation.sessions, key=lambda session: session.date_time)


def turn_units(conversation: Conversation) -> list[Unit]:
    """One unit per message (its text line and image line, as in D.2)."""
    units: list[Unit] = []
    for session in chronological_sessions(conversation):
        for message in session.messages:
            lines = tuple(message_lines(message))
            units.append(Unit(message.dia_id, session.number, len(units), lines, (message.dia_id,)))
    return units


def event_units(conversation: Conversation) -> list[Unit]:
    """One unit per annotated event: speaker 1's events of a session, then speaker 2's, as in the E input."""
    units: list[Unit] = []
    for session in chronological_sessions(conversation):
        events = [(conversation.speaker_1, event) for event in session.events.speaker_1]
        events += [(conversation.speaker_2, event) for event in session.events.speaker_2]
        for index, (speaker, event) in enumerate(events, start=1):
            units.append(
                Unit(f"S{session.number}:E{index}", session.number, len(units), (event_line(speaker, event),))
            )
    return units


def group_by_session(units: Iterable[Unit]) -> list[Unit]:
    """Merge consecutive units into one unit per session, keeping the given order of lines and dia_ids."""
    merged: dict[int, list[Unit]] = {}
    for unit in units:
        merged.setdefault(unit.session, []).append(unit)
    return [
        Unit(
            f"S{session}",
            session,
            index,
            tuple(line for part in parts for line in part.lines),
            tuple(dia_id for part in parts for dia_id in part.dia_ids),
        )
        for index, (session, parts) in enumerate(merged.items())
    ]


def conversation_units(
    conversation: Conversation, unit: Granularity = "turn", memory_input: MemoryInput = "conversation"
) -> list[Unit]:
    """The units a retriever ranks: turns or sessions of the conversation, or every event of the E input."""
    if memory_input == "events":
        return event_units(conversation)
    turns = turn_units(conversation)
    return turns if unit == "turn" else group_by_session(turns)


def render_units(conversation: Conversation, units: Iterable[Unit], memory_input: MemoryInput) -> str:
    """The D.2 context holding only `units`: chronological, each session's lines under its `DATE:` header, in
    the frame (header and label) of `memory_input` (`summary` and `observation` for memories a model wrote).

    Sessions without a chosen unit are left out; every unit is shown once, whatever order it was ranked in.
    """
    header = FRAME_HEADERS[memory_input]
    label = FRAME_LABELS[memory_input]
    parts = [
        header.format(
            speaker_1=display_name(conversation.speaker_1), speaker_2=display_name(conversation.speaker_2)
        )
    ]
    sessions = {session.number: session for session in conversation.sessions}
    chosen = sorted(
        {unit.id: unit for unit in units}.values(),
        key=lambda unit: (sessions[unit.session].date_time, unit.position),
    )
    for session in group_by_session(chosen):
        date = MEMORY_SESSION_DATE.format(date=session_date(sessions[session.session]))
        parts.append("\n\n".join([date, label, "\n".join(session.lines)]))
    return "\n\n".join(parts)
