"""Table 3 of the paper from memory_probing runs: F1 and LLM accuracy per category, per (model, input)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from realtalk_evals.data.records import CATEGORY_NAMES
from realtalk_evals.judging.ask import PAPER_GRADER
from realtalk_evals.reporting.datasets import run_dataset
from realtalk_evals.reporting.runs import Run, by_question, pooled_samples, question_value, score_value
from realtalk_evals.reporting.stats import Estimate, estimate
from realtalk_evals.score_keys import JUDGE_FAILURE, LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

CATEGORIES = (*CATEGORY_NAMES.values(), "all")


@dataclass
class MemoryRow:
    """One (model, input, grader) row: estimates per category for both metrics, over its runs' questions.

    Each question counts once: its epochs are averaged before the mean and the interval are taken.
    """

    model: str
    input: str
    solver: str
    grader: str | None = None
    f1: dict[str, Estimate] = field(default_factory=dict)
    llm: dict[str, Estimate] = field(default_factory=dict)
    samples: int = 0
    """Questions."""
    epochs: int = 1
    """Most epochs of any question (each question's epochs are averaged first)."""
    judge_failures: int = 0

    @property
    def label(self) -> str:
        return "gold answers" if self.solver == "gold" else self.model


def memory_row_key(run: Run) -> tuple[str, str, str]:
    """What one memory-probing row pools: (model, input, solver)."""
    return (
        run.model,
        str(run.task_args.get("input") or "conversation"),
        str(run.task_args.get("solver") or "model"),
    )


def memory_rows(runs: list[Run]) -> list[MemoryRow]:
    """Rows in order of first appearance; samples of several runs of one row are pooled (latest wins).

    REALTALK runs only: LoCoMo runs have their own section (report.datasets). Runs judged by different graders
    (or one grader with different arguments) are different rows.
    """
    graders = {run.grader_key: run.grader for run in runs}
    pooled = pooled_samples(
        [  # other memory systems have their own table (report/memory_systems.py)
            run
            for run in runs
            if run_dataset(run) == "realtalk" and str(run.task_args.get("memory") or "full") == "full"
        ],
        MEMORY_PROBING,
        lambda run: (*memory_row_key(run), run.grader_key),
    )
    rows = []
    for (model, memory_input, solver, grader_key), samples in pooled.items():
        questions = by_question(samples.values())
        row = MemoryRow(
            model=model,
            input=memory_input,
            solver=solver,
            grader=graders[grader_key],
            samples=len(questions),
            epochs=max(len(epochs) for epochs in questions.values()),
        )
        for category in CATEGORIES:
            chosen = [
                epochs
                for epochs in questions.values()
                if category in ("all", epochs[0].metadata["category_name"])
            ]
            row.f1[category] = estimate(question_value(e, PARTIAL_MATCH) for e in chosen)
            row.llm[category] = estimate(question_value(e, LLM_ACCURACY, LLM_ACCURACY) for e in chosen)
        row.judge_failures = sum(
            int(score_value(s, LLM_ACCURACY, JUDGE_FAILURE) == 1.0) for s in samples.values()
        )
        rows.append(row)
    return rows


def relative_drops(rows: list[MemoryRow]) -> list[tuple[str, dict[str, float]]]:
    """Per model with both inputs, its label and (C - E) / C by `<metric>_<category>` (the paper's 41-46%
    multi-hop drop)."""
    by_key = {(row.model, row.input, row.solver, row.grader): row for row in rows}
    several_graders = len({row.grader for row in rows}) > 1
    drops = []
    for (model, memory_input, solver, grader), conversation in by_key.items():
        events = by_key.get((model, "events", solver, grader))
        if memory_input != "conversation" or events is None:
            continue
        drop: dict[str, float] = {}
        for metric, c_values, e_values in (
            ("f1", conversation.f1, events.f1),
            ("llm", conversation.llm, events.llm),
        ):
            for category in CATEGORIES:
                c, e = c_values[category].mean, e_values[category].mean
                drop[f"{metric}_{category}"] = (
                    (c - e) / c if c and not math.isnan(c) and not math.isnan(e) else math.nan
                )
        label = (
            f"{conversation.label} (grader {grader or PAPER_GRADER})"
            if several_graders
            else conversation.label
        )
        drops.append((label, drop))
    return drops
