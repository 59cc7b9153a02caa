"""Turn conversations into the prompt text of the paper's appendix D.2.

The long context comes first and the question last, so every question of one conversation shares one
prompt prefix (providers' prompt caching then bills the conversation once).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

from realtalk_evals.data.records import Conversation, Event, Message, Session, display_name, format_date
from realtalk_evals.errors import InputError
from realtalk_evals.prompts import (
    MEMORY_CONVERSATION_HEADER,
    MEMORY_CONVERSATION_LABEL,
    MEMORY_EVENT_LINE,
    MEMORY_EVENTS_HEADER,
    MEMORY_EVENTS_LABEL,
    MEMORY_IMAGE_LINE,
    MEMORY_MESSAGE_LINE,
    MEMORY_OBSERVATION_LINE,
    MEMORY_OBSERVATIONS_HEADER,
    MEMORY_OBSERVATIONS_LABEL,
    MEMORY_QUESTION,
    MEMORY_SESSION_DATE,
    MEMORY_SUMMARIES_HEADER,
    MEMORY_SUMMARY_LABEL,
)

MemoryInput = Literal["conversation", "events", "observation", "summary"]
"""`observation` and `summary` are LoCoMo's own memory sources (only LoCoMo files have them)."""

FRAME_HEADERS = {
    "conversation": MEMORY_CONVERSATION_HEADER,
    "events": MEMORY_EVENTS_HEADER,
    "observation": MEMORY_OBSERVATIONS_HEADER,
    "summary": MEMORY_SUMMARIES_HEADER,
}
"""The header above the sessions of each kind of context (a memory system's units are shown in one of them)."""

FRAME_LABELS = {
    "conversation": MEMORY_CONVERSATION_LABEL,
    "events": MEMORY_EVENTS_LABEL,
    "observation": MEMORY_OBSERVATIONS_LABEL,
    "summary": MEMORY_SUMMARY_LABEL,
}
"""The label under each session's date, per kind of context."""


def session_date(session: Session) -> str:
    """The date shown above a session: the file's own (LoCoMo) or the D.2 style (REALTALK)."""
    return session.date_label or format_date(session.date_time)


def message_lines(message: Message) -> list[str]:
    """A message's text line, then its image line when it carries a captioned image."""
    name = display_name(message.speaker)
    lines = []
    if message.text.strip():
        lines.append(MEMORY_MESSAGE_LINE.format(speaker=name, text=message.text))
    if message.image_caption:
        lines.append(MEMORY_IMAGE_LINE.format(speaker=name, caption=message.image_caption))
    return lines


def event_line(speaker: str, event: Event) -> str:
    text = event.text.strip()
    if event.date:
        text = f"{text} ({event.date})"
    return MEMORY_EVENT_LINE.format(speaker=display_name(speaker), event=text)


def session_block(conversation: Conversation, session: Session, memory_input: MemoryInput) -> str:
    """One session: its date, a label, then messages (C input), each speaker's events (E input), LoCoMo's
    observations or its summary; the date as the file writes it where it has one (LoCoMo)."""
    if memory_input == "conversation":
        label = MEMORY_CONVERSATION_LABEL
        lines = [line for message in session.messages for line in message_lines(message)]
    elif memory_input == "events":
        label = MEMORY_EVENTS_LABEL
        lines = [event_line(conversation.speaker_1, event) for event in session.events.speaker_1]
        lines += [event_line(conversation.speaker_2, event) for event in session.events.speaker_2]
    elif memory_input == "observation":
        label = MEMORY_OBSERVATIONS_LABEL
        lines = [
            MEMORY_OBSERVATION_LINE.format(speaker=display_name(o.speaker), observation=o.text.strip())
            for o in session.observations
        ]
    else:
        label = MEMORY_SUMMARY_LABEL
        lines = [(session.summary or "").strip()]
    date = MEMORY_SESSION_DATE.format(date=session_date(session))
    return "\n\n".join([date, label, "\n".join(lines)])


DATASET_INPUTS: dict[str, tuple[str, ...]] = {
    "realtalk": ("conversation", "events"),
    "locomo": ("conversation", "events", "observation", "summary"),
}
"""The inputs each dataset's files can give (`observation` and `summary` are LoCoMo's own)."""


def has_input(conversation: Conversation, memory_input: MemoryInput) -> bool:
    """Whether the conversation's file gives anything for `memory_input` (LoCoMo's sources may be absent)."""
    sessions = conversation.sessions
    if memory_input == "events":
        return any(s.events.speaker_1 or s.events.speaker_2 for s in sessions)
    if memory_input == "observation":
        return any(s.observations for s in sessions)
    if memory_input == "summary":
        return any(s.summary for s in sessions)
    return True


def check_input_given(conversations: Iterable[Conversation], memory_input: MemoryInput) -> None:
    """InputError naming the conversations whose files give nothing for `memory_input`."""
    if lacking := [c.id for c in conversations if not has_input(c, memory_input)]:
        raise InputError(
            f"input {memory_input!r}: the files of {', '.join(lacking)} have none; choose another"
        )


def render_context(conversation: Conversation, memory_input: MemoryInput = "conversation") -> str:
    """The shared prefix of every memory question: header and all sessions in chronological order."""
    parts = [
        FRAME_HEADERS[memory_input].format(
            speaker_1=display_name(conversation.speaker_1), speaker_2=display_name(conversation.speaker_2)
        )
    ]
    sessions = sorted(conversation.sessions, key=lambda session: session.date_time)
    parts += [session_block(conversation, session, memory_input) for session in sessions]
    return "\n\n".join(parts)


def render_memory_prompt(context: str, question: str) -> str:
    """The full D.2 user message: the rendered context, then the question instruction."""
    return f"{context}\n\n{MEMORY_QUESTION.format(question=question)}"


class MemoryContexts(Mapping[str, str]):
    """The rendered context of each conversation by id, built once per task and shared by its questions.

    A task's log records its solver's arguments in its plan (the log header): this mapping is recorded by what
    it holds (the input and the conversation ids), not by its text, about 100 KB a conversation.
    """

    def __init__(self, conversations: Iterable[Conversation], memory_input: MemoryInput) -> None:
        self.memory_input = memory_input
        self._texts = {
            conversation.id: render_context(conversation, memory_input) for conversation in conversations
        }

    def __getitem__(self, conversation_id: str) -> str:
        return self._texts[conversation_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def _repr_params_(self) -> dict[str, Any]:
        """What Inspect records for this argument in a log's plan (its hook for solver arguments)."""
        return {"input": self.memory_input, "conversations": list(self._texts)}
