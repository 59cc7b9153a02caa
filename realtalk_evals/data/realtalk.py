"""Load REALTALK conversations as typed records and resolve the ids users type.

Every file is verified (data_files) and parsed strictly: a file that is not JSON, lacks a field or has the
wrong shape raises DatasetError naming that file, so a benchmark never runs on a silently partial dataset.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from realtalk_evals.data.files import UPSTREAM_COMMIT, data_directory, expected_checksums
from realtalk_evals.data.records import (
    QA,
    Conversation,
    Message,
    Session,
    SessionEvents,
    find_speaker,
    parse_conversation_id,
    parse_timestamp,
)
from realtalk_evals.errors import DatasetError
from realtalk_evals.parameters import Option, pick, selection

logger = logging.getLogger(__name__)

_SESSION_KEY = re.compile(r"^session_(\d+)$")


def session_numbers(conversation: Mapping[str, Any]) -> list[int]:
    """The N of every `session_N` key of an upstream conversation object (REALTALK or LoCoMo), ascending."""
    return sorted(int(match.group(1)) for key in conversation if (match := _SESSION_KEY.match(key)))


def chat_files(directory: Path, dataset: str = "REALTALK", subdirectory: str = "") -> list[Path]:
    """The verified `Chat_<N>_<A>_<B>.json` files of a directory, in chat-number order; none is an error.

    Only files named in the checksum list (`subdirectory/` of it) become samples: any other `Chat_*.json`
    there (an edited copy under another name, an extra chat) is left out, with a warning naming it.
    """
    prefix = f"{subdirectory.strip('/')}/" if subdirectory else ""
    listed = {
        name.removeprefix(prefix)
        for name in expected_checksums()
        if name.startswith(prefix) and "/" not in name.removeprefix(prefix)
    }
    found = sorted(directory.glob("Chat_*.json"))
    unlisted = [path.name for path in found if path.name not in listed]
    if unlisted:
        logger.warning(
            f"ignoring {', '.join(unlisted)} in {directory}: not in the checksum list of upstream commit "
            f"{UPSTREAM_COMMIT[:12]}, so never loaded (only the verified {dataset} files become samples)"
        )
    numbered = {
        parsed[0]: path
        for path in found
        if path.name in listed and (parsed := parse_conversation_id(path.stem)) is not None
    }
    if not numbered:
        raise DatasetError(f"no {dataset} Chat_*.json files in {directory}")
    return [numbered[number] for number in sorted(numbered)]


def read_json(path: Path) -> Any:
    """Read a JSON file, turning every failure into a DatasetError that names it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DatasetError(f"REALTALK file missing: {path}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"REALTALK file {path} is not valid JSON: {error}") from error


def _canonical_speaker(name: str, speakers: tuple[str, str], where: str) -> str:
    speaker = find_speaker(name, speakers)
    if speaker is None:
        raise DatasetError(f"{where}: speaker {name!r} is neither of {speakers}")
    return speaker


def conversation_from_json(conversation_id: str, raw: Any, source: str = "") -> Conversation:
    """Build a Conversation from one upstream REALTALK JSON object (source names it in errors)."""
    where = source or conversation_id
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(raw).__name__}")
    try:
        names = raw["name"]
        speakers = (str(names["speaker_1"]), str(names["speaker_2"]))
        numbers = session_numbers(raw)
        if not numbers:
            raise DatasetError(f"{where}: no session_N entries")
        sessions = []
        for number in numbers:
            messages_raw = raw[f"session_{number}"]
            if not isinstance(messages_raw, list):
                raise DatasetError(f"{where}: session_{number} is not a list of messages")
            messages = []
            for item in messages_raw:
                message = Message.model_validate(item)
                speaker = _canonical_speaker(message.speaker, speakers, f"{where} session_{number}")
                messages.append(message.model_copy(update={"speaker": speaker}))
            date_time = parse_timestamp(raw[f"session_{number}_date_time"])
            if date_time is None:
                raise DatasetError(f"{where}: session_{number}_date_time is empty")
            events = SessionEvents.model_validate(raw.get(f"events_session_{number}") or {})
            sessions.append(Session(number=number, date_time=date_time, messages=messages, events=events))
        qa = [QA.model_validate(item) for item in raw.get("qa", [])]
    except DatasetError:
        raise
    except (KeyError, TypeError) as error:
        raise DatasetError(f"{where}: missing or malformed field {error}") from error
    except ValidationError as error:
        raise DatasetError(f"{where}: malformed record: {error}") from error
    except ValueError as error:
        raise DatasetError(f"{where}: malformed value: {error}") from error
    return Conversation(
        id=conversation_id, speaker_1=speakers[0], speaker_2=speakers[1], sessions=sessions, qa=qa
    )


def load_conversation_file(path: Path) -> Conversation:
    """Parse one `Chat_N_A_B.json` file; its stem is the conversation id."""
    return conversation_from_json(path.stem, read_json(path), source=str(path))


@lru_cache(maxsize=4)
def _load_directory(directory: Path) -> tuple[Conversation, ...]:
    return tuple(load_conversation_file(path) for path in chat_files(directory))


def load_conversations(directory: Path | None = None) -> list[Conversation]:
    """All 10 REALTALK conversations in chat-number order (verified, parsed once per process)."""
    return list(_load_directory((directory or data_directory()).resolve()))


def conversation_options(conversations: Iterable[Conversation]) -> list[Option[Conversation]]:
    """What names a conversation in a selection: its id (`Chat_1_Emi_Elise`, any case) or its chat number."""
    return [
        Option(
            conversation,
            (conversation.id, str(conversation.number)),
            f"{conversation.number} ({conversation.id})",
        )
        for conversation in conversations
    ]


def resolve_conversation_id(name: str | int, conversations: Iterable[Conversation]) -> str:
    """Map a user's conversation name (`Chat_1_Emi_Elise`, `1`, or any case) to its id."""
    [conversation] = pick("conversation", "conversation", [name], conversation_options(conversations))
    return conversation.id


def select_conversations(
    names: object, conversations: list[Conversation] | None = None, parameter: str = "conversations"
) -> list[Conversation]:
    """The conversations a selection names (all when None or `all`), in chat-number order, once each.

    A task passes its parameter through `parameters.selection` first, which refuses an empty one.
    """
    conversations = conversations if conversations is not None else load_conversations()
    return pick(parameter, "conversation", names, conversation_options(conversations))


def select_sessions(
    numbers: object, conversations: Sequence[Conversation], parameter: str = "sessions"
) -> list[int] | None:
    """The session numbers a selection names, ascending; None (every session) for None or `all`.

    Each must be a session of at least one of the selected conversations.
    """
    wanted = None if numbers is None else selection(parameter, numbers)
    if wanted is None:
        return None
    present = sorted({session.number for conversation in conversations for session in conversation.sessions})
    ranges = ", ".join(f"{c.id}: {c.sessions[0].number}-{c.sessions[-1].number}" for c in conversations)
    options = [Option(number, (str(number),), str(number)) for number in present]
    return pick(parameter, "session", wanted, options, valid=f"the sessions of the selection ({ranges})")
