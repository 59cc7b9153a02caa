"""The speaker -> model file: written by the fine-tuning commands, read by `persona_simulation`.

    {"Emi": "openai/ft:gpt-4o-mini-2024-07-18:org:realtalk-emi:AbC123", "Kevin": "hf//models/kevin"}

Keys are table-8 speakers (any case); values are Inspect model names, or `{"model": ..., "model_args":
{...}}` for a model that needs arguments (e.g. `{"device": "cuda:0"}` for `hf/`). JSON or YAML.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from realtalk_evals.errors import InputError
from realtalk_evals.parameters import existing_path
from realtalk_evals.persona.samples import PersonaSplit, select_speakers
from realtalk_evals.user_paths import user_path

SpeakerModels = dict[str, dict[str, Any]]
"""Table-8 speaker -> {"model": Inspect model name, "model_args": {...}}: plain data, so Inspect can log it."""


def _entry(speaker: str, value: object, path: Path) -> dict[str, Any]:
    if isinstance(value, str) and value.strip():
        return {"model": value.strip(), "model_args": {}}
    if isinstance(value, Mapping):
        model, model_args = value.get("model"), value.get("model_args", {})
        extra = set(value) - {"model", "model_args"}
        if isinstance(model, str) and model.strip() and isinstance(model_args, Mapping) and not extra:
            return {"model": model.strip(), "model_args": dict(model_args)}
    raise InputError(
        f"{path}: the entry of {speaker!r} must be an Inspect model name (e.g. 'openai/ft:...') or "
        f"{{model: NAME, model_args: {{...}}}}, got {value!r}"
    )


def read_speaker_models(path: str | Path) -> SpeakerModels:
    """Parse and check a speaker -> model file; speakers are returned under their table-8 names.

    A relative path is read from the directory the command runs from (parameters.user_directory).
    """
    path = existing_path("speaker_models", str(path), "file")
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)  # JSON is YAML
    except yaml.YAMLError as error:
        raise InputError(f"speaker_models file {path} is neither JSON nor YAML: {error}") from error
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(f"speaker_models file {path} must map table-8 speakers to model names")
    models: SpeakerModels = {}
    for name, value in raw.items():
        [split] = select_speakers([str(name)])  # InputError listing the valid speakers
        if split.speaker in models:
            raise InputError(f"{path}: speaker {split.speaker!r} is given twice")
        models[split.speaker] = _entry(split.speaker, value, path)
    return models


def speaker_models_for(path: str | Path, splits: Sequence[PersonaSplit]) -> SpeakerModels:
    """The models of the selected speakers; every one of them must have an entry in the file."""
    models = read_speaker_models(path)
    missing = [split.speaker for split in splits if split.speaker not in models]
    if missing:
        raise InputError(
            f"speaker_models file {path} has no model for {', '.join(missing)} (it names "
            f"{', '.join(models)}); add them or select fewer speakers with -T speaker=..."
        )
    chosen = {split.speaker: models[split.speaker] for split in splits}
    check_models_resolve(chosen, path)
    return chosen


LOCAL_WEIGHT_PROVIDERS = frozenset({"hf", "vllm", "sglang", "llama-cpp-python", "transformer_lens"})
"""Providers that load weights (or start a server) when their model is made: only their paths are checked."""


def _plain(message: str) -> str:
    """An Inspect error message without its console markup (`[bold]...[/bold]`), on one line."""
    return " ".join(re.sub(r"\[/?[a-z ]+\]", "", message).split())


def check_models_resolve(models: SpeakerModels, path: str | Path) -> None:
    """Raise InputError unless every model resolves to an Inspect provider, before any model is called.

    Each model is made with Inspect's public `get_model` (which finds the provider in Inspect's registry and
    builds its client, so an unknown provider, a missing provider package or a missing API key shows here)
    and never called; a local-weights provider (`hf/`, `vllm/`, ...) is not made, only its path is checked.
    """
    from inspect_ai.model import get_model

    problems = []
    for speaker, entry in models.items():
        name = entry["model"]
        provider, _, model_name = name.partition("/")
        try:
            if provider in LOCAL_WEIGHT_PROVIDERS and model_name:
                local = user_path(model_name)
                if model_name.startswith(("/", ".", "~")) and not local.exists():
                    raise ValueError(f"no model directory {local}")
                continue
            get_model(name, memoize=False, **entry["model_args"])
        # Whatever stops the provider from being made is the user's to fix; report them all at once.
        except Exception as error:  # noqa: BLE001
            problems.append(f"{speaker}: {name!r}: {_plain(str(error))}")
    if problems:
        raise InputError(
            f"speaker_models file {path} names models that cannot be used (no model was called):\n"
            + "\n".join(problems)
        )


def record_speaker_models(path: str | Path, updates: Mapping[str, str]) -> dict[str, Any]:
    """Add or replace entries of a JSON speaker -> model file (created if missing); other entries are kept.

    Written through a temporary file and a rename, so an interrupted write never leaves half a file.
    """
    path = Path(path)
    current: dict[str, Any] = {}
    if path.exists():
        current = {
            speaker: entry["model"] if not entry["model_args"] else entry
            for speaker, entry in read_speaker_models(path).items()
        }
    for name, model in updates.items():
        [split] = select_speakers([name])
        current[split.speaker] = model
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(current, file, indent=2)
        file.write("\n")
    os.replace(temporary, path)
    return current
