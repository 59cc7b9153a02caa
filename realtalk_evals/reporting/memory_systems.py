"""The memory-systems comparison of `realtalk report`: one row per (model, input, memory, unit, top_k).

Quality (LLM accuracy and partial-match F1 per category, evidence recall) next to cost (input tokens per
question, dollars per 100 questions, wall time), and a plot of accuracy against input tokens per question: the
cost/quality frontier. Shown only when some memory_probing run used a memory other than `full`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from realtalk_evals.judging.ask import PAPER_GRADER
from realtalk_evals.reporting.datasets import run_dataset
from realtalk_evals.reporting.runs import Run, pooled_samples, score_value
from realtalk_evals.reporting.stats import Estimate, estimate
from realtalk_evals.reporting.tables import markdown_table, number_cell, write_csv
from realtalk_evals.score_keys import LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

Key = tuple[str, str, str, str, str, str, str]
"""(model, grader, dataset, input, memory, unit, top_k); unit and top_k are `-` where the memory ignores them.
Runs of different datasets or graders are never pooled."""


COST_COLUMNS = (
    ("turn recall", "turn_recall"),
    ("session recall", "session_recall"),
    ("input tokens / question", "input_tokens_per_question"),
    ("cost / 100 questions (USD)", "cost_per_100_usd"),
    ("wall time (s)", "wall_seconds"),
)
"""The columns after the per-category scores: Markdown title and CSV name."""


def memory_of(run: Run) -> str:
    return str(run.task_args.get("memory") or "full")


def _key(run: Run) -> Key:
    memory = memory_of(run)
    unit = "-" if memory in ("full", "agent", "oracle") else str(run.task_args.get("unit") or "turn")
    top_k = "-" if memory in ("full", "agent", "oracle") else str(run.task_args.get("top_k") or 10)
    memory_input = str(run.task_args.get("input") or "conversation")
    return (run.model, run.grader or PAPER_GRADER, run_dataset(run), memory_input, memory, unit, top_k)


@dataclass
class MemorySystemRow:
    key: Key
    samples: int = 0
    categories: list[str] = field(default_factory=list)
    llm: dict[str, Estimate] = field(default_factory=dict)
    f1: dict[str, Estimate] = field(default_factory=dict)
    turn_recall: float = math.nan
    session_recall: float = math.nan
    input_tokens: float = math.nan
    cost_per_100: float | None = None
    wall_seconds: float | None = None

    @property
    def label(self) -> str:
        model, _, dataset, memory_input, memory, unit, top_k = self.key
        details = "" if unit == "-" else f" {unit} k={top_k}"
        shown = f"{model} {memory}{details}" + (" (E)" if memory_input == "events" else "")
        return shown if dataset == "realtalk" else f"{shown} [{dataset}]"


def _mean(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan


def memory_system_rows(runs: list[Run]) -> list[MemorySystemRow]:
    """Rows in order of first appearance; runs of one key are pooled (samples by id, usage and cost summed)."""
    probing = [run for run in runs if run.task == MEMORY_PROBING and run.task_args.get("solver") != "gold"]
    pooled = pooled_samples(probing, MEMORY_PROBING, _key)
    rows = []
    for key, samples in pooled.items():
        keyed = [run for run in probing if _key(run) == key]
        row = MemorySystemRow(key=key, samples=len(samples))
        names = sorted({str(s.metadata.get("category_name")) for s in samples.values()})
        row.categories = [*names, "all"]
        for category in row.categories:
            chosen = [s for s in samples.values() if category in ("all", s.metadata.get("category_name"))]
            row.llm[category] = estimate(score_value(s, LLM_ACCURACY, LLM_ACCURACY) for s in chosen)
            row.f1[category] = estimate(score_value(s, PARTIAL_MATCH) for s in chosen)
        if key[4] == "full" and key[3] == "conversation":
            row.turn_recall = row.session_recall = 1.0  # the whole conversation reached the model
        else:
            row.turn_recall = _mean(
                [score_value(s, "evidence_recall", "turn_recall") for s in samples.values()]
            )
            row.session_recall = _mean(
                [score_value(s, "evidence_recall", "session_recall") for s in samples.values()]
            )
        questions = sum(run.samples for run in keyed)
        tokens = sum(
            run.model_usage.input_tokens
            + (run.model_usage.input_tokens_cache_read or 0)
            + (run.model_usage.input_tokens_cache_write or 0)
            for run in keyed
        )
        row.input_tokens = tokens / questions if questions else math.nan
        costs = [run.cost for run in keyed]
        if questions and all(cost is not None for cost in costs):
            row.cost_per_100 = 100 * sum(cost for cost in costs if cost is not None) / questions
        walls = [run.wall_seconds for run in keyed]
        row.wall_seconds = None if any(w is None for w in walls) else sum(w for w in walls if w is not None)
        rows.append(row)
    return rows


def plot_frontier(rows: list[MemorySystemRow], path: Path) -> Path:
    """LLM accuracy (all questions, 95% interval) against mean input tokens per question, log scale; one
    marker per row, named in the legend (labels beside points collide when systems cost alike)."""
    figure, axis = plt.subplots(figsize=(9, 4.5))
    markers = "osD^vP*Xh<>"
    for index, row in enumerate(rows):
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
            label=row.label,
        )
    axis.set_xscale("log")
    axis.set_xlabel("input tokens per question (log scale)")
    axis.set_ylabel("LLM accuracy, all questions")
    axis.set_ylim(0, 1.05)
    axis.set_title("Memory systems: accuracy against input tokens")
    axis.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def memory_systems_section(runs: list[Run], out: Path) -> tuple[str, list[Path]]:
    """The report's Markdown section and files; empty when every memory_probing run used `memory=full`."""
    if not any(run.task == MEMORY_PROBING and memory_of(run) != "full" for run in runs):
        return "", []
    rows = memory_system_rows(runs)
    categories = list(dict.fromkeys(c for row in rows for c in row.categories))
    header = ["model", "grader", "dataset", "input", "memory", "unit", "top_k", "n"]
    header += [f"LLM {c}" for c in categories] + [f"F1 {c}" for c in categories]
    header += [title for title, _ in COST_COLUMNS]
    table: list[list[str]] = []
    csv_rows: list[list[object]] = []
    for row in rows:
        llm = [row.llm[c].text() if c in row.llm else "-" for c in categories]
        f1 = [row.f1[c].text() if c in row.f1 else "-" for c in categories]
        cost = "unknown price" if row.cost_per_100 is None else f"{row.cost_per_100:.4f}"
        table.append(
            [*row.key, str(row.samples), *llm, *f1]
            + [
                number_cell(row.turn_recall),
                number_cell(row.session_recall),
                number_cell(row.input_tokens, 0),
            ]
            + [cost, number_cell(row.wall_seconds, 1)]
        )
        csv_rows.append(
            [*row.key, row.samples]
            + [row.llm[c].mean if c in row.llm else math.nan for c in categories]
            + [row.f1[c].mean if c in row.f1 else math.nan for c in categories]
            + [row.turn_recall, row.session_recall, row.input_tokens, row.cost_per_100, row.wall_seconds]
        )
    csv_header = ["model", "grader", "dataset", "input", "memory", "unit", "top_k", "samples"]
    csv_header += [f"llm_{c}" for c in categories] + [f"f1_{c}" for c in categories]
    csv_header += [name for _, name in COST_COLUMNS]
    text = "\n\n".join(
        [
            "## Memory systems",
            (
                "Mean ± half-width of the 95% interval. Evidence recall: the share of the questions' evidence turns "
                "(and their sessions) that reached the model; 1 by construction for the full conversation. Input "
                "tokens include cached ones. See docs/memory_systems.md."
            ),
            markdown_table(header, table),
        ]
    )
    files = [
        write_csv(out / "memory_systems.csv", csv_header, csv_rows),
        plot_frontier(rows, out / "memory_systems.png"),
    ]
    return text, files
