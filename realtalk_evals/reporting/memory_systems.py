"""The memory-systems comparison of `realtalk report`: one row per run identity of memory_probing, REALTALK and
LoCoMo in tables of their own.

Quality (LLM accuracy and partial-match F1 per category, evidence recall and what it could measure) and cost
and latency per question (input and output tokens, dollars, model time, retrieval time p50/p95, the tokens a
builder model spent writing memories), and a plot of accuracy against input tokens per dataset: the cost/quality
frontier. Every number comes from the row's de-duplicated samples (each `id:epoch` once, a question's epochs
averaged first), never from run totals, which would count twice what overlapping runs share. Shown only when
some memory_probing run used a memory other than the paper's. The memory settings (`memory`, `top_k`, `unit`,
...) are read from the log's task arguments like every other setting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from inspect_ai.log import EvalSample
from inspect_ai.model import ModelUsage
from matplotlib.ticker import NullFormatter

from realtalk_evals.memory.samples import DATASET_CATEGORIES
from realtalk_evals.memory.systems.registry import logged_system
from realtalk_evals.paper import MEMUSE_REALTALK
from realtalk_evals.reporting.memory import INPUT, category_estimate, dataset_of, is_paper_memory
from realtalk_evals.reporting.plots import distinct_styles, save_figure
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
from realtalk_evals.reporting.pricing import usage_cost
from realtalk_evals.reporting.runs import Run, Usage, sample_usage, score_value
from realtalk_evals.reporting.sections import Figure, Row, Section, Table, cost_cell, number_cell
from realtalk_evals.reporting.stats import Estimate, finite_mean
from realtalk_evals.score_keys import LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

EVIDENCE_RECALL = "evidence_recall"
BUILDER = "memory_builder"
DATASET_TITLES = {"realtalk": "REALTALK", "locomo": "LoCoMo"}

QUALITY_COLUMNS = (
    ("turn recall", "turn_recall"),
    ("session recall", "session_recall"),
    ("questions with recall", "recall_questions"),
    ("no known evidence", "no_known_evidence"),
    ("unknown evidence ids", "unknown_evidence"),
    ("shown nothing", "empty_contexts"),
)
"""Quality columns after the per-category scores: title and CSV name."""

COST_COLUMNS = (
    ("input tokens / q", "input_tokens_per_question"),
    ("output tokens / q", "output_tokens_per_question"),
    ("cost / 100 q (USD)", "cost_per_100_questions_usd"),
    ("model s / q", "model_seconds_per_question"),
    ("retrieval p50 (ms)", "retrieval_ms_p50"),
    ("retrieval p95 (ms)", "retrieval_ms_p95"),
    ("builder tokens / conversation", "builder_tokens_per_conversation"),
    ("builder tokens / q", "builder_tokens_per_question"),
    ("builder cost / 100 q (USD)", "builder_cost_per_100_questions_usd"),
)
"""Cost and latency columns, per question (epochs averaged first): title and CSV name."""


@dataclass
class MemorySystemRow:
    pool: Pool
    categories: list[str] = field(default_factory=list)
    llm: dict[str, Estimate] = field(default_factory=dict)
    f1: dict[str, Estimate] = field(default_factory=dict)
    quality: dict[str, float | None] = field(default_factory=dict)
    """`QUALITY_COLUMNS` values by CSV name (None: not measured for this memory)."""
    cost: dict[str, float | None] = field(default_factory=dict)
    """`COST_COLUMNS` values by CSV name (None: a price is unknown, or nothing to measure)."""

    @property
    def dataset(self) -> str:
        return dataset_of(self.pool.identity)


def _recall(pool: Pool, key: str) -> float:
    """Mean over questions of a question's evidence recall (epochs averaged); 1 by construction for the
    paper's full conversation, which logs none; NaN for the full event list (evidence turns are not events)."""
    if is_paper_memory(pool.identity):
        return 1.0 if pool.identity.get(INPUT) == "conversation" else math.nan
    return finite_mean([question_mean(epochs, EVIDENCE_RECALL, key) for epochs in pool.questions.values()])


def _evidence_counts(pool: Pool) -> dict[str, float | None]:
    """Questions whose recall could be measured, those with no known evidence, the unknown ids, and the
    questions shown nothing (the oracle on a question whose evidence names no turn); None without the
    evidence_recall scorer (the paper's full context)."""
    first = [epochs[0] for epochs in pool.questions.values()]
    if not any(EVIDENCE_RECALL in (sample.scores or {}) for sample in first):
        return {
            name: None
            for name in ("recall_questions", "no_known_evidence", "unknown_evidence", "empty_contexts")
        }
    no_evidence = sum(score_value(sample, EVIDENCE_RECALL, "no_known_evidence") == 1 for sample in first)
    return {
        "recall_questions": float(len(first) - no_evidence),
        "no_known_evidence": float(no_evidence),
        "unknown_evidence": float(
            np.nansum([score_value(sample, EVIDENCE_RECALL, "unknown_evidence") for sample in first])
        ),
        "empty_contexts": float(
            sum(any(s.metadata.get("memory_empty") for s in epochs) for epochs in pool.questions.values())
        ),
    }


def _per_question(pool: Pool, value: Callable[[EvalSample], float | None]) -> float | None:
    """The mean over questions of a per-sample value (each question's epochs averaged first); None when any
    sample's value is None (an unknown price), NaN when there are no values."""
    means = []
    for epochs in pool.questions.values():
        values = [value(sample) for sample in epochs]
        if any(v is None for v in values):
            return None
        means.append(finite_mean([v for v in values if v is not None]))
    return finite_mean(means)


def _input_tokens(usage: ModelUsage) -> float:
    return float(
        usage.input_tokens + (usage.input_tokens_cache_read or 0) + (usage.input_tokens_cache_write or 0)
    )


def _model_milliseconds(sample: EvalSample) -> float:
    """The model's time for the answer: the agent's loop as its solver measured it, else the one generate call
    (Inspect's `output.time`)."""
    if "memory_model_ms" in sample.metadata:
        return float(sample.metadata["memory_model_ms"])
    return 1000 * sample.output.time if sample.output.time is not None else math.nan


def _builder(pool: Pool) -> dict[str, float | None]:
    """What writing memories cost, from each conversation's `memory_builder` record (the same in all its
    samples, cached replies at the tokens they took when written): per conversation, and spread over the
    row's questions."""
    records: dict[str, dict[str, Any]] = {}
    for epochs in pool.questions.values():
        record = epochs[0].metadata.get(BUILDER)
        if isinstance(record, dict):
            records.setdefault(str(epochs[0].metadata["conversation_id"]), record)
    if not records:
        return dict.fromkeys(
            (
                "builder_tokens_per_conversation",
                "builder_tokens_per_question",
                "builder_cost_per_100_questions_usd",
            ),
            math.nan,
        )
    prices = pool.runs[0].prices
    tokens = [float(record.get("total_tokens", 0)) for record in records.values()]
    costs = [
        usage_cost(
            str(record["model"]),
            ModelUsage(
                input_tokens=int(record.get("input_tokens", 0)),
                output_tokens=int(record.get("output_tokens", 0)),
                total_tokens=int(record.get("total_tokens", 0)),
            ),
            prices,
        )
        for record in records.values()
    ]
    questions = len(pool.questions)
    known = all(cost is not None for cost in costs)
    return {
        "builder_tokens_per_conversation": sum(tokens) / len(tokens),
        "builder_tokens_per_question": sum(tokens) / questions,
        "builder_cost_per_100_questions_usd": 100 * sum(c or 0.0 for c in costs) / questions
        if known
        else None,
    }


def _percentile(values: Iterable[float], q: float) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return float(np.percentile(finite, q)) if finite else math.nan


def _costs(pool: Pool) -> dict[str, float | None]:
    """Tokens, dollars (model under test and judge) and model time per question; retrieval time percentiles
    over the samples."""
    runs = {run.location: run for run in pool.runs}
    location = {id(sample): log for log, sample in pool.entries.values()}

    def usage(sample: EvalSample) -> Usage:
        return sample_usage(runs[location[id(sample)]], sample)

    def cost(sample: EvalSample) -> float | None:
        split = usage(sample)
        grader = split.role("grader")[1]
        return None if split.model_cost is None or grader is None else split.model_cost + grader

    cost_per_question = _per_question(pool, cost)
    retrieval = [
        float(sample.metadata.get("memory_retrieval_ms", math.nan)) for _, sample in pool.entries.values()
    ]
    return {
        "input_tokens_per_question": _per_question(pool, lambda s: _input_tokens(usage(s).model)),
        "output_tokens_per_question": _per_question(pool, lambda s: float(usage(s).model.output_tokens)),
        "cost_per_100_questions_usd": None if cost_per_question is None else 100 * cost_per_question,
        "model_seconds_per_question": finite_mean([_per_question(pool, _model_milliseconds) or math.nan])
        / 1000,
        "retrieval_ms_p50": _percentile(retrieval, 50),
        "retrieval_ms_p95": _percentile(retrieval, 95),
    } | _builder(pool)


def memory_system_rows(runs: list[Run]) -> list[MemorySystemRow]:
    """Rows in order of first appearance; a row's runs are pooled (each sample once)."""
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
        recall: dict[str, float | None] = {
            "turn_recall": _recall(pool, "turn_recall"),
            "session_recall": _recall(pool, "session_recall"),
        }
        row.quality = recall | _evidence_counts(pool)
        row.cost = _costs(pool)
        rows.append(row)
    return rows


def _value_cell(name: str, value: float | None) -> str:
    if value is not None and math.isnan(value):
        return "-"  # nothing to measure (no model wrote this memory, no retrieval)
    if name.endswith("_usd"):
        return cost_cell(value)
    if value is None:
        return "-"
    digits = 3 if name.endswith(("recall", "seconds_per_question")) else 1 if "_ms_" in name else 0
    return number_cell(value, digits)


def _identity_cells(row: MemorySystemRow, columns: Sequence[str]) -> list[str]:
    """The identity cells, `top_k` named in what it counts where that is not units (`recent`: sessions)."""
    cells = identity_cells(row.pool.identity, columns)
    counts = logged_system(row.pool.identity.get("memory")).top_k_counts
    if counts and "top_k" in columns:
        index = list(columns).index("top_k")
        cells[index] = f"{cells[index]} {counts}"
    return cells


def _memuse_rows(columns: Sequence[str], categories: Sequence[str]) -> list[Row]:
    """MemUse's REALTALK accuracies as reference rows (another group's protocol), under the measured rows: its
    accuracy in the `LLM all` column, every other cell empty."""
    model_at = list(columns).index(MODEL)
    rows = []
    for setting, accuracy in MEMUSE_REALTALK.items():
        identity = ["-"] * len(columns)
        identity[model_at] = f"MemUse (other protocol, GPT-4.1-mini): {setting}"
        llm = ["-"] * (len(categories) - 1) + [f"{accuracy:.3f}"]
        rest = ["-"] * (len(categories) + len(QUALITY_COLUMNS))
        rows.append(Row(identity + ["-", "-"] + llm + rest, reference=True))
    return rows


def plot_frontier(rows: list[MemorySystemRow], labels: list[str], path: Path) -> Path:
    """LLM accuracy (all questions, 95% interval) against input tokens per question, log scale: one panel per
    dataset, one marker per row (each row its own marker and colour), named in the legend below the panels."""
    datasets = list(dict.fromkeys(row.dataset for row in rows))
    styles = distinct_styles(len(rows))
    figure, axes = plt.subplots(
        1, len(datasets), figsize=(6.5 * len(datasets), 4.8 + 0.2 * len(rows)), squeeze=False
    )
    for axis, dataset in zip(axes[0], datasets, strict=True):
        drawn = 0
        for row, name, (marker, color) in zip(rows, labels, styles, strict=True):
            x, accuracy = row.cost.get("input_tokens_per_question"), row.llm["all"]
            if row.dataset != dataset or x is None or math.isnan(x) or x <= 0 or math.isnan(accuracy.mean):
                continue
            axis.errorbar(
                [x],
                [accuracy.mean],
                yerr=[0.0 if math.isnan(accuracy.half_width) else accuracy.half_width],
                fmt=marker,
                color=color,
                markersize=8,
                capsize=3,
                label=name,
            )
            drawn += 1
        axis.set_xscale("log")
        axis.xaxis.set_minor_formatter(
            NullFormatter()
        )  # minor labels (2x10^3, 3x10^3, ...) run into each other
        axis.set_xlabel("input tokens per question (log scale)")
        axis.set_ylabel("LLM accuracy, all questions")
        axis.set_ylim(0, 1.05)
        axis.set_title(DATASET_TITLES.get(dataset, dataset))
        if not drawn:
            axis.text(
                0.5,
                0.5,
                "no row has both an accuracy and input tokens",
                ha="center",
                transform=axis.transAxes,
            )
    handles = {
        label: handle
        for axis in axes[0]
        for handle, label in zip(*axis.get_legend_handles_labels(), strict=True)
    }
    if handles:
        figure.legend(list(handles.values()), list(handles), fontsize=8, loc="lower center", ncol=1)
    figure.suptitle("Memory systems: accuracy against input tokens per question")
    figure.tight_layout(rect=(0, (0.19 * len(rows) + 0.3) / figure.get_figheight(), 1, 1))
    return save_figure(figure, path)


def _dataset_tables(rows: list[MemorySystemRow], columns: list[str], with_paper: bool) -> list[Table]:
    """Per dataset: a quality table (scores, recall and its counts) and a cost-and-latency table."""
    tables = []
    for dataset in dict.fromkeys(row.dataset for row in rows):
        chosen = [row for row in rows if row.dataset == dataset]
        named = dict.fromkeys(c for row in chosen for c in row.categories if c != "all")
        categories = [*named, "all"]
        quality = [
            Row(
                _identity_cells(row, columns)
                + [str(len(row.pool.questions)), str(row.pool.epochs)]
                + [e.text() if (e := row.llm.get(c)) else "-" for c in categories]
                + [e.text() if (e := row.f1.get(c)) else "-" for c in categories]
                + [_value_cell(name, row.quality[name]) for _, name in QUALITY_COLUMNS],
                sources=row.pool.sources(),
            )
            for row in chosen
        ]
        if with_paper and dataset == "realtalk":
            quality += _memuse_rows(columns, categories)
        title = DATASET_TITLES.get(dataset, dataset)
        tables.append(
            Table(
                columns=columns
                + ["n", "epochs"]
                + [f"LLM {c}" for c in categories]
                + [f"F1 {c}" for c in categories]
                + [title for title, _ in QUALITY_COLUMNS],
                rows=quality,
                title=f"{title}: quality",
            )
        )
        tables.append(
            Table(
                columns=columns + [title for title, _ in COST_COLUMNS],
                rows=[
                    Row(
                        _identity_cells(row, columns)
                        + [_value_cell(name, row.cost[name]) for _, name in COST_COLUMNS],
                        sources=row.pool.sources(),
                    )
                    for row in chosen
                ],
                title=f"{title}: cost and latency per question",
            )
        )
    return tables


def _csv_table(rows: list[MemorySystemRow]) -> Table:
    """Every row of every dataset, every setting and value, for memory_systems.csv (not shown)."""
    all_columns = setting_names(row.pool.identity for row in rows)
    categories = list(dict.fromkeys(c for row in rows for c in row.categories if c != "all")) + ["all"]
    values = [
        Row(
            identity_cells(row.pool.identity, all_columns),
            [*identity_cells(row.pool.identity, all_columns), len(row.pool.questions), row.pool.epochs]
            + [e.mean if (e := row.llm.get(c)) else math.nan for c in categories]
            + [e.mean if (e := row.f1.get(c)) else math.nan for c in categories]
            + [row.quality[name] for _, name in QUALITY_COLUMNS]
            + [row.cost[name] for _, name in COST_COLUMNS],
            row.pool.sources(),
        )
        for row in rows
    ]
    header = (
        all_columns
        + ["samples", "epochs"]
        + [f"llm_{c}" for c in categories]
        + [f"f1_{c}" for c in categories]
        + [name for _, name in QUALITY_COLUMNS + COST_COLUMNS]
    )
    return Table(columns=header, rows=values, csv="memory_systems.csv", csv_columns=header, shown=False)


def memory_systems_section(runs: list[Run], with_paper: bool = False) -> Section | None:
    """The section; None when every memory_probing run used the paper's memory."""
    if not any(not is_paper_memory(pool.identity) for pool in pools(runs, MEMORY_PROBING)):
        return None
    rows = memory_system_rows(runs)
    if not rows:
        return None
    columns = pool_columns([row.pool for row in rows], always=(MODEL, GRADER, DATASET, "memory"))
    legend = legend_labels([row.pool.identity for row in rows], columns)
    notes = [
        "Mean ± half-width of the 95% interval over questions (n; each question's epochs averaged first). Every "
        "setting that differs between rows, or that a run chose with `-T`, is a column; settings a memory "
        "system does not use keep their logged default (`recent` counts `top_k` in sessions). Evidence "
        "recall: the share of the questions' evidence turns (and their sessions) that reached the model, over "
        "the questions with recall (those whose evidence names a turn); 1 by construction for the full "
        "conversation. Shown nothing: questions whose memory showed no unit (the oracle where no evidence id "
        "names a turn).",
        "Cost and latency are means per question over the same de-duplicated samples as the scores (runs that "
        "overlap count each sample once): input tokens include cached ones; cost covers the model under test "
        "and the judge at the report's prices; model time is the answer's generate call (the agent: its whole "
        "loop); retrieval time is the memory's search for the question, measured in its worker thread "
        "(percentiles over samples; it varies run to run). Builder: the tokens the `memory_builder` model "
        "spent writing a conversation's memories (summary, observations), once per conversation and spread "
        "over the row's questions. See docs/memory_systems.md.",
    ]
    if with_paper:
        notes.append(
            "MemUse rows: another group's REALTALK result with its own protocol (GPT-4.1-mini answers and "
            "judges, its own prompts and retrieval units); comparable in kind, not in value."
        )
    return Section(
        title="Memory systems",
        notes=notes,
        tables=[*_dataset_tables(rows, columns, with_paper), _csv_table(rows)],
        figures=[
            Figure("memory_systems.png", "memory systems", lambda path: plot_frontier(rows, legend, path))
        ],
    )
