"""PNG figures of a report: per-category bars with 95% intervals, persona attributes per model."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from realtalk_evals.report.memory import CATEGORIES, MemoryRow
from realtalk_evals.report.persona import LOWER_IS_BETTER, PERSONA_COLUMNS, PersonaRow


def _nan_to_zero(value: float) -> float:
    return 0.0 if math.isnan(value) else value


def plot_memory(rows: list[MemoryRow], path: Path) -> Path:
    """Two panels (partial-match F1, LLM accuracy): one bar group per category, one bar per (model, input)."""
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    width = 0.8 / max(len(rows), 1)
    for axis, (title, attribute) in zip(
        axes, (("Partial-match F1", "f1"), ("LLM accuracy", "llm")), strict=True
    ):
        for index, row in enumerate(rows):
            estimates = [getattr(row, attribute)[category] for category in CATEGORIES]
            positions = [c + (index - (len(rows) - 1) / 2) * width for c in range(len(CATEGORIES))]
            axis.bar(
                positions,
                [_nan_to_zero(e.mean) for e in estimates],
                width,
                yerr=[_nan_to_zero(e.half_width) for e in estimates],
                capsize=3,
                label=f"{row.label} ({row.input})",
            )
        axis.set_xticks(range(len(CATEGORIES)), [c.replace("_", "-") for c in CATEGORIES])
        axis.set_title(title)
        axis.set_ylim(0, 1)
    axes[0].set_ylabel("score (95% interval)")
    axes[1].legend(fontsize=8, loc="upper right")
    figure.suptitle("REALTALK memory probing")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def plot_persona(rows: list[PersonaRow], path: Path) -> Path:
    """One panel per table-2 attribute: mean across speakers per model, with the speakers' std as error bar."""
    figure, axes = plt.subplots(2, 4, figsize=(14, 6))
    for axis, column in zip(axes.flat, PERSONA_COLUMNS, strict=True):
        summaries = [row.summary(column) for row in rows]
        axis.bar(
            range(len(rows)),
            [_nan_to_zero(mean) for mean, _ in summaries],
            yerr=[_nan_to_zero(std) for _, std in summaries],
            capsize=3,
            color=[f"C{i}" for i in range(len(rows))],
        )
        axis.set_xticks(range(len(rows)), [row.label for row in rows], rotation=30, ha="right", fontsize=7)
        better = "lower" if column in LOWER_IS_BETTER else "higher"
        axis.set_title(f"{column} ({better} is better)", fontsize=9)
    figure.suptitle("REALTALK persona simulation (mean ± std across speakers)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
