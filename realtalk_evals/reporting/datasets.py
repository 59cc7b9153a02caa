"""REALTALK against LoCoMo: one model and memory input on real and on LLM-generated chats, per category.

The paper's claim is that real conversations are harder than LoCoMo's generated ones. memory_probing runs
with `-T dataset=locomo` pair with REALTALK runs of the same model, input and solver; on the categories the
datasets share (multi-hop, temporal, and REALTALK's commonsense against LoCoMo's open-domain) the report gives
the drop, LoCoMo minus REALTALK, with a 95% interval (the two samples are independent, so the half-widths add
in quadrature). LoCoMo's own categories (single-hop, adversarial) and its trap rate are shown beside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from realtalk_evals.memory.samples import DATASET_CATEGORIES
from realtalk_evals.reporting.runs import Run, pooled_samples, score_value
from realtalk_evals.reporting.stats import Estimate, estimate
from realtalk_evals.reporting.tables import markdown_table, write_csv
from realtalk_evals.score_keys import LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

SHARED_CATEGORIES = (("multi_hop", "multi_hop"), ("temporal", "temporal"), ("commonsense", "open_domain"))
"""(REALTALK, LoCoMo) category pairs that ask the same kind of question (numbers 1-3 in both datasets)."""

SHARED = "shared"
"""The three shared categories pooled."""

TITLES = {
    "multi_hop": "multi-hop",
    "temporal": "temporal",
    "commonsense": "commonsense / open-domain",
    "single_hop": "single-hop (LoCoMo only)",
    "adversarial": "adversarial (LoCoMo only)",
    SHARED: "shared categories",
    "all": "all",
}


def run_dataset(run: Run) -> str:
    """The dataset a memory_probing run asked (logs from before `dataset` existed are REALTALK's)."""
    return str(run.task_args.get("dataset") or "realtalk")


@dataclass
class DatasetRow:
    """Estimates per category of one (model, input, solver) on one dataset, keyed by REALTALK's names for the
    shared categories (LoCoMo's open_domain is filed under `commonsense`)."""

    model: str
    input: str
    solver: str
    dataset: str
    samples: int = 0
    f1: dict[str, Estimate] = field(default_factory=dict)
    llm: dict[str, Estimate] = field(default_factory=dict)
    trap: Estimate = field(default_factory=lambda: estimate([]))

    @property
    def label(self) -> str:
        return "gold answers" if self.solver == "gold" else self.model


def _row_categories(dataset: str) -> dict[str, set[str]]:
    """Report category -> the dataset's category names it pools."""
    names = set(DATASET_CATEGORIES[dataset].values())
    groups = {
        realtalk: {realtalk if dataset == "realtalk" else locomo} for realtalk, locomo in SHARED_CATEGORIES
    }
    groups |= {name: {name} for name in names if name not in {n for g in groups.values() for n in g}}
    groups[SHARED] = {n for realtalk, locomo in SHARED_CATEGORIES for n in (realtalk, locomo) if n in names}
    groups["all"] = names
    return groups


def dataset_rows(runs: list[Run]) -> list[DatasetRow]:
    """One row per (model, input, solver, dataset) of memory_probing runs, samples pooled as in table 3."""
    pooled = pooled_samples(
        runs,
        MEMORY_PROBING,
        lambda run: (
            run.model,
            str(run.task_args.get("input") or "conversation"),
            str(run.task_args.get("solver") or "model"),
            run_dataset(run),
        ),
    )
    rows = []
    for (model, memory_input, solver, dataset), samples in pooled.items():
        row = DatasetRow(model, memory_input, solver, dataset, samples=len(samples))
        for category, names in _row_categories(dataset).items():
            chosen = [s for s in samples.values() if s.metadata["category_name"] in names]
            row.f1[category] = estimate(score_value(s, PARTIAL_MATCH) for s in chosen)
            row.llm[category] = estimate(score_value(s, LLM_ACCURACY, LLM_ACCURACY) for s in chosen)
        row.trap = estimate(score_value(s, "trap_answer") for s in samples.values())
        rows.append(row)
    return rows


def drop(locomo: Estimate, realtalk: Estimate) -> Estimate:
    """LoCoMo minus REALTALK, with the 95% half-width of a difference of independent means."""
    if locomo.n == 0 or realtalk.n == 0:
        return Estimate(math.nan, 0, math.nan)
    return Estimate(
        locomo.mean - realtalk.mean,
        min(locomo.n, realtalk.n),
        math.sqrt(locomo.half_width**2 + realtalk.half_width**2),
    )


@dataclass
class Pair:
    """The REALTALK and LoCoMo rows of one (model, input, solver); either may be missing."""

    label: str
    input: str
    realtalk: DatasetRow | None
    locomo: DatasetRow | None


def pairs(rows: list[DatasetRow]) -> list[Pair]:
    """Pairs with at least a LoCoMo row, in order of first appearance."""
    by_key: dict[tuple[str, str, str], dict[str, DatasetRow]] = {}
    for row in rows:
        by_key.setdefault((row.model, row.input, row.solver), {})[row.dataset] = row
    found = []
    for (_model, memory_input, _solver), datasets in by_key.items():
        locomo = datasets.get("locomo")
        if locomo is not None:
            found.append(Pair(locomo.label, memory_input, datasets.get("realtalk"), locomo))
    return found


CATEGORY_ORDER = ("multi_hop", "temporal", "commonsense", SHARED, "single_hop", "adversarial", "all")
METRICS = ("f1", "llm")
EMPTY = Estimate(math.nan, 0, math.nan)


def _estimate(row: DatasetRow | None, metric: str, category: str) -> Estimate:
    if row is None:
        return EMPTY
    return getattr(row, metric).get(category, EMPTY)


def _pair_rows(pair: Pair) -> list[tuple[str, dict[str, Estimate]]]:
    """Per category: REALTALK, LoCoMo and drop estimates of both metrics (drops on shared categories only)."""
    table = []
    for category in CATEGORY_ORDER:
        cells: dict[str, Estimate] = {}
        for metric in METRICS:
            realtalk = _estimate(pair.realtalk, metric, category)
            locomo = _estimate(pair.locomo, metric, category)
            cells[f"realtalk_{metric}"] = realtalk
            cells[f"locomo_{metric}"] = locomo
            shared = category in {r for r, _ in SHARED_CATEGORIES} | {SHARED}
            cells[f"drop_{metric}"] = drop(locomo, realtalk) if shared else EMPTY
        table.append((category, cells))
    return table


def _signed(estimate_: Estimate) -> str:
    return "-" if estimate_.n == 0 else f"{estimate_.mean:+.3f} ± {estimate_.half_width:.3f}"


def dataset_section(runs: list[Run], out: Path) -> tuple[str, list[Path]] | None:
    """The REALTALK-vs-LoCoMo section and its CSV, or None without a LoCoMo memory_probing run."""
    found = pairs(dataset_rows(runs))
    if not found:
        return None
    header = ["model", "input", "category", "REALTALK F1", "LoCoMo F1", "F1 drop"]
    header += ["REALTALK LLM", "LoCoMo LLM", "LLM drop"]
    table = []
    csv_header = ["model", "input", "category"] + [
        f"{column}_{part}"
        for column in ("realtalk_f1", "locomo_f1", "drop_f1", "realtalk_llm", "locomo_llm", "drop_llm")
        for part in ("mean", "ci_low", "ci_high", "n")
    ]
    csv_rows: list[list[object]] = []
    trap_lines = []
    for pair in found:
        for category, cells in _pair_rows(pair):
            table.append(
                [pair.label, pair.input, TITLES[category]]
                + [cells["realtalk_f1"].text(), cells["locomo_f1"].text(), _signed(cells["drop_f1"])]
                + [cells["realtalk_llm"].text(), cells["locomo_llm"].text(), _signed(cells["drop_llm"])]
            )
            values: list[object] = [pair.label, pair.input, category]
            for column in ("realtalk_f1", "locomo_f1", "drop_f1", "realtalk_llm", "locomo_llm", "drop_llm"):
                e = cells[column]
                values += [e.mean, e.low, e.high, e.n]
            csv_rows.append(values)
        if pair.locomo is not None and pair.locomo.trap.n:
            trap_lines.append(f"- {pair.label} ({pair.input}): LoCoMo trap rate {pair.locomo.trap.text()}")
    parts = [
        "## Memory probing: REALTALK (real chats) vs. LoCoMo (LLM-generated chats)",
        (
            "Same model, input and solver on both datasets. Mean ± half-width of the 95% confidence interval; "
            "drop = LoCoMo - REALTALK (positive: lower on real chats), on the categories the datasets share, "
            "REALTALK's commonsense against LoCoMo's open-domain. The trap rate is the share of LoCoMo's "
            "adversarial questions answered with the tempting wrong answer."
        ),
        markdown_table(header, table),
    ]
    if trap_lines:
        parts.append("\n".join(trap_lines))
    return "\n\n".join(parts), [write_csv(out / "realtalk_vs_locomo.csv", csv_header, csv_rows)]
