"""The `inspect eval` command that reproduces a logged run, rebuilt from what the log recorded.

The task (by its registry name, runnable from any directory), the model with its `-M` arguments and generate
settings, the `-T` parameters the user gave (`eval.task_args_passed`; the others keep the defaults the log
also records), the model roles with their arguments, and the sample selection (`--limit`, `--sample-id`,
`--epochs`). Values are written so that Inspect's command line reads them back as logged: YAML scalars as
is, anything YAML would read otherwise as a JSON literal. Environment variables (e.g. the local-model
directories) are not in a log and are not in the command.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import yaml
from inspect_ai.log import EvalLog
from inspect_ai.model import ModelConfig

from realtalk_evals.reporting.runs import task_name


def cli_value(value: Any) -> str:
    """A value as `-T`/`-M` take it: Inspect reads each with YAML and splits plain text at commas."""
    if isinstance(value, list | tuple):
        items = [cli_value(item) for item in value]
        plain = len(items) > 1 and all(
            isinstance(item, str) and text == item for item, text in zip(value, items, strict=True)
        )
        return ",".join(items) if plain else json.dumps(list(value))  # `a,b` reads back as texts only
    if isinstance(value, str):
        plain = "," not in value and value.strip() == value and value != ""
        return value if plain and yaml.safe_load(value) == value else json.dumps(value)
    return json.dumps(value)  # numbers, booleans, null, mappings: JSON is YAML


def _role_value(config: ModelConfig) -> dict[str, Any] | str:
    """A role binding as `--model-role` reads it: the model name alone, or a mapping with its arguments and
    generate settings."""
    settings = config.config.model_dump(exclude_none=True)
    args = {key: value for key, value in (config.args or {}).items() if value is not None}
    if not settings and not args:
        return config.model
    return {"model": config.model, **({"model_args": args} if args else {}), **settings}


def _role(role: str, bound: ModelConfig | list[ModelConfig]) -> str:
    configs = bound if isinstance(bound, list) else [bound]
    values = [_role_value(config) for config in configs]
    if all(isinstance(value, str) for value in values):
        return f"{role}={','.join(str(value) for value in values)}"
    return f"{role}={json.dumps(values if isinstance(bound, list) else values[0])}"


def _limit(limit: int | tuple[int, int] | None) -> str | None:
    if limit is None:
        return None
    return f"{limit[0]}-{limit[1]}" if isinstance(limit, tuple | list) else str(limit)


def eval_command(log: EvalLog) -> str:
    """The shell command that runs the logged evaluation again."""
    spec = log.eval
    words = ["inspect", "eval", f"realtalk_evals/{task_name(log)}", "--model", spec.model]
    for key, value in sorted(spec.model_args.items()):
        if value is not None:
            words += ["-M", f"{key}={cli_value(value)}"]
    for key, value in spec.task_args_passed.items():
        words += ["-T", f"{key}={cli_value(value)}"]
    for role, bound in sorted((spec.model_roles or {}).items()):
        words += ["--model-role", _role(role, bound)]
    for key, value in sorted(spec.model_generate_config.model_dump(exclude_none=True).items()):
        words += [f"--{key.replace('_', '-')}", cli_value(value)]
    limit = _limit(spec.config.limit)
    if limit is not None:
        words += ["--limit", limit]
    if spec.config.sample_id is not None:
        ids = spec.config.sample_id
        words += ["--sample-id", ",".join(str(i) for i in ids) if isinstance(ids, list) else str(ids)]
    if spec.config.epochs and spec.config.epochs > 1:
        words += ["--epochs", str(spec.config.epochs)]
    return shlex.join(words)
