"""Memories a model writes: `memory=summary` (one summary per session, all shown) and `memory=observations` (dated
facts per session, each citing the dia_ids it came from, ranked by BM25), as LoCoMo's released files hold them.

The `memory_builder` model writes them once per conversation, one call per session (`builder.py`, which caches
every reply on disk), before the conversation's first question. The prompts are LoCoMo's (prompts.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageSystem, ChatMessageUser
from inspect_ai.util import collect

from realtalk_evals.data.records import Conversation, Session, display_name, evidence_ids, find_speaker
from realtalk_evals.memory.context import MemoryInput, message_lines, session_date
from realtalk_evals.memory.evidence import turn_sessions
from realtalk_evals.memory.systems.base import MemorySystem
from realtalk_evals.memory.systems.bm25 import BM25Index
from realtalk_evals.memory.systems.builder import MemoryBuilder
from realtalk_evals.memory.systems.units import Unit, chronological_sessions
from realtalk_evals.prompts import (
    MEMORY_BUILDER_IMAGE_LINE,
    MEMORY_BUILDER_INPUT_PREFIX,
    MEMORY_BUILDER_LINE,
    MEMORY_BUILDER_SESSION,
    MEMORY_OBSERVATION_LINE,
    MEMORY_OBSERVATIONS_EXAMPLE_INPUT,
    MEMORY_OBSERVATIONS_EXAMPLE_OUTPUT,
    MEMORY_OBSERVATIONS_INSTRUCTION,
    MEMORY_SUMMARY_INSTRUCTION,
)


def builder_session(session: Session) -> str:
    """A session as LoCoMo's `get_session_facts` writes it: its date, then `[dia_id] Name said, "text"` lines
    (and each shared image's caption, which LoCoMo leaves out)."""
    lines = []
    for message in session.messages:
        speaker = display_name(message.speaker)
        if message.text.strip():
            lines.append(
                MEMORY_BUILDER_LINE.format(dia_id=message.dia_id, speaker=speaker, text=message.text)
            )
        if message.image_caption:
            lines.append(
                MEMORY_BUILDER_IMAGE_LINE.format(
                    dia_id=message.dia_id, speaker=speaker, caption=message.image_caption
                )
            )
    return MEMORY_BUILDER_SESSION.format(date=session_date(session), lines="\n".join(lines))


def observation_messages(session: Session) -> list[ChatMessage]:
    """LoCoMo's observation prompt: the instruction, its one worked example, then the session."""
    return [
        ChatMessageSystem(content=MEMORY_OBSERVATIONS_INSTRUCTION),
        ChatMessageUser(content=MEMORY_BUILDER_INPUT_PREFIX + MEMORY_OBSERVATIONS_EXAMPLE_INPUT),
        ChatMessageAssistant(content=MEMORY_OBSERVATIONS_EXAMPLE_OUTPUT),
        ChatMessageUser(content=MEMORY_BUILDER_INPUT_PREFIX + builder_session(session)),
    ]


def summary_messages(conversation: Conversation, session: Session) -> list[ChatMessage]:
    """LoCoMo's first-session summary prompt, for one session."""
    lines = "\n".join(line for message in session.messages for line in message_lines(message))
    prompt = MEMORY_SUMMARY_INSTRUCTION.format(
        speaker_1=display_name(conversation.speaker_1),
        speaker_2=display_name(conversation.speaker_2),
        date=session_date(session),
        conversation=lines,
    )
    return [ChatMessageUser(content=prompt)]


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def parse_observations(reply: str, speakers: tuple[str, str]) -> list[tuple[str, str, list[str]]] | None:
    """(speaker, fact, cited ids) from a reply holding LoCoMo's JSON (`{"Name": [[fact, "D4:3"], ...]}`,
    perhaps inside a code fence or after some words); None when it holds no such object."""
    found = _JSON_OBJECT.search(reply)
    if found is None:
        return None
    try:
        data: Any = json.loads(found.group(0))
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    facts = []
    for name, items in data.items():
        speaker = find_speaker(str(name), speakers) or str(name)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, list | tuple) and item and isinstance(item[0], str) and item[0].strip():
                facts.append(
                    (speaker, item[0].strip(), evidence_ids(list(item[1:])) if len(item) > 1 else [])
                )
            elif isinstance(item, str) and item.strip():
                facts.append((speaker, item.strip(), []))
    return facts


class BuiltMemory(MemorySystem):
    """A system whose units a model writes from each session (`build`); nothing to show before that."""

    builds: ClassVar[bool] = True
    needs_dia_ids: ClassVar[bool] = True
    uses_unit: ClassVar[bool] = False

    def index(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.units = []
        self.indexed()

    async def build(self, builder: MemoryBuilder) -> None:
        sessions = chronological_sessions(self.conversation)
        replies = await collect(*(builder.ask(self.messages(session)) for session in sessions))
        units: list[Unit] = []
        for session, reply in zip(sessions, replies, strict=True):
            written = self.units_of(session, reply, len(units))
            if written is None:
                builder.record.unparsed += 1
            units += written or []
        builder.record.sessions = len(sessions)
        self.units = units
        self.indexed()

    def messages(self, session: Session) -> list[ChatMessage]:
        raise NotImplementedError

    def units_of(self, session: Session, reply: str, position: int) -> list[Unit] | None:
        """The units a reply holds (None: it holds none in the expected form)."""
        raise NotImplementedError

    def indexed(self) -> None:
        """Index the written units for search (after `build`)."""


class SummaryMemory(BuiltMemory):
    """`memory=summary`: every session's summary, shown whole under its session's date."""

    name: ClassVar[str] = "summary"
    shows: ClassVar[MemoryInput | None] = "summary"
    ranks: ClassVar[bool] = False
    uses_top_k: ClassVar[bool] = False
    blocking: ClassVar[bool] = False

    def messages(self, session: Session) -> list[ChatMessage]:
        return summary_messages(self.conversation, session)

    def units_of(self, session: Session, reply: str, position: int) -> list[Unit] | None:
        text = reply.strip()
        return [Unit(f"S{session.number}:summary", session.number, position, (text,))] if text else None

    def select(self, question: str, evidence: Sequence[str] = ()) -> list[Unit]:
        """All summaries, the latest first (what `memory_tokens` keeps when it cannot keep all)."""
        return self.units[::-1]


class ObservationMemory(BuiltMemory):
    """`memory=observations`: the `top_k` observations with the highest BM25 score for the question; evidence
    recall counts the turns they cite."""

    name: ClassVar[str] = "observations"
    shows: ClassVar[MemoryInput | None] = "observation"
    credits_citations: ClassVar[bool] = True

    def messages(self, session: Session) -> list[ChatMessage]:
        return observation_messages(session)

    def units_of(self, session: Session, reply: str, position: int) -> list[Unit] | None:
        facts = parse_observations(reply, self.conversation.speakers)
        if facts is None:
            return None
        turns = turn_sessions(self.conversation)
        return [
            Unit(
                f"S{session.number}:O{index}",
                session.number,
                position + index,
                (MEMORY_OBSERVATION_LINE.format(speaker=display_name(speaker), observation=fact),),
                cites=tuple(dia_id for dia_id in cited if dia_id in turns),
            )
            for index, (speaker, fact, cited) in enumerate(facts)
        ]

    def indexed(self) -> None:
        self.bm25 = BM25Index(self.units, self.settings.bm25_stemming)

    def search(self, question: str, k: int) -> list[Unit]:
        return self.bm25.search(question, k)
