"""Load the LoCoMo conversations shipped with REALTALK (upstream `data/locomo/`) as `Conversation` records.

The paper compares REALTALK with the LLM-generated LoCoMo dialogues (Maharana et al., 2024; section 5.2). The
10 LoCoMo files of the pinned upstream commit follow their own layout: the dialogue sits under
`conversation` with speakers `speaker_a` / `speaker_b`, sessions `session_N` with start times like
`1:56 pm on 8 May, 2023`, and messages with `text` (plus `blip_caption` / `img_url` for shared images).
Parsing them into the project's `Conversation` lets the EI analysis treat both datasets alike.

LoCoMo's question-answer pairs use categories 1-5 (4 and 5 are not REALTALK categories) and are not needed
by any task here, so they are left out rather than loosening REALTALK's `QA` model. Its event summaries,
observations and session summaries are left out too. Some files list `session_N_date_time` for sessions
that hold no messages (Chat_1 has dates up to session 35 but 19 sessions): only sessions with messages count.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from realtalk_evals.data_files import data_directory
from realtalk_evals.dataset import chat_files, read_json, session_numbers
from realtalk_evals.errors import DatasetError
from realtalk_evals.models import Conversation, Message, Session

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
            sessions.append(
                Session(
                    number=number,
                    date_time=parse_locomo_timestamp(dialogue[f"session_{number}_date_time"], session_where),
                    messages=[_message(item, speakers, session_where) for item in items],
                )
            )
    except (KeyError, TypeError, ValidationError) as error:
        raise DatasetError(f"{where}: missing or malformed field: {error}") from error
    if not sessions:
        raise DatasetError(f"{where}: no session_N with messages")
    return Conversation(id=conversation_id, speaker_1=speakers[0], speaker_2=speakers[1], sessions=sessions)


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
