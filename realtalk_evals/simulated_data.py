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

from inspect_ai.log import read_eval_log

from realtalk_evals.dataset import conversation_from_json, read_json
from realtalk_evals.errors import InputError
from realtalk_evals.models import Conversation, parse_conversation_id
from realtalk_evals.report.runs import task_logs
from realtalk_evals.simulation import SIMULATED_BY_KEY, SIMULATED_CONVERSATION

SIMULATION_TASK = "conversation_simulation"
SIMULATED_PREFIX = "simulated/"


def _is_dataset_json(path: Path) -> bool:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(raw, dict) and "name" in raw and any(key.startswith("session_") for key in raw)


def _from_logs(paths: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for location in task_logs(paths, [SIMULATION_TASK]):
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
    path = Path(location)
    if not path.exists():
        raise InputError(
            f"unknown dataset {str(location)!r}; valid choices: realtalk, locomo, or a path to "
            "conversation_simulation logs or dataset-shaped JSON files"
        )
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    dataset_files = [f for f in files if f.suffix == ".json" and _is_dataset_json(f)]
    raws = [(f.stem, read_json(f)) for f in dataset_files]
    log_paths = [path] if path.is_file() and not dataset_files else [path] if path.is_dir() else []
    if log_paths:
        raws += _from_logs(log_paths)
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
