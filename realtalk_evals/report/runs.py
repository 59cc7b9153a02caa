"""One record per Inspect log: who ran what, on which data, at what cost, read through Inspect's log API."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log
from inspect_ai.model import ModelUsage

from realtalk_evals.report.pricing import Prices, usage_cost

SUITE_TASKS = ("memory_probing", "persona_simulation", "ei_analysis")

K = TypeVar("K", bound=Hashable)


@dataclass
class Run:
    """A finished (or partial) run of one of the suite's tasks, with the figures every report row needs."""

    log: EvalLog
    task: str
    model: str
    grader: str | None
    task_args: dict[str, Any]
    dataset_commit: str | None
    samples: int
    judge_failures: int
    model_usage: ModelUsage
    grader_usage: ModelUsage
    wall_seconds: float | None
    cost: float | None
    status: str
    location: str


def task_name(log: EvalLog) -> str:
    """`memory_probing` whether the log came from the task file or from `realtalk_evals/memory_probing`."""
    return log.eval.task.split("/")[-1]


def _sum_usage(usages: Iterable[ModelUsage]) -> ModelUsage:
    total = ModelUsage()
    for usage in usages:
        total = total + usage
    return total


def _grader_name(log: EvalLog) -> str | None:
    grader = (log.eval.model_roles or {}).get("grader")
    if grader is None:
        return None
    graders = grader if isinstance(grader, list) else [grader]
    return ",".join(config.model for config in graders)


def _without(usage: ModelUsage, part: ModelUsage) -> ModelUsage:
    """`usage` less `part`, field by field (ModelUsage has no subtraction)."""
    values = {}
    for name in ModelUsage.model_fields:
        whole, piece = getattr(usage, name), getattr(part, name)
        values[name] = whole if whole is None or piece is None else max(whole - piece, 0)
    return ModelUsage(**values)


def _answering_usage(log: EvalLog, grader: str | None) -> dict[str, ModelUsage]:
    """Usage of the models that answered: Inspect counts a role's calls under its model's name as well, so
    grader models are dropped, or, where the model under test also judges, the role's share is taken off."""
    graders = set(grader.split(",")) if grader else set()
    grading = _sum_usage((log.stats.role_usage or {}).values())
    usage = {}
    for name, used in log.stats.model_usage.items():
        if name not in graders:
            usage[name] = used
        elif name == log.eval.model:
            usage[name] = _without(used, grading)
    return usage


def _judge_failures(log: EvalLog) -> int:
    """Judge and classifier failures recorded in sample scores (`judge_failure`, `<attribute>_failures`)."""
    failures = 0
    for sample in log.samples or []:
        for score in (sample.scores or {}).values():
            if isinstance(score.value, dict):
                for key, value in score.value.items():
                    counted = key == "judge_failure" or key.endswith("_failures")
                    if counted and isinstance(value, int | float) and not math.isnan(value):
                        failures += int(value)
    return failures


def pooled_samples(
    runs: Iterable[Run], task: str, group: Callable[[Run], K]
) -> dict[K, dict[str, EvalSample]]:
    """The scored samples of `task`'s runs per group (in order of first appearance), by `id:epoch`.

    Runs are pooled, so a run split by conversation, or finished by `inspect eval-retry`, counts as one; a
    sample seen again (in a later log) replaces the earlier copy.
    """
    pooled: dict[K, dict[str, EvalSample]] = defaultdict(dict)
    for run in runs:
        if run.task != task:
            continue
        for sample in run.log.samples or []:
            if sample.scores:
                pooled[group(run)][f"{sample.id}:{sample.epoch}"] = sample
    return pooled


def score_value(sample: EvalSample, scorer: str, key: str | None = None) -> float:
    """A number from a sample's score (`key` of a dict value); NaN when the scorer or the number is missing."""
    score = (sample.scores or {}).get(scorer)
    if score is None:
        return math.nan
    value: object = score.value
    if key is not None:
        value = value.get(key) if isinstance(value, dict) else None
    return float(value) if isinstance(value, int | float) else math.nan


def _wall_seconds(log: EvalLog) -> float | None:
    if not log.stats.started_at or not log.stats.completed_at:
        return None
    started = datetime.fromisoformat(log.stats.started_at)
    completed = datetime.fromisoformat(log.stats.completed_at)
    return (completed - started).total_seconds()


def run_from_log(log: EvalLog, prices: Prices) -> Run:
    model = log.eval.model
    grader = _grader_name(log)
    # the models that answered (several with per-speaker fine-tuned models); role_usage: the grader's calls
    answering = _answering_usage(log, grader)
    model_usage = _sum_usage(answering.values())
    grader_usage = _sum_usage((log.stats.role_usage or {}).values())
    costs = [usage_cost(name, usage, prices) for name, usage in answering.items()]
    if grader is not None:
        costs.append(usage_cost(grader, grader_usage, prices))
    cost = None if any(c is None for c in costs) else sum(c for c in costs if c is not None)
    metadata = log.eval.metadata or {}
    return Run(
        log=log,
        task=task_name(log),
        model=model,
        grader=grader,
        task_args=dict(log.eval.task_args or {}),
        dataset_commit=metadata.get("dataset_commit"),
        samples=len(log.samples or []),
        judge_failures=_judge_failures(log),
        model_usage=model_usage,
        grader_usage=grader_usage,
        wall_seconds=_wall_seconds(log),
        cost=cost,
        status=log.status,
        location=log.location,
    )


def find_logs(paths: Iterable[str | Path]) -> list[str]:
    """Log files in the given directories (recursively) or named directly, oldest first."""
    found: list[str] = []
    for path in paths:
        path = Path(path)
        if path.is_file():
            found.append(str(path))
        elif path.is_dir():
            found += [info.name for info in reversed(list_eval_logs(str(path), recursive=True))]
        else:
            raise FileNotFoundError(f"no log file or directory at {path}")
    return found


SKIPPED_SAMPLE_FIELDS = {"messages", "events", "attachments", "store"}
"""Sample fields no report reads (the transcripts of the model and the judges are most of a log's size)."""


def task_logs(paths: Iterable[str | Path], tasks: Iterable[str]) -> list[str]:
    """The logs under `paths` of the named tasks, picked by their header alone (no sample is read)."""
    wanted = set(tasks)
    return [
        location
        for location in find_logs(paths)
        if task_name(read_eval_log(location, header_only=True)) in wanted
    ]


def load_runs(paths: Iterable[str | Path], prices: Prices) -> list[Run]:
    """Every log of the suite's tasks under `paths`; other tasks' logs are skipped."""
    return [
        run_from_log(read_eval_log(location, exclude_fields=SKIPPED_SAMPLE_FIELDS), prices)
        for location in task_logs(paths, SUITE_TASKS)
    ]
