"""Read simulated conversations back, for `ei_analysis -T dataset=<path>`: from `conversation_simulation` logs
or from JSON files in the dataset's shape.

A path is a log file, a JSON file in the REALTALK layout (`Chat_N_A_B.json`, as `as_dataset_json` writes it),
or a directory searched recursively for both. Simulated conversations keep their real conversation's id, so
the analysis lines them up with the real pairs; their dataset label is `simulated/<model>` (the model named in
the file's `simulated_by`, else `simulated/<file or directory name>`). One path holds one model's
conversations: mixing models would pool incomparable speakers, and is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inspect_ai.log import list_eval_logs, read_eval_log

from realtalk_evals.data.realtalk import conversation_from_json, read_json
from realtalk_evals.data.records import REALTALK_TIMESTAMP_FORMAT, Conversation, parse_conversation_id
from realtalk_evals.errors import InputError
from realtalk_evals.task_names import CONVERSATION_SIMULATION
from realtalk_evals.user_paths import user_path

SIMULATED_PREFIX = "simulated/"

SIMULATED_CONVERSATION = "simulated_conversation"
"""The sample metadata key that holds the generated conversation, in the dataset's JSON shape."""

SIMULATED_BY_KEY = "simulated_by"
"""The key of the dataset-shaped JSON that names the model that wrote the conversation."""


def _is_dataset_json(path: Path) -> bool:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(raw, dict) and "name" in raw and any(key.startswith("session_") for key in raw)


def _log_files(path: Path) -> list[str]:
    """The Inspect logs at `path` (a log file, or a directory searched recursively), oldest first."""
    if path.is_file():
        return [str(path)]
    return [info.name for info in reversed(list_eval_logs(str(path), recursive=True))]


def _from_logs(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The simulated conversations of the suite's `conversation_simulation` logs at `path`.

    A log that cannot be read stops the load with its name: analysing the readable rest would silently drop
    the conversations it holds.
    """
    found = []
    for location in _log_files(path):
        try:
            header = read_eval_log(location, header_only=True)
        except Exception as error:  # Inspect raises zip, JSON and validation errors alike for a damaged log
            raise InputError(
                f"{location} is not a readable Inspect log ({type(error).__name__}: {error}); "
                "remove it or analyse the folder without it"
            ) from error
        task = header.eval.task.split("/")[-1]
        if (
            task != CONVERSATION_SIMULATION
            or (header.eval.metadata or {}).get("benchmark") != CONVERSATION_SIMULATION
        ):
            continue
        log = read_eval_log(location, exclude_fields={"messages", "events", "attachments", "store"})
        for sample in log.samples or []:
            raw = (sample.metadata or {}).get(SIMULATED_CONVERSATION)
            if sample.epoch == 1 and isinstance(raw, dict):
                found.append(
                    (str(sample.metadata["conversation_id"]), {SIMULATED_BY_KEY: log.eval.model, **raw})
                )
    return found


def load_simulated(location: str | Path) -> tuple[str, list[Conversation]]:
    """The dataset label and the simulated conversations at `location`, in chat-number order.

    A conversation simulated twice (in two logs) keeps the later copy.
    """
    path = user_path(location)
    if not path.exists():
        raise InputError(
            f"no simulated conversations at {path}: it does not exist (give a path to conversation_simulation "
            "logs or dataset-shaped JSON files)"
        )
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    dataset_files = [f for f in files if f.suffix == ".json" and _is_dataset_json(f)]
    raws = [(f.stem, read_json(f)) for f in dataset_files]
    if path.is_dir() or not dataset_files:
        raws += _from_logs(path)
    if not raws:
        raise InputError(f"no conversation_simulation log or dataset-shaped JSON file at {path}")
    by_id = {conversation_id: raw for conversation_id, raw in raws}
    models = {str(raw.get(SIMULATED_BY_KEY) or path.stem) for raw in by_id.values()}
    if len(models) > 1:
        raise InputError(
            f"{path} holds conversations of several models ({', '.join(sorted(models))}): "
            "analyse one model's conversations per path"
        )
    conversations = [conversation_from_json(cid, raw, source=f"{path}: {cid}") for cid, raw in by_id.items()]
    conversations.sort(key=lambda c: ((parse_conversation_id(c.id) or (0, ""))[0], c.id))
    return SIMULATED_PREFIX + models.pop(), conversations


def as_dataset_json(conversation: Conversation, simulated_by: str | None = None) -> dict[str, Any]:
    """The conversation in the REALTALK file layout (`name`, `session_N`, `session_N_date_time`, events)."""
    raw: dict[str, Any] = {"name": {"speaker_1": conversation.speaker_1, "speaker_2": conversation.speaker_2}}
    for session in conversation.sessions:
        raw[f"session_{session.number}"] = [
            {
                "speaker": m.speaker,
                "clean_text": m.text,
                "dia_id": m.dia_id,
                "date_time": m.timestamp.strftime(REALTALK_TIMESTAMP_FORMAT) if m.timestamp else "",
            }
            for m in session.messages
        ]
        raw[f"session_{session.number}_date_time"] = session.date_time.strftime(REALTALK_TIMESTAMP_FORMAT)
        raw[f"events_session_{session.number}"] = session.events.model_dump(by_alias=True)
    if simulated_by is not None:
        raw[SIMULATED_BY_KEY] = simulated_by
    return raw
