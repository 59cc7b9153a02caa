"""Judge calibration runs in the report: each judge's true- and false-accept rates and kappa, per judge prompt.

The numbers are the ones the task's scorer logged for each run (`scorers.judge_calibration`: Inspect's
metrics over the run's samples), one row per run and judge prompt, so nothing is recomputed here. A judge
accepts at a score of 0.5 or more; a candidate whose verdict could not be read is a judge failure, left out
of the rates.
"""

from __future__ import annotations

import math

from inspect_ai.log import EvalLog

from realtalk_evals.reporting.pools import DATASET, MODEL, identity_cells, identity_columns, identity_of
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Row, Section, Source, Table, number_cell
from realtalk_evals.task_names import JUDGE_CALIBRATION


def logged_metric(log: EvalLog, name: str) -> float:
    """The overall value (its first metric that is not per group) of the logged score `name`; NaN if none."""
    for score in log.results.scores if log.results else []:
        if score.name == name:
            for metric, value in score.metrics.items():
                if not metric.startswith("grouped_"):
                    return float(value.value) if isinstance(value.value, int | float) else math.nan
    return math.nan


def calibration_section(runs: list[Run]) -> Section | None:
    """One row per judge_calibration run and judge prompt; None without such runs."""
    chosen = [run for run in runs if run.task == JUDGE_CALIBRATION]
    if not chosen:
        return None
    identities = [identity_of(run) for run in chosen]
    picked = set().union(*(set(run.task_args_passed) for run in chosen))
    columns = identity_columns(identities, picked, always=(MODEL, DATASET))
    rows = []
    for run, identity in zip(chosen, identities, strict=True):
        samples = run.log.samples or []
        for prompt in dict.fromkeys(str((s.metadata or {})["judge_prompt"]) for s in samples):
            mine = [f"{s.id}:{s.epoch}" for s in samples if s.metadata["judge_prompt"] == prompt]
            rows.append(
                Row(
                    identity_cells(identity, columns)
                    + [prompt, str(len(mine))]
                    + [
                        number_cell(logged_metric(run.log, f"{name}_{prompt}"))
                        for name in ("true_accept", "false_accept", "kappa")
                    ],
                    sources=[Source(run.location, tuple(mine))],
                )
            )
    return Section(
        "Judge calibration",
        [
            "The model under test is a memory judge, graded on candidate answers whose verdict is known "
            "(docs/judge_calibration.md); the numbers are the run's logged metrics. True accept: share of "
            "should-pass candidates (the gold answer, padded) it accepted; false accept: share of should-fail "
            "candidates (another question's answer, an abstention, a hedge, an injected instruction) it "
            "accepted; kappa: Cohen's kappa of its acceptances against the known verdicts (`-` where "
            "undefined). Unreadable verdicts are judge failures (the runs table), left out of the rates."
        ],
        [
            Table(
                columns + ["judge prompt", "candidates", "true accept", "false accept", "kappa"],
                rows,
                csv="judge_calibration.csv",
            )
        ],
    )
