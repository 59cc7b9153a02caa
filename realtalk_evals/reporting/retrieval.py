"""Retrieval quality of the ranking memory systems in `realtalk report`: recall@k, recall_all@k and nDCG@10 at
turn and session level, from the one ranking each question recorded (the `retrieval_ranking` scorer), and the
recall@k curves.

One row per run identity and level (all categories), REALTALK and LoCoMo in tables of their own; the CSV holds
every category too. Values are means over the questions with known evidence, each question's epochs averaged
first, as in the memory-systems table.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from realtalk_evals.memory.ranking import LEVELS, NDCG_AT, RANKING_KS, ranking_keys
from realtalk_evals.reporting.memory import dataset_of, question_ids
from realtalk_evals.reporting.memory_systems import DATASET_TITLES
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
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Figure, Row, Section, Table, number_cell
from realtalk_evals.reporting.stats import finite_mean
from realtalk_evals.task_names import MEMORY_PROBING

RETRIEVAL_RANKING = "retrieval_ranking"


def ranked_pools(runs: list[Run]) -> list[Pool]:
    """The memory_probing pools whose samples carry the ranking scores."""
    return [
        pool
        for pool in pools(runs, MEMORY_PROBING)
        if any(RETRIEVAL_RANKING in (epochs[0].scores or {}) for epochs in pool.questions.values())
    ]


def level_values(pool: Pool, level: str, categories: list[str] | None = None) -> tuple[int, dict[str, float]]:
    """(questions measured, the level's mean of every ranking value) over the questions of `categories`."""
    ids = question_ids(pool, categories)
    keys = [key for key in ranking_keys() if key.startswith(f"{level}_")]
    means = {key: [question_mean(pool.questions[q], RETRIEVAL_RANKING, key) for q in ids] for key in keys}
    measured = sum(not math.isnan(value) for value in means[f"{level}_recall_at_{RANKING_KS[0]}"])
    return measured, {key: finite_mean(values) for key, values in means.items()}


def _titles(level: str) -> list[tuple[str, str]]:
    """(column title, value key) of one level."""
    return (
        [(f"R@{k}", f"{level}_recall_at_{k}") for k in RANKING_KS]
        + [(f"all@{k}", f"{level}_recall_all_at_{k}") for k in RANKING_KS]
        + [(f"nDCG@{NDCG_AT}", f"{level}_ndcg_at_{NDCG_AT}")]
    )


def curve_labels(chosen: list[Pool], columns: list[str]) -> list[str]:
    """The legend of the recall curves: a curve is a memory system's, so its name is in every label, even when
    all curves share it."""
    return [
        label if "memory=" in label else f"{label}, memory={pool.identity.get('memory')}"
        for label, pool in zip(
            legend_labels([pool.identity for pool in chosen], columns), chosen, strict=True
        )
    ]


def plot_recall_curves(chosen: list[Pool], labels: list[str], path: Path) -> Path:
    """Recall@k against k (log scale), one line per row: a panel per dataset (rows) and level (columns)."""
    datasets = list(dict.fromkeys(dataset_of(pool.identity) for pool in chosen))
    styles = distinct_styles(len(chosen))
    figure, axes = plt.subplots(
        len(datasets), len(LEVELS), figsize=(11, 3.8 * len(datasets) + 0.2 * len(chosen)), squeeze=False
    )
    for axes_row, dataset in zip(axes, datasets, strict=True):
        for axis, level in zip(axes_row, LEVELS, strict=True):
            for pool, label, (marker, color) in zip(chosen, labels, styles, strict=True):
                if dataset_of(pool.identity) != dataset:
                    continue
                _, values = level_values(pool, level)
                curve = [values[f"{level}_recall_at_{k}"] for k in RANKING_KS]
                if all(math.isnan(value) for value in curve):
                    continue
                axis.plot(RANKING_KS, curve, marker=marker, color=color, label=label)
            axis.set_xscale("log")
            axis.set_xticks(RANKING_KS, [str(k) for k in RANKING_KS])
            axis.minorticks_off()
            axis.set_ylim(0, 1.02)
            axis.set_xlabel("k (units ranked)")
            axis.set_ylabel(f"{level} recall@k")
            axis.set_title(f"{DATASET_TITLES.get(dataset, dataset)}: {level} level")
            axis.grid(alpha=0.3)
    handles = {
        label: handle
        for axis in axes.flat
        for handle, label in zip(*axis.get_legend_handles_labels(), strict=True)
    }
    if handles:
        figure.legend(list(handles.values()), list(handles), fontsize=8, loc="lower center", ncol=1)
    figure.suptitle("Recall@k of the ranking memory systems (mean over questions with known evidence)")
    figure.tight_layout(rect=(0, (0.19 * len(chosen) + 0.3) / figure.get_figheight(), 1, 1))
    return save_figure(figure, path)


def retrieval_section(runs: list[Run]) -> Section | None:
    """Recall@k, recall_all@k and nDCG@10 per ranking run identity; None when no run ranked."""
    chosen = ranked_pools(runs)
    if not chosen:
        return None
    columns = pool_columns(chosen, always=(MODEL, GRADER, DATASET, "memory"))
    all_columns = setting_names(pool.identity for pool in chosen)
    tables = []
    for dataset in dict.fromkeys(dataset_of(pool.identity) for pool in chosen):
        rows = []
        for pool in (p for p in chosen if dataset_of(p.identity) == dataset):
            for level in LEVELS:
                measured, values = level_values(pool, level)
                if not measured:
                    continue
                rows.append(
                    Row(
                        identity_cells(pool.identity, columns)
                        + [level, str(measured)]
                        + [number_cell(values[key]) for _, key in _titles(level)],
                        sources=pool.sources(),
                    )
                )
        tables.append(
            Table(
                columns=[*columns, "level", "n", *(title for title, _ in _titles("turn"))],
                rows=rows,
                title=DATASET_TITLES.get(dataset, dataset),
            )
        )
    details = []
    for pool in chosen:
        names = list(
            dict.fromkeys(str(epochs[0].metadata["category_name"]) for epochs in pool.questions.values())
        )
        for level in LEVELS:
            for category in [*names, "all"]:
                measured, values = level_values(pool, level, None if category == "all" else [category])
                cells = identity_cells(pool.identity, all_columns) + [level, category]
                details.append(
                    Row(
                        cells, [*cells, measured, *(values[key] for _, key in _titles(level))], pool.sources()
                    )
                )
    header = [*all_columns, "level", "category", "n", *(key.split("_", 1)[1] for _, key in _titles("turn"))]
    tables.append(Table(header, details, csv="retrieval_ranking.csv", csv_columns=header, shown=False))
    legend = curve_labels(chosen, columns)
    return Section(
        title="Retrieval ranking",
        notes=[
            "From each question's one recorded ranking (its top 50 units): R@k is the share of the question's "
            "evidence turns (sessions) among the first k units, all@k the share of questions with all of them "
            f"there, nDCG@{NDCG_AT} counts a unit when it shows evidence no higher unit showed. k counts "
            "units, as `top_k` does: R@k at k = top_k is the run's evidence recall. Means over the n questions "
            "whose evidence names a turn; turn-level nDCG is not measured for whole-session units. "
            "`retrieval_ranking.csv` holds every category. See docs/memory_systems.md."
        ],
        tables=tables,
        figures=[
            Figure("retrieval_recall.png", "recall@k", lambda path: plot_recall_curves(chosen, legend, path))
        ],
    )
