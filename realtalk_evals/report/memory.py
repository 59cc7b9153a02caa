"""Table 3 of the paper from memory_probing runs: F1 and LLM accuracy per category, per (model, input)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from realtalk_evals.models import CATEGORY_NAMES
from realtalk_evals.report.runs import Run, pooled_samples, score_value
from realtalk_evals.report.stats import Estimate, estimate

CATEGORIES = (*CATEGORY_NAMES.values(), "all")


@dataclass
class MemoryRow:
    """One (model, input) row: estimates per category for both metrics, over all of its runs' samples."""

    model: str
    input: str
    solver: str
    f1: dict[str, Estimate] = field(default_factory=dict)
    llm: dict[str, Estimate] = field(default_factory=dict)
    samples: int = 0
    judge_failures: int = 0

    @property
    def label(self) -> str:
        return "gold answers" if self.solver == "gold" else self.model


def memory_rows(runs: list[Run]) -> list[MemoryRow]:
    """Rows in order of first appearance; samples of several runs of one row are pooled (latest wins)."""
    full_context = [run for run in runs if str(run.task_args.get("memory") or "full") == "full"]
    pooled = pooled_samples(
        full_context,  # other memory systems have their own table (report/memory_systems.py)
        "memory_probing",
        lambda run: (
            run.model,
            str(run.task_args.get("input") or "conversation"),
            str(run.task_args.get("solver") or "model"),
        ),
    )
    rows = []
    for (model, memory_input, solver), samples in pooled.items():
        row = MemoryRow(model=model, input=memory_input, solver=solver, samples=len(samples))
        for category in CATEGORIES:
            chosen = [s for s in samples.values() if category in ("all", s.metadata["category_name"])]
            row.f1[category] = estimate(score_value(s, "partial_match") for s in chosen)
            row.llm[category] = estimate(score_value(s, "llm_accuracy", "llm_accuracy") for s in chosen)
        row.judge_failures = sum(
            int(score_value(s, "llm_accuracy", "judge_failure") == 1.0) for s in samples.values()
        )
        rows.append(row)
    return rows


def relative_drops(rows: list[MemoryRow]) -> list[tuple[str, dict[str, float]]]:
    """Per model with both inputs, its label and (C - E) / C by `<metric>_<category>` (the paper's 41-46%
    multi-hop drop)."""
    by_key = {(row.model, row.input, row.solver): row for row in rows}
    drops = []
    for (model, memory_input, solver), conversation in by_key.items():
        events = by_key.get((model, "events", solver))
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
        drops.append((conversation.label, drop))
    return drops
