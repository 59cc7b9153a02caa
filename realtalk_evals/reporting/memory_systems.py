"""The memory-systems comparison of `realtalk report`: one row per run identity of memory_probing.

Quality (LLM accuracy and partial-match F1 per category, evidence recall) next to cost (input tokens per
answer, dollars per 100 answers, wall time), and a plot of accuracy against input tokens: the cost/quality
frontier. Shown only when some memory_probing run used a memory other than the paper's. The memory settings
(`memory`, `top_k`, `unit`, ...) are read from the log's task arguments like every other setting, so a new
memory system's parameters become columns without a change here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter

from realtalk_evals.memory.samples import DATASET_CATEGORIES
from realtalk_evals.reporting.memory import INPUT, category_estimate, dataset_of, is_paper_memory
from realtalk_evals.reporting.plots import save_figure
from realtalk_evals.reporting.pools import (
    DATASET,
    GRADER,
    MODEL,
    Pool,
    identity_cells,
    legend_labels,
    pool_columns,
    pools,
    question_mean,
    setting_names,
)
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Figure, Row, Section, Table, cost_cell, number_cell
from realtalk_evals.reporting.stats import Estimate, finite_mean
from realtalk_evals.score_keys import LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

EVIDENCE_RECALL = "evidence_recall"
COST_COLUMNS = (
    ("turn recall", "turn_recall"),
    ("session recall", "session_recall"),
    ("input tokens / answer", "input_tokens_per_answer"),
    ("cost / 100 answers (USD)", "cost_per_100_answers_usd"),
    ("wall time (s)", "wall_seconds"),
)
"""The columns after the per-category scores: title and CSV name."""


@dataclass
class MemorySystemRow:
    pool: Pool
    categories: list[str] = field(default_factory=list)
    llm: dict[str, Estimate] = field(default_factory=dict)
    f1: dict[str, Estimate] = field(default_factory=dict)
    turn_recall: float = math.nan
    session_recall: float = math.nan
    input_tokens: float = math.nan
    cost_per_100: float | None = None
    wall_seconds: float | None = None


def _recall(pool: Pool, key: str) -> float:
    """Mean over questions of a question's evidence recall (epochs averaged); 1 by construction for the
    paper's full conversation, which logs none; NaN for the full event list (evidence turns are not events)."""
    if is_paper_memory(pool.identity):
        return 1.0 if pool.identity.get(INPUT) == "conversation" else math.nan
    return finite_mean([question_mean(epochs, EVIDENCE_RECALL, key) for epochs in pool.questions.values()])


def memory_system_rows(runs: list[Run]) -> list[MemorySystemRow]:
    """Rows in order of first appearance; a row's runs are pooled (samples by id, usage and cost summed)."""
    rows = []
    for pool in pools(runs, MEMORY_PROBING):
        if pool.identity.get("solver") == "gold":
            continue
        row = MemorySystemRow(pool)
        found = {str(epochs[0].metadata["category_name"]) for epochs in pool.questions.values()}
        known = list(DATASET_CATEGORIES.get(dataset_of(pool.identity), {}).values())
        names = [c for c in known if c in found] + sorted(found - set(known))
        row.categories = [*names, "all"]
        for category in row.categories:
            chosen = None if category == "all" else [category]
            row.llm[category] = category_estimate(pool, chosen, LLM_ACCURACY, LLM_ACCURACY)
            row.f1[category] = category_estimate(pool, chosen, PARTIAL_MATCH)
        row.turn_recall = _recall(pool, "turn_recall")
        row.session_recall = _recall(pool, "session_recall")
        answers = sum(run.samples for run in pool.runs)
        tokens = sum(
            run.model_usage.input_tokens
            + (run.model_usage.input_tokens_cache_read or 0)
            + (run.model_usage.input_tokens_cache_write or 0)
            for run in pool.runs
        )
        row.input_tokens = tokens / answers if answers else math.nan
        costs = [run.cost for run in pool.runs]
        if answers and all(cost is not None for cost in costs):
            row.cost_per_100 = 100 * sum(cost for cost in costs if cost is not None) / answers
        walls = [run.wall_seconds for run in pool.runs]
        row.wall_seconds = None if any(w is None for w in walls) else sum(w for w in walls if w is not None)
        rows.append(row)
    return rows


def plot_frontier(rows: list[MemorySystemRow], labels: list[str], path: Path) -> Path:
    """LLM accuracy (all questions, 95% interval) against mean input tokens per answer, log scale; one
    marker per row, named in the legend below (labels beside points collide when systems cost alike)."""
    figure, axis = plt.subplots(figsize=(9, 4.5 + 0.22 * len(rows)))
    markers = "osD^vP*Xh<>"
    for index, (row, name) in enumerate(zip(rows, labels, strict=True)):
        x, accuracy = row.input_tokens, row.llm["all"]
        if math.isnan(x) or math.isnan(accuracy.mean) or x <= 0:
            continue
        axis.errorbar(
            [x],
            [accuracy.mean],
            yerr=[0.0 if math.isnan(accuracy.half_width) else accuracy.half_width],
            fmt=markers[index % len(markers)],
            color=f"C{index % 10}",
            capsize=3,
            label=name,
        )
    axis.set_xscale("log")
    axis.xaxis.set_minor_formatter(NullFormatter())  # minor labels (2x10^3, 3x10^3, ...) run into each other
    axis.set_xlabel("input tokens per answer (log scale)")
    axis.set_ylabel("LLM accuracy, all questions")
    axis.set_ylim(0, 1.05)
    axis.set_title("Memory systems: accuracy against input tokens")
    if axis.get_legend_handles_labels()[0]:
        figure.legend(fontsize=7, loc="lower center", ncol=1)  # below the plot, one a line: labels are long
    else:
        axis.text(
            0.5, 0.5, "no row has both an accuracy and input tokens", ha="center", transform=axis.transAxes
        )
    figure.tight_layout(rect=(0, (0.22 * len(rows) + 0.2) / figure.get_figheight(), 1, 1))
    return save_figure(figure, path)


def memory_systems_section(runs: list[Run]) -> Section | None:
    """The section; None when every memory_probing run used the paper's memory."""
    if not any(not is_paper_memory(pool.identity) for pool in pools(runs, MEMORY_PROBING)):
        return None
    rows = memory_system_rows(runs)
    if not rows:
        return None
    columns = pool_columns([row.pool for row in rows], always=(MODEL, GRADER, DATASET, "memory"))
    all_columns = setting_names(row.pool.identity for row in rows)
    named = dict.fromkeys(c for row in rows for c in row.categories if c != "all")
    categories = [*named, "all"]
    table_rows = []
    for row in rows:
        llm = [row.llm.get(c) for c in categories]
        f1 = [row.f1.get(c) for c in categories]
        table_rows.append(
            Row(
                identity_cells(row.pool.identity, columns)
                + [str(len(row.pool.questions)), str(row.pool.epochs)]
                + [e.text() if e else "-" for e in llm + f1]
                + [number_cell(row.turn_recall), number_cell(row.session_recall)]
                + [
                    number_cell(row.input_tokens, 0),
                    cost_cell(row.cost_per_100),
                    number_cell(row.wall_seconds, 1),
                ],
                [*identity_cells(row.pool.identity, all_columns)]
                + [len(row.pool.questions), row.pool.epochs]
                + [e.mean if e else math.nan for e in llm + f1]
                + [row.turn_recall, row.session_recall, row.input_tokens, row.cost_per_100, row.wall_seconds],
                row.pool.sources(),
            )
        )
    table = Table(
        columns=columns
        + ["n", "epochs"]
        + [f"LLM {c}" for c in categories]
        + [f"F1 {c}" for c in categories]
        + [title for title, _ in COST_COLUMNS],
        rows=table_rows,
        csv="memory_systems.csv",
        csv_columns=all_columns
        + ["samples", "epochs"]
        + [f"llm_{c}" for c in categories]
        + [f"f1_{c}" for c in categories]
        + [name for _, name in COST_COLUMNS],
    )
    legend = legend_labels([row.pool.identity for row in rows], columns)
    return Section(
        title="Memory systems",
        notes=[
            "Mean ± half-width of the 95% interval over questions (n; each question's epochs averaged "
            "first). Every setting that differs between rows, or that a run chose with `-T`, is a column; "
            "settings a memory system does not use keep their logged default. Evidence recall: the share of "
            "the questions' evidence turns (and their sessions) that reached the model; 1 by construction "
            "for the full conversation. Input tokens per answer include cached ones (one answer per question "
            "and epoch). See docs/memory_systems.md."
        ],
        tables=[table],
        figures=[
            Figure("memory_systems.png", "memory systems", lambda path: plot_frontier(rows, legend, path))
        ],
    )
