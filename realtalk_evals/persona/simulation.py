"""Conversation simulation (issue 16): a model plays both people of a REALTALK pair, session by session.

One sample per pair. Each session keeps the real session's number, date and opening speaker; the speakers
alternate for the real session's number of merged messages (or a fixed number). Each speaker's side sees a
persona sheet drawn from the data, never from the conversation being simulated except its annotated events,
and never from after the simulated session:

- examples of how the person writes: their chat messages dated before the session starts, from their
  table-8 training conversation, or, when that is the conversation being simulated, their other table-8
  conversation (each REALTALK person has two); the chats ran over the same weeks, so early sessions may have
  none;
- the speaker's annotated events of the earlier sessions ("what has happened in your life so far");
- the speaker's annotated events of this session ("what is happening today"); empty events are left out;

then D.1's layout: the last `HISTORY_SESSIONS` simulated sessions and the session so far, ending with the
speaker's name. A reply's non-empty lines are its chat bubbles, one message each in the output, which has the
dataset's JSON shape (`as_dataset_json`); a reply that goes on to write the partner's lines is cut there, so
`ei_analysis -T dataset=<path>` can label it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inspect_ai.dataset import MemoryDataset, Sample

from realtalk_evals.data.records import (
    Conversation,
    Event,
    Message,
    Session,
    display_name,
    format_date,
)
from realtalk_evals.persona.samples import (
    PERSONA_SPLITS,
    conversation_turns,
    data_speaker,
    persona_user_prompt,
    render_history,
)
from realtalk_evals.prompts import (
    CONVERSATION_SIMULATION_EVENT,
    CONVERSATION_SIMULATION_NO_EXAMPLES,
    CONVERSATION_SIMULATION_NOTHING,
    CONVERSATION_SIMULATION_SYSTEM,
)

HISTORY_SESSIONS = 3
"""Earlier simulated sessions each prompt shows, as persona simulation's default (the paper's 3)."""

PERSONA_EXAMPLES = 30
"""Chat messages of the person shown as writing examples, evenly spaced through those dated before the
simulated session."""


def example_source(conversation_id: str, person: str) -> str | None:
    """The conversation that shows how `person` writes: their table-8 train conversation unless it is the one
    simulated, then their table-8 test conversation; None for a person not in table 8 (or with neither)."""
    first = person.split()[0].casefold()
    for split in PERSONA_SPLITS:
        if split.speaker.casefold() == first:
            return next((c for c in (split.train, split.test) if c != conversation_id), None)
    return None


def writing_examples(
    conversation: Conversation, person: str, before: datetime, limit: int = PERSONA_EXAMPLES
) -> list[Message]:
    """Up to `limit` of the person's chat messages with text sent before `before`, evenly spaced, in order (a
    message without a timestamp cannot be shown to be earlier, and is left out)."""
    speaker = data_speaker(conversation, person.split()[0])
    earlier = [
        m
        for m in conversation.messages
        if m.speaker == speaker and m.text.strip() and m.timestamp is not None and m.timestamp < before
    ]
    if len(earlier) <= limit:
        return earlier
    return [earlier[index * len(earlier) // limit] for index in range(limit)]


def speaker_events(session: Session, conversation: Conversation, speaker: str) -> list[Event]:
    """The speaker's annotated events of the session, without empty ones (7 in the data: see
    docs/human_likeness.md)."""
    events = session.events
    found = events.speaker_1 if speaker == conversation.speaker_1 else events.speaker_2
    return [event for event in found if event.text.strip()]


def event_lines(events: Sequence[tuple[datetime, Event]]) -> str:
    lines = [
        CONVERSATION_SIMULATION_EVENT.format(date=event.date or format_date(when), event=event.text)
        for when, event in events
    ]
    return "\n".join(lines) or CONVERSATION_SIMULATION_NOTHING


@dataclass(frozen=True)
class PersonaSheet:
    """What one speaker's side knows besides the conversation: writing examples from another chat and the
    events per session, all from before the simulated session (its own events aside)."""

    speaker: str
    source: Conversation | None
    """The conversation the writing examples come from (None: the person has no other table-8 chat)."""

    @property
    def example_source(self) -> str | None:
        return None if self.source is None else self.source.id

    def examples(self, before: datetime) -> list[Message]:
        return [] if self.source is None else writing_examples(self.source, self.speaker, before)

    def system_prompt(self, conversation: Conversation, position: int) -> str:
        """CONVERSATION_SIMULATION_SYSTEM for the session at `position` of the real conversation."""
        partner = next(s for s in conversation.speakers if s != self.speaker)
        past = [
            (s.date_time, event)
            for s in conversation.sessions[:position]
            for event in speaker_events(s, conversation, self.speaker)
        ]
        session = conversation.sessions[position]
        today = [(session.date_time, e) for e in speaker_events(session, conversation, self.speaker)]
        shown = [f"- {m.text.strip()}" for m in self.examples(session.date_time)]
        return CONVERSATION_SIMULATION_SYSTEM.format(
            speaker=display_name(self.speaker),
            partner=display_name(partner),
            examples="\n".join(shown) or CONVERSATION_SIMULATION_NO_EXAMPLES,
            past_events=event_lines(past),
            date=format_date(session.date_time),
            today_events=event_lines(today),
        )


def persona_sheets(
    conversation: Conversation, all_conversations: Sequence[Conversation]
) -> list[PersonaSheet]:
    """Both speakers' sheets, in the data's speaker order."""
    by_id = {c.id: c for c in all_conversations}
    return [
        PersonaSheet(speaker, by_id.get(example_source(conversation.id, speaker) or ""))
        for speaker in conversation.speakers
    ]


def session_plan(
    conversation: Conversation, sessions: Sequence[int] | None, messages_per_session: int | None
) -> list[dict[str, Any]]:
    """Per simulated session: its position in the real conversation, number, opening speaker and length."""
    plan = []
    for position, turns in enumerate(conversation_turns(conversation)):
        session = conversation.sessions[position]
        if (sessions is not None and session.number not in sessions) or not turns:
            continue
        plan.append(
            {
                "position": position,
                "session": session.number,
                "first_speaker": turns[0].speaker,
                "messages": messages_per_session or len(turns),
            }
        )
    return plan


def simulation_samples(
    conversations: Sequence[Conversation],
    all_conversations: Sequence[Conversation],
    sessions: Sequence[int] | None,
    messages_per_session: int | None,
) -> MemoryDataset:
    """One sample per pair; its metadata holds the plan and the persona sheets' sources."""
    samples = []
    for conversation in conversations:
        plan = session_plan(conversation, sessions, messages_per_session)
        sheets = persona_sheets(conversation, all_conversations)
        names = " and ".join(display_name(s) for s in conversation.speakers)
        samples.append(
            Sample(
                id=conversation.id,
                input=f"Simulate the conversation {conversation.id} between {names}.",
                metadata={
                    "conversation_id": conversation.id,
                    "conversation_speakers": list(conversation.speakers),
                    "plan": plan,
                    "model_calls": sum(item["messages"] for item in plan),
                    "example_sources": {sheet.speaker: sheet.example_source for sheet in sheets},
                },
            )
        )
    return MemoryDataset(samples, name="realtalk_conversation_simulation")


def bubbles_of(text: str, partner: str | None = None) -> list[str]:
    """A simulated turn's chat bubbles: its non-empty lines (one empty bubble for an empty reply), up to a line
    where the model starts writing the partner's side (`Partner: ...`)."""
    bubbles = []
    for line in (line.strip() for line in text.splitlines()):
        if partner is not None and line.casefold().startswith(f"{partner.casefold()}:"):
            break
        if line:
            bubbles.append(line)
    return bubbles or [""]


class SimulatedConversation:
    """The conversation as it is written: real sessions' numbers, dates and events, simulated messages."""

    def __init__(self, real: Conversation) -> None:
        self.real = real
        self.sessions: list[Session] = []
        self.positions: list[int] = []

    def start_session(self, position: int) -> None:
        real = self.real.sessions[position]
        self.sessions.append(
            Session(number=real.number, date_time=real.date_time, messages=[], events=real.events)
        )
        self.positions.append(position)

    def partner(self, speaker: str) -> str:
        return self.real.speaker_2 if speaker == self.real.speaker_1 else self.real.speaker_1

    def add_turn(self, speaker: str, text: str) -> None:
        session = self.sessions[-1]
        start = len(session.messages)
        messages = [
            Message(
                speaker=speaker,
                clean_text=bubble,
                dia_id=f"D{session.number}:{start + offset + 1}",
                date_time=session.date_time,
            )
            for offset, bubble in enumerate(bubbles_of(text, display_name(self.partner(speaker))))
        ]
        self.sessions[-1] = session.model_copy(update={"messages": [*session.messages, *messages]})

    def conversation(self) -> Conversation:
        return Conversation(
            id=self.real.id,
            speaker_1=self.real.speaker_1,
            speaker_2=self.real.speaker_2,
            sessions=self.sessions,
        )

    def user_prompt(self, speaker: str) -> str:
        """D.1's user message: the last HISTORY_SESSIONS sessions and this one so far, then `Name:`."""
        conversation = self.conversation()
        turns = conversation_turns(conversation)
        last = len(turns) - 1
        history = render_history(conversation, turns, last, len(turns[last]), HISTORY_SESSIONS)
        return persona_user_prompt(history, speaker)
