"""One record per Inspect log: who ran what, on which data, at what cost, read through Inspect's log API."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log
from inspect_ai.model import GenerateConfig, ModelUsage

from realtalk_evals.judging.ask import PAPER_GRADER
from realtalk_evals.reporting.pricing import CostConfig, usage_cost
from realtalk_evals.score_keys import EMPTY_REPLY, FAILURE_KEYS, SCORER_ALIASES
from realtalk_evals.task_names import EI_ANALYSIS, JUDGE_CALIBRATION, MEMORY_PROBING, PERSONA_SIMULATION

logger = logging.getLogger(__name__)

SUITE_TASKS = (MEMORY_PROBING, PERSONA_SIMULATION, EI_ANALYSIS, JUDGE_CALIBRATION)


@dataclass
class Run:
    """A run of one of the suite's tasks, with the figures every report row needs."""

    log: EvalLog
    task: str
    model: str
    grader: str | None
    """The grader's model(s), with the arguments and settings it was bound with when it had any."""
    grader_key: str
    """Everything about the grader that can change its answers; runs with different keys are never pooled."""
    model_key: str
    """The model under test in the form of `grader_key` (a judge_calibration run's judge is its model)."""
    task_args: dict[str, Any]
    """Every task parameter with its value, defaults included, as Inspect logged it (`eval.task_args`)."""
    task_args_passed: dict[str, Any]
    """The parameters the user gave (`-T`), as Inspect logged them (`eval.task_args_passed`)."""
    dataset_commit: str | None
    samples: int
    judge_failures: int
    model_usage: ModelUsage
    """Tokens of the model(s) under test: every call that served no role."""
    model_cost: float | None
    grader_usage: ModelUsage
    """Tokens of the grader role (judges, EI judges)."""
    grader_cost: float | None
    wall_seconds: float | None
    status: str
    location: str
    problem: str | None = None
    """Why the run is left out of every result table (errored, cancelled, nothing scored); None: usable."""
    prices: CostConfig = field(default_factory=dict)
    """The report's price overrides (`--model-cost-config`), for costs computed per sample."""
    empty_replies: int = 0
    """Replies of the model under test without text (`empty_reply` scores): scored as empty answers."""

    @property
    def cost(self) -> float | None:
        """The whole run's cost; None when any part's price is unknown."""
        if self.model_cost is None or self.grader_cost is None:
            return None
        return self.model_cost + self.grader_cost


@dataclass(frozen=True)
class LeftOut:
    """A log of the suite's tasks that no result table uses, and why."""

    location: str
    task: str
    model: str
    status: str
    reason: str


@dataclass
class Runs:
    """The runs found under the report's paths: those the tables use, and those left out."""

    usable: list[Run] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)


def task_name(log: EvalLog) -> str:
    """`memory_probing` whether the log came from the task file or from `realtalk_evals/memory_probing`."""
    return log.eval.task.split("/")[-1]


def _sum_usage(usages: Iterable[ModelUsage]) -> ModelUsage:
    total = ModelUsage()
    for usage in usages:
        total = total + usage
    return total


def _minus(usage: ModelUsage, part: ModelUsage) -> ModelUsage:
    """`usage` less `part` (ModelUsage has `+` only)."""

    def less(a: int | None, b: int | None) -> int | None:
        return None if a is None and b is None else (a or 0) - (b or 0)

    cost = None if usage.total_cost is None else usage.total_cost - (part.total_cost or 0.0)
    return ModelUsage(
        input_tokens=usage.input_tokens - part.input_tokens,
        output_tokens=usage.output_tokens - part.output_tokens,
        total_tokens=usage.total_tokens - part.total_tokens,
        input_tokens_cache_write=less(usage.input_tokens_cache_write, part.input_tokens_cache_write),
        input_tokens_cache_read=less(usage.input_tokens_cache_read, part.input_tokens_cache_read),
        reasoning_tokens=less(usage.reasoning_tokens, part.reasoning_tokens),
        total_cost=cost,
    )


def _role_models(log: EvalLog) -> dict[str, str]:
    """Role -> the model bound to it (several joined by commas)."""
    roles: dict[str, str] = {}
    for role, bound in (log.eval.model_roles or {}).items():
        configs = bound if isinstance(bound, list) else [bound]
        roles[role] = ",".join(config.model for config in configs)
    return roles


def _model_identity(
    model: str, base_url: str | None, args: dict[str, Any] | None, config: GenerateConfig
) -> dict[str, Any]:
    return {
        "model": model,
        "base_url": base_url,
        "args": {k: v for k, v in (args or {}).items() if v is not None},
        "config": config.model_dump(exclude_none=True),
    }


def _grader(log: EvalLog) -> tuple[str | None, str]:
    """(how the grader is shown, its identity) from the `grader` role binding (none: the paper's default)."""
    bound = (log.eval.model_roles or {}).get("grader")
    if bound is None:
        return None, ""
    shown, identity = [], []
    for config in bound if isinstance(bound, list) else [bound]:
        model = _model_identity(config.model, config.base_url, config.args, config.config)
        extra = {
            **model["args"],
            **model["config"],
        }  # the base URL stays in the identity only (the mock's is a digest)
        shown.append(config.model + (f" {json.dumps(extra, sort_keys=True, default=str)}" if extra else ""))
        identity.append(model)
    return ", ".join(shown), json.dumps(identity, sort_keys=True, default=str)


def _tested_model(log: EvalLog) -> str:
    """The model under test's identity, in the form `_grader` gives a one-judge grader's."""
    model = _model_identity(
        log.eval.model, log.eval.model_base_url, log.eval.model_args, log.eval.model_generate_config
    )
    return json.dumps([model], sort_keys=True, default=str)


def _costs(parts: Iterable[tuple[str, ModelUsage]], overrides: CostConfig) -> float | None:
    costs = [usage_cost(name, usage, overrides) for name, usage in parts]
    return None if any(c is None for c in costs) else sum(c for c in costs if c is not None)


ROLE_DEFAULTS = {"grader": PAPER_GRADER}
"""The model a role's calls go to when a run does not bind it (other roles: the model under test)."""


@dataclass(frozen=True)
class Usage:
    """Tokens and cost (None: a price is unknown) of the model under test and of each role."""

    model: ModelUsage
    model_cost: float | None
    roles: dict[str, tuple[ModelUsage, float | None]]

    def role(self, name: str) -> tuple[ModelUsage, float | None]:
        return self.roles.get(name, (ModelUsage(), 0.0))


def split_usage(
    model_usage: dict[str, ModelUsage],
    role_usage: dict[str, ModelUsage],
    log: EvalLog,
    overrides: CostConfig,
) -> Usage:
    """The model under test's usage and each role's, from per-model and per-role usage (a log's or a sample's).

    `model_usage` counts every call by model name (a role's too, under the same name when a model grades or
    builds for itself); `role_usage` counts the calls made through a role, so the model under test is the
    difference. A role the run did not bind is its default's: the paper's judge for `grader`, the model under
    test for any other (`memory_builder`).
    """
    roles = {**ROLE_DEFAULTS, **_role_models(log)}
    tested = dict(model_usage)
    for role, usage in role_usage.items():
        names = (roles.get(role) or log.eval.model).split(",")
        if len(names) == 1 and names[0] in tested:
            tested[names[0]] = _minus(tested[names[0]], usage)
        else:  # a panel: its calls cannot be told apart per model, so its models (other than the tested) go
            for name in names:
                if name != log.eval.model:
                    tested.pop(name, None)
    tested = {name: usage for name, usage in tested.items() if usage.total_tokens or usage.input_tokens}
    priced: dict[str, tuple[ModelUsage, float | None]] = {}
    for role, usage in role_usage.items():
        name = roles.get(role, log.eval.model)
        if "," in name:
            priced[role] = (usage, 0.0 if usage.total_tokens == 0 else usage.total_cost)
        else:
            priced[role] = (usage, usage_cost(name, usage, overrides))
    return Usage(_sum_usage(tested.values()), _costs(tested.items(), overrides), priced)


def _split_usage(
    log: EvalLog, overrides: CostConfig
) -> tuple[ModelUsage, float | None, ModelUsage, float | None]:
    """(model under test, its cost, grader, its cost) of the whole run."""
    usage = split_usage(dict(log.stats.model_usage), log.stats.role_usage or {}, log, overrides)
    grader, grader_cost = usage.role("grader")
    return usage.model, usage.model_cost, grader, grader_cost


def sample_usage(run: Run, sample: EvalSample) -> Usage:
    """One sample's usage and cost, split as the run's is: the model under test and each role."""
    return split_usage(dict(sample.model_usage), dict(sample.role_usage), run.log, run.prices)


def failure_count(samples: Iterable[EvalSample]) -> int:
    """Failed judge verdicts and classifier labels recorded in the samples' scores (the scorers'
    `FAILURE_KEYS`): a panel of two judges that both fail on an answer counts 2, as the logged metric does."""
    failures = 0
    for sample in samples:
        for score in (sample.scores or {}).values():
            if isinstance(score.value, dict):
                for key, value in score.value.items():
                    if key in FAILURE_KEYS and isinstance(value, int | float) and not math.isnan(value):
                        failures += int(value)
    return failures


def _empty_replies(log: EvalLog) -> int:
    """Samples whose model reply had no text (their `empty_reply` score is 1)."""
    return sum(score_value(sample, EMPTY_REPLY) == 1.0 for sample in log.samples or [])


def score_value(sample: EvalSample, scorer: str, key: str | None = None) -> float:
    """A number from a sample's score (`key` of a dict value); NaN when the scorer or the number is missing."""
    scores = sample.scores or {}
    score = scores.get(scorer) or scores.get(SCORER_ALIASES.get(scorer, scorer))
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


REQUIRED_METADATA: dict[str, tuple[str, ...]] = {
    MEMORY_PROBING: ("category_name",),
    PERSONA_SIMULATION: ("speaker",),
    EI_ANALYSIS: ("conversation_id", "conversation_speakers", "position", "session", "speaker"),
    JUDGE_CALIBRATION: ("category_name", "conversation_id", "judge_prompt", "kind", "should_pass"),
}
"""The sample metadata each task's sections read: a log whose samples lack it (a copied task that kept the
suite's name and metadata) is left out with its reason rather than stopping the report."""

ERROR_CHARACTERS = 300
"""How much of a run's error message a listing shows (the first line, cut)."""


def _error_text(log: EvalLog) -> str:
    if log.error is None or not log.error.message.strip():
        return ""
    first = log.error.message.strip().splitlines()[0]
    return first if len(first) <= ERROR_CHARACTERS else first[: ERROR_CHARACTERS - 3] + "..."


def log_problem(log: EvalLog) -> str | None:
    """Why a log of the suite's tasks cannot feed a result table; None when it can.

    Only complete runs count: an errored or cancelled run's numbers cover whichever samples happened to finish
    (`inspect eval-retry` writes a complete log, which then counts).
    """
    if log.status != "success":
        if log.status == "started":
            return "not finished: still running, or stopped before Inspect recorded how it ended"
        return _error_text(log) or log.status
    samples = log.samples or []
    if not samples:
        limit = log.eval.config.limit
        return "no samples" + (f" (run with --limit {limit})" if limit == 0 else "")
    if not any(sample.scores for sample in samples):
        return "no sample was scored"
    needed = REQUIRED_METADATA.get(task_name(log), ())
    for sample in samples:
        missing = [key for key in needed if key not in (sample.metadata or {})]
        if missing:
            return (
                f"sample {sample.id} lacks the suite's metadata {', '.join(missing)} "
                "(a copied or changed task under the suite's name?)"
            )
    return None


def run_from_log(log: EvalLog, overrides: CostConfig) -> Run:
    model_usage, model_cost, grader_usage, grader_cost = _split_usage(log, overrides)
    grader, grader_key = _grader(log)
    metadata = log.eval.metadata or {}
    return Run(
        log=log,
        task=task_name(log),
        model=log.eval.model,
        grader=grader,
        grader_key=grader_key,
        model_key=_tested_model(log),
        task_args=dict(log.eval.task_args or {}),
        task_args_passed=dict(log.eval.task_args_passed or {}),
        dataset_commit=metadata.get("dataset_commit"),
        samples=len(log.samples or []),
        judge_failures=failure_count(log.samples or []),
        model_usage=model_usage,
        model_cost=model_cost,
        grader_usage=grader_usage,
        grader_cost=grader_cost,
        wall_seconds=_wall_seconds(log),
        status=log.status,
        location=log.location,
        problem=log_problem(log),
        prices=overrides,
        empty_replies=_empty_replies(log),
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


def read_log(location: str, header_only: bool = False) -> EvalLog | None:
    """The log at `location` (without the fields no report reads); None, with a warning naming it, if unreadable.

    One corrupt or truncated file must not cost the report of every other run in the directory.
    """
    try:
        if header_only:
            return read_eval_log(location, header_only=True)
        return read_eval_log(location, exclude_fields=SKIPPED_SAMPLE_FIELDS)
    except Exception as error:  # Inspect raises zip, JSON and validation errors alike for a damaged log
        logger.warning(
            "skipping %s: not a readable Inspect log (%s: %s)", location, type(error).__name__, error
        )
        return None


def is_suite_log(log: EvalLog) -> bool:
    """A log of one of the suite's tasks, not of another task that happens to share its name."""
    return (log.eval.metadata or {}).get("benchmark") == task_name(log)


def task_logs(paths: Iterable[str | Path], tasks: Iterable[str]) -> list[str]:
    """The logs under `paths` of the named tasks, picked by their header alone (no sample is read)."""
    wanted = set(tasks)
    found = []
    for location in find_logs(paths):
        log = read_log(location, header_only=True)
        if log is None or task_name(log) not in wanted:
            continue
        if not is_suite_log(log):
            logger.warning("skipping %s: a task named %s that is not the suite's", location, task_name(log))
            continue
        found.append(location)
    return found


def load_runs(paths: Iterable[str | Path], overrides: CostConfig | None = None) -> Runs:
    """Every log of the suite's tasks under `paths`, usable or left out with its reason; other tasks' logs
    and unreadable files are skipped with a warning."""
    found = Runs()
    for location in task_logs(paths, SUITE_TASKS):
        log = read_log(location)
        if log is None:
            continue
        run = run_from_log(log, overrides or {})
        if run.problem is None:
            found.usable.append(run)
            continue
        logger.warning("leaving out %s: %s", location, run.problem)
        found.left_out.append(LeftOut(location, run.task, run.model, run.status, run.problem))
    return found
