"""Table 3 of the paper from memory_probing runs: F1 and LLM accuracy per category, one row per run identity.

Only the paper's setting feeds it: REALTALK with the whole conversation or event list in the prompt (`memory`
full). LoCoMo runs have their own section (reporting/datasets.py), other memory systems theirs
(reporting/memory_systems.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from realtalk_evals.data.records import CATEGORY_NAMES
from realtalk_evals.memory.systems.base import MemorySystem
from realtalk_evals.memory.systems.full import FullContext
from realtalk_evals.memory.systems.registry import logged_system
from realtalk_evals.paper import PAPER_TABLE_3
from realtalk_evals.reporting.plots import plot_memory
from realtalk_evals.reporting.pools import (
    DATASET,
    GRADER,
    MODEL,
    Identity,
    Pool,
    identity_cells,
    legend_labels,
    pool_columns,
    pools,
    question_mean,
    setting_names,
)
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Figure, Row, Section, Table, number_cell
from realtalk_evals.reporting.stats import Estimate, estimate
from realtalk_evals.score_keys import LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

CATEGORIES = (*CATEGORY_NAMES.values(), "all")
CATEGORY_TITLES = {
    "multi_hop": "multi-hop",
    "temporal": "temporal",
    "commonsense": "commonsense",
    "all": "all",
}
INPUT = "input"
MEMORY = "memory"


def dataset_of(identity: Identity) -> str:
    """The dataset a memory_probing run asked (logs from before the `dataset` parameter asked REALTALK)."""
    return identity.get(DATASET) or "realtalk"


def memory_of(identity: Identity) -> type[MemorySystem]:
    """The memory system a run used, from the registry (logs from before the `memory` parameter put the
    whole conversation in the prompt, the paper's setting)."""
    return logged_system(identity.get(MEMORY))


def is_paper_memory(identity: Identity) -> bool:
    """Whether the run gave the model the whole conversation (or event list), as the paper does."""
    return memory_of(identity) is FullContext


def question_ids(pool: Pool, names: Iterable[str] | None = None) -> list[str]:
    """The pool's questions of the named categories (all when None)."""
    wanted = None if names is None else set(names)
    return [
        question
        for question, epochs in pool.questions.items()
        if wanted is None or epochs[0].metadata["category_name"] in wanted
    ]


def category_estimate(
    pool: Pool, names: Iterable[str] | None, scorer: str, key: str | None = None
) -> Estimate:
    """Mean and 95% interval over the questions of the named categories (all when None), each question's
    epochs averaged first."""
    return estimate(question_mean(pool.questions[q], scorer, key) for q in question_ids(pool, names))


@dataclass
class MemoryRow:
    """One identity's estimates per category for both metrics (`all` pools every category)."""

    pool: Pool
    f1: dict[str, Estimate] = field(default_factory=dict)
    llm: dict[str, Estimate] = field(default_factory=dict)


def memory_rows(runs: list[Run]) -> list[MemoryRow]:
    """Rows of the paper's setting in order of first appearance."""
    rows = []
    for pool in pools(runs, MEMORY_PROBING):
        if dataset_of(pool.identity) != "realtalk" or not is_paper_memory(pool.identity):
            continue
        row = MemoryRow(pool)
        for category in CATEGORIES:
            names = None if category == "all" else [category]
            row.f1[category] = category_estimate(pool, names, PARTIAL_MATCH)
            row.llm[category] = category_estimate(pool, names, LLM_ACCURACY, LLM_ACCURACY)
        rows.append(row)
    return rows


def relative_drops(rows: list[MemoryRow]) -> list[tuple[MemoryRow, dict[str, float]]]:
    """Per conversation-input row with an events-input twin (same identity otherwise): (C - E) / C by
    `<metric>_<category>` (the paper's 41-46% multi-hop drop)."""
    events = {
        row.pool.identity.without(INPUT): row for row in rows if row.pool.identity.get(INPUT) == "events"
    }
    drops = []
    for conversation in rows:
        if conversation.pool.identity.get(INPUT) != "conversation":
            continue
        twin = events.get(conversation.pool.identity.without(INPUT))
        if twin is None:
            continue
        drop: dict[str, float] = {}
        for metric in ("f1", "llm"):
            for category in CATEGORIES:
                c = getattr(conversation, metric)[category].mean
                e = getattr(twin, metric)[category].mean
                drop[f"{metric}_{category}"] = (
                    (c - e) / c if c and not math.isnan(c) and not math.isnan(e) else math.nan
                )
        drops.append((conversation, drop))
    return drops


def _percent(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:.0f}%"


def _paper_identity(columns: list[str], model: str, memory_input: str) -> list[str]:
    known = {MODEL: f"paper: {model}", GRADER: "openai/gpt-4o-mini", DATASET: "realtalk", INPUT: memory_input}
    return [known.get(name, "-") for name in columns]


def memory_section(runs: list[Run], with_paper: bool) -> Section | None:
    """Table 3 (with the paper's rows when asked), the relative drop from C to E, and the bar plot."""
    rows = memory_rows(runs)
    if not rows:
        return None
    columns = pool_columns([row.pool for row in rows], always=(MODEL, GRADER, DATASET, INPUT))
    all_columns = setting_names(row.pool.identity for row in rows)
    metrics = [("f1", "F1"), ("llm", "LLM")]
    table_rows = []
    for row in rows:
        pool = row.pool
        estimates = [getattr(row, metric)[c] for metric, _ in metrics for c in CATEGORIES]
        values: list[object] = list(identity_cells(pool.identity, all_columns))
        values += [len(pool.questions), pool.epochs, pool.failures()]
        values += [x for e in estimates for x in (e.mean, e.low, e.high, e.n)]
        first = len(columns) + 2  # the first estimate's column
        per_category = [c for _ in metrics for c in CATEGORIES]
        table_rows.append(
            Row(
                identity_cells(pool.identity, columns)
                + [str(len(pool.questions)), str(pool.epochs)]
                + [e.text() for e in estimates]
                + [str(pool.failures())],
                values,
                pool.sources(),
                cell_sources={
                    first + index: pool.sources(question_ids(pool, [category]))
                    for index, category in enumerate(per_category)
                    if category != "all"
                },
            )
        )
    if with_paper:
        for (model, memory_input), numbers in PAPER_TABLE_3.items():
            table_rows.append(
                Row(
                    _paper_identity(columns, model, memory_input)
                    + ["728", "1"]
                    + [number_cell(numbers.get(f"{metric}_{c}")) for metric, _ in metrics for c in CATEGORIES]
                    + ["-"],
                    reference=True,
                )
            )
    table = Table(
        columns=columns
        + ["n", "epochs"]
        + [f"{title} {CATEGORY_TITLES[c]}" for _, title in metrics for c in CATEGORIES]
        + ["judge failures"],
        rows=table_rows,
        csv="memory_probing.csv",
        csv_columns=all_columns
        + ["samples", "epochs", "judge_failures"]
        + [
            f"{metric}_{c}_{part}"
            for metric, _ in metrics
            for c in CATEGORIES
            for part in ("mean", "ci_low", "ci_high", "n")
        ],
    )
    tables = [table]
    drops = relative_drops(rows)
    if drops:
        twins = [name for name in columns if name != INPUT]
        tables.append(
            Table(
                columns=twins + [f"{title} {CATEGORY_TITLES[c]}" for _, title in metrics for c in CATEGORIES],
                rows=[
                    Row(
                        identity_cells(row.pool.identity, twins)
                        + [_percent(drop[f"{metric}_{c}"]) for metric, _ in metrics for c in CATEGORIES],
                        sources=row.pool.sources(),
                    )
                    for row, drop in drops
                ],
                title="Relative drop from conversation (C) to events (E) input, (C - E) / C",
            )
        )
    legend = legend_labels([row.pool.identity for row in rows], columns)
    return Section(
        title="Memory probing (paper table 3)",
        notes=[
            "Mean ± half-width of the 95% confidence interval (1.96 standard errors of the per-question "
            "scores). n counts questions: with several epochs a question's scores are averaged first. Rows "
            "are runs that share every setting (model and its args, grader, dataset, input and every other "
            "task parameter); runs that differ only in the questions they chose are pooled, each question "
            "once. LLM accuracy leaves out judge failures; judge failures count failed verdicts (a panel of "
            "two judges that both fail on an answer counts 2), as the runs table does."
        ],
        tables=tables,
        figures=[
            Figure(
                "memory_probing.png",
                "memory probing",
                lambda path: plot_memory(
                    legend, [row.f1 for row in rows], [row.llm for row in rows], CATEGORIES, path
                ),
            )
        ],
    )
