"""REALTALK against LoCoMo: one model and memory input on real and on LLM-generated chats, per category.

The paper's claim is that real conversations are harder than LoCoMo's generated ones. memory_probing runs
with `-T dataset=locomo` pair with REALTALK runs that share every other setting (reporting/pools.py); on the categories the
datasets share (multi-hop, temporal, and REALTALK's commonsense against LoCoMo's open-domain) the report gives
the drop, LoCoMo minus REALTALK, with a 95% interval (the two samples are independent, so the half-widths add
in quadrature). LoCoMo's own categories (single-hop, adversarial) and its trap rate are shown beside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from realtalk_evals.data.flagged_gold import flagged_gold
from realtalk_evals.memory.samples import DATASET_CATEGORIES
from realtalk_evals.reporting.memory import category_estimate, dataset_of, question_ids
from realtalk_evals.reporting.pools import (
    DATASET,
    GRADER,
    MODEL,
    Identity,
    Pool,
    identity_cells,
    identity_columns,
    pools,
    question_mean,
    setting_names,
)
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Row, Section, Source, Table
from realtalk_evals.reporting.stats import Estimate, estimate
from realtalk_evals.score_keys import LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

TRAP_ANSWER = "trap_answer"
"""LoCoMo's adversarial trap scorer (1 when the answer is the tempting wrong option)."""

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


@dataclass
class DatasetRow:
    """Estimates per report category of one pool, keyed by REALTALK's names for the shared categories
    (LoCoMo's open_domain is filed under `commonsense`)."""

    pool: Pool
    dataset: str
    names: dict[str, set[str]] = field(default_factory=dict)
    """Report category -> the dataset's category names it pools."""
    f1: dict[str, Estimate] = field(default_factory=dict)
    llm: dict[str, Estimate] = field(default_factory=dict)
    trap: Estimate = field(default_factory=lambda: estimate([]))


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


def dataset_row(pool: Pool) -> DatasetRow:
    dataset = dataset_of(pool.identity)
    row = DatasetRow(pool, dataset, _row_categories(dataset))
    for category, names in row.names.items():
        row.f1[category] = category_estimate(pool, names, PARTIAL_MATCH)
        row.llm[category] = category_estimate(pool, names, LLM_ACCURACY, LLM_ACCURACY)
    row.trap = estimate(question_mean(epochs, TRAP_ANSWER) for epochs in pool.questions.values())
    return row


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
    """The REALTALK and LoCoMo rows of one identity less its dataset; REALTALK's may be missing."""

    identity: Identity
    realtalk: DatasetRow | None
    locomo: DatasetRow

    @property
    def pools(self) -> list[Pool]:
        return [row.pool for row in (self.realtalk, self.locomo) if row is not None]


def pairs(runs: list[Run]) -> list[Pair]:
    """Pairs with a LoCoMo row, in order of first appearance; a REALTALK row joins when every other setting
    (model and args, grader, input, memory and its settings, judge prompt, ...) is the same."""
    by_identity: dict[Identity, dict[str, Pool]] = {}
    for pool in pools(runs, MEMORY_PROBING):
        by_identity.setdefault(pool.identity.without(DATASET), {})[dataset_of(pool.identity)] = pool
    found = []
    for identity, datasets in by_identity.items():
        if "locomo" in datasets:
            realtalk = datasets.get("realtalk")
            found.append(
                Pair(
                    identity,
                    None if realtalk is None else dataset_row(realtalk),
                    dataset_row(datasets["locomo"]),
                )
            )
    return found


CATEGORY_ORDER = ("multi_hop", "temporal", "commonsense", SHARED, "single_hop", "adversarial", "all")
METRICS = ("f1", "llm")
COLUMNS = ("realtalk_f1", "locomo_f1", "drop_f1", "realtalk_llm", "locomo_llm", "drop_llm")
EMPTY = Estimate(math.nan, 0, math.nan)


def _estimate(row: DatasetRow | None, metric: str, category: str) -> Estimate:
    if row is None:
        return EMPTY
    return getattr(row, metric).get(category, EMPTY)


def _cells(pair: Pair, category: str) -> dict[str, Estimate]:
    """REALTALK, LoCoMo and drop estimates of both metrics (drops on shared categories only)."""
    cells: dict[str, Estimate] = {}
    shared = category in {r for r, _ in SHARED_CATEGORIES} | {SHARED}
    for metric in METRICS:
        realtalk = _estimate(pair.realtalk, metric, category)
        locomo = _estimate(pair.locomo, metric, category)
        cells[f"realtalk_{metric}"] = realtalk
        cells[f"locomo_{metric}"] = locomo
        cells[f"drop_{metric}"] = drop(locomo, realtalk) if shared else EMPTY
    return cells


def _sources(pair: Pair, category: str) -> list[Source]:
    found = []
    for row in (pair.realtalk, pair.locomo):
        if row is not None and category in row.names:
            found += row.pool.sources(question_ids(row.pool, row.names[category]))
    return found


def gold_ceiling(pool: Pool) -> str:
    """The LoCoMo audit's ceiling for a pool's questions: the share whose gold answer is not flagged wrong, per
    category and overall (what a perfect model scores when flagged questions are judged against wrong gold)."""
    flagged = flagged_gold().questions
    parts = []
    for name in [*DATASET_CATEGORIES["locomo"].values(), "all"]:
        ids = question_ids(pool, None if name == "all" else [name])
        if ids:
            wrong = sum(question in flagged for question in ids)
            parts.append(f"{name.replace('_', '-')} {1 - wrong / len(ids):.3f} ({wrong} of {len(ids)})")
    return ", ".join(parts)


def dataset_section(runs: list[Run]) -> Section | None:
    """The REALTALK-vs-LoCoMo section, or None without a LoCoMo memory_probing run."""
    found = pairs(runs)
    if not found:
        return None
    chosen = set().union(*(pool.chosen for pair in found for pool in pair.pools)) - {DATASET}
    columns = identity_columns([pair.identity for pair in found], chosen, always=(MODEL, GRADER))
    all_columns = setting_names(pair.identity for pair in found)
    rows = []
    trap_lines: list[str] = []
    ceiling_lines: list[str] = []
    for pair in found:
        for category in CATEGORY_ORDER:
            cells = _cells(pair, category)
            shown = [
                cells[column].text(sign="+") if column.startswith("drop") else cells[column].text()
                for column in COLUMNS
            ]
            values: list[object] = list(identity_cells(pair.identity, all_columns))
            values.append(category)
            values += [
                x
                for column in COLUMNS
                for x in (cells[column].mean, cells[column].low, cells[column].high, cells[column].n)
            ]
            rows.append(
                Row(
                    identity_cells(pair.identity, columns) + [TITLES[category], *shown],
                    values,
                    _sources(pair, category),
                )
            )
        label = ", ".join(identity_cells(pair.identity, columns))
        if pair.locomo.trap.n:
            trap_lines.append(f"- {label}: LoCoMo trap rate {pair.locomo.trap.text()}")
        ceiling_lines.append(f"- {label}: {gold_ceiling(pair.locomo.pool)}")
    table = Table(
        columns=columns
        + ["category", "REALTALK F1", "LoCoMo F1", "F1 drop", "REALTALK LLM", "LoCoMo LLM", "LLM drop"],
        rows=rows,
        csv="realtalk_vs_locomo.csv",
        csv_columns=all_columns
        + ["category"]
        + [f"{column}_{part}" for column in COLUMNS for part in ("mean", "ci_low", "ci_high", "n")],
    )
    notes = [
        "Each row compares runs that share every setting but the dataset (model and its args, grader, input, "
        "memory and its settings, judge prompt, ...); the columns name the settings that differ between rows or "
        "that a run chose. Mean ± half-width of the 95% confidence interval over questions (each question's "
        "epochs averaged first); drop = LoCoMo - REALTALK (positive: lower on real chats), on the categories the "
        "datasets share, REALTALK's commonsense against LoCoMo's open-domain. The trap rate is the share of "
        "LoCoMo's adversarial questions answered with the tempting wrong answer."
    ]
    if trap_lines:
        notes.append("\n".join(trap_lines))
    notes.append(
        "LoCoMo's gold-answer ceiling: an independent audit (https://github.com/dial481/locomo-audit) found the "
        "gold answer wrong for 99 of LoCoMo's 1,540 questions of categories 1-4 (adversarial ones were not "
        "audited). A perfect model judged against that gold scores at most the share of questions not flagged, "
        "per category (flagged of asked); `-T exclude_flagged=true` leaves them out (ceiling 1).\n"
        + "\n".join(ceiling_lines)
    )
    return Section("Memory probing: REALTALK (real chats) vs. LoCoMo (LLM-generated chats)", notes, [table])
