"""Load the LoCoMo conversations shipped with REALTALK (upstream `data/locomo/`) as `Conversation` records.

The paper compares REALTALK with the LLM-generated LoCoMo dialogues (Maharana et al., 2024; section 5.2). The
10 LoCoMo files of the pinned upstream commit follow their own layout: the dialogue sits under
`conversation` with speakers `speaker_a` / `speaker_b`, sessions `session_N` with start times like
`1:56 pm on 8 May, 2023`, and messages with `text` (plus `blip_caption` / `img_url` for shared images).
Parsing them into the project's `Conversation` lets the EI analysis treat both datasets alike.

LoCoMo's questions use categories 1-5 (4 and 5 are not REALTALK categories), so they go to
`Conversation.locomo_qa` and REALTALK's strict `qa` stays empty. Each session also keeps its date string, its
event summary, LoCoMo's observations and its summary (the memory sources of LoCoMo's retrieval experiments).

Quirks of the released files, each absorbed here (docs/fidelity.md, "LoCoMo memory probing"):
- dates listed for sessions that hold no messages (Chat_1 has dates up to session 35 but 19 sessions) and
  sessions with an empty message list are skipped, as LoCoMo's own code skips them; a session with messages
  but no date cannot be placed in time and is a DatasetError;
- adversarial questions carry `adversarial_answer` instead of `answer` (two in Chat_1 have both), some answers
  are integers;
- evidence ids come as `D8:6; D9:17`, `D9:1 D4:4`, `D:11:26`, `D30:05`, lists, or name no turn at all
  (`D`, `D10:19` in a 17-turn session): they are split and written canonically (`D11:26`, `D30:5`) by
  `records.evidence_ids`, the rules REALTALK's evidence goes through too, and ids naming no turn are kept
  apart in `unresolved_evidence`.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from realtalk_evals.data.files import data_directory
from realtalk_evals.data.realtalk import chat_files, read_json, session_numbers
from realtalk_evals.data.records import (
    Conversation,
    LocomoQA,
    Message,
    Observation,
    Session,
    SessionEvents,
    evidence_ids,
)
from realtalk_evals.errors import DatasetError

LOCOMO_SUBDIRECTORY = "locomo"
"""Where the LoCoMo files sit inside upstream `data/`."""

LOCOMO_TIMESTAMP_FORMAT = "%I:%M %p on %d %B, %Y"
"""`1:56 pm on 8 May, 2023` (`%p` reads `am`/`pm` in any case)."""


def parse_locomo_timestamp(value: object, where: str) -> datetime:
    """A LoCoMo session start time; anything else is a DatasetError naming the session."""
    try:
        return datetime.strptime(str(value).strip(), LOCOMO_TIMESTAMP_FORMAT)
    except ValueError as error:
        raise DatasetError(f"{where}: unreadable session time {value!r}") from error


def _locomo_qa(item: Any, turns: set[str]) -> LocomoQA:
    if not isinstance(item, dict):
        raise DatasetError(f"expected a question object, got {type(item).__name__}")
    ids = evidence_ids(item.get("evidence", []))
    return LocomoQA.model_validate(
        {
            **item,
            "evidence": [i for i in ids if i in turns],
            "unresolved_evidence": [i for i in ids if i not in turns],
        }
    )


def _events(raw: Any, speakers: tuple[str, str]) -> SessionEvents:
    """`events_session_N`: a list per speaker name (plus the session's `date`, already in the session)."""
    raw = raw or {}
    return SessionEvents.model_validate(
        {
            agent: [{"sub-event": str(text)} for text in raw.get(speaker, [])]
            for agent, speaker in zip(("agent_a", "agent_b"), speakers, strict=True)
        }
    )


def _observations(raw: Any, speakers: tuple[str, str]) -> list[Observation]:
    """`session_N_observation`: per speaker name, `[fact, dia_id(s)]` pairs; speaker_1's first."""
    raw = raw or {}
    return [
        Observation(speaker=speaker, text=str(fact), evidence=evidence_ids(ids))
        for speaker in speakers
        for fact, ids in raw.get(speaker, [])
    ]


def _message(item: Any, speakers: tuple[str, str], where: str) -> Message:
    if not isinstance(item, dict):
        raise DatasetError(f"{where}: expected a message object, got {type(item).__name__}")
    message = Message(
        speaker=str(item["speaker"]),
        clean_text=str(item["text"]),
        dia_id=str(item["dia_id"]),
        blip_caption=item.get("blip_caption"),
    )
    if message.speaker not in speakers:
        raise DatasetError(f"{where}: speaker {message.speaker!r} is neither of {speakers}")
    return message


def locomo_conversation_from_json(conversation_id: str, raw: Any, source: str = "") -> Conversation:
    """Build a Conversation from one LoCoMo JSON object (source names it in errors)."""
    where = source or conversation_id
    if not isinstance(raw, dict) or not isinstance(raw.get("conversation"), dict):
        raise DatasetError(f"{where}: expected a JSON object with a `conversation` object")
    dialogue = raw["conversation"]
    try:
        speakers = (str(dialogue["speaker_a"]), str(dialogue["speaker_b"]))
        numbers = session_numbers(dialogue)
        sessions = []
        for number in numbers:
            items = dialogue[f"session_{number}"]
            if not isinstance(items, list):
                raise DatasetError(f"{where}: session_{number} is not a list of messages")
            if not items:
                continue
            session_where = f"{where} session_{number}"
            date_label = dialogue.get(f"session_{number}_date_time")
            if date_label is None:
                raise DatasetError(f"{session_where}: holds messages but has no session_{number}_date_time")
            sessions.append(
                Session(
                    number=number,
                    date_time=parse_locomo_timestamp(date_label, session_where),
                    date_label=str(date_label).strip(),
                    messages=[_message(item, speakers, session_where) for item in items],
                    events=_events(raw.get("event_summary", {}).get(f"events_session_{number}"), speakers),
                    summary=raw.get("session_summary", {}).get(f"session_{number}_summary"),
                    observations=_observations(
                        raw.get("observation", {}).get(f"session_{number}_observation"), speakers
                    ),
                )
            )
        turns = {message.dia_id for session in sessions for message in session.messages}
        questions = [_locomo_qa(item, turns) for item in raw.get("qa", [])]
    except DatasetError as error:
        raise DatasetError(str(error) if str(error).startswith(where) else f"{where}: {error}") from error
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        raise DatasetError(f"{where}: missing or malformed field: {error}") from error
    if not sessions:
        raise DatasetError(f"{where}: no session_N with messages")
    return Conversation(
        id=conversation_id,
        speaker_1=speakers[0],
        speaker_2=speakers[1],
        sessions=sessions,
        locomo_qa=questions,
    )


def load_locomo_file(path: Path) -> Conversation:
    """Parse one `Chat_N_A_B.json` LoCoMo file; its stem is the conversation id."""
    return locomo_conversation_from_json(path.stem, read_json(path), source=str(path))


@lru_cache(maxsize=4)
def _load_directory(directory: Path) -> tuple[Conversation, ...]:
    return tuple(load_locomo_file(path) for path in chat_files(directory, "LoCoMo", LOCOMO_SUBDIRECTORY))


def load_locomo_conversations(directory: Path | None = None) -> list[Conversation]:
    """The 10 LoCoMo conversations in chat-number order, from `directory` or the verified REALTALK data."""
    directory = directory or data_directory() / LOCOMO_SUBDIRECTORY
    return list(_load_directory(directory.resolve()))
