"""A judge's measured rates from judge_calibration runs: true-accept (sensitivity) and false-accept (1 -
specificity) per judge prompt and category, the accept rate of every candidate kind, with Wilson intervals, and
Cohen's kappa of the judge's acceptances against the known verdicts.

Every interval is Inspect's `ci_wilson` clustered by question (a question's candidates share its gold answer, so
they are not independent); a candidate's epochs are averaged first. Sensitivity is measured on the right
answers (`SENSITIVITY_KINDS`), specificity on the wrong answers a model gives (`SPECIFICITY_KINDS`: a specific
wrong answer, an abstention, a vague answer, LoCoMo's trap); the injection and the hedge are shown by kind.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from realtalk_evals.calibration.candidates import CANDIDATE_KINDS, SENSITIVITY_KINDS, SPECIFICITY_KINDS
from realtalk_evals.judging.correction import Rate, rate, wilson
from realtalk_evals.judging.kappa import judge_kappa
from realtalk_evals.parameters import choices
from realtalk_evals.prompts import MEMORY_JUDGES
from realtalk_evals.reporting.pools import (
    DATASET,
    MODEL,
    Pool,
    identity_cells,
    pool_columns,
    pools,
    setting_names,
)
from realtalk_evals.reporting.runs import Run, score_value
from realtalk_evals.reporting.sections import Row, Section, Table, number_cell
from realtalk_evals.reporting.stats import finite_mean
from realtalk_evals.task_names import JUDGE_CALIBRATION

VERDICT = "judge_verdict"
"""judge_calibration's scorer; its `accepted` value is 1 when the judge accepted the candidate."""

ALL = "all"


@dataclass(frozen=True)
class Judged:
    """One candidate as the judge saw it: its epochs' acceptances averaged."""

    prompt: str
    category: str
    kind: str
    question: str
    """The question it answers (its cluster)."""
    accepted: float
    should_pass: bool
    """The known verdict (a hedge: not full credit)."""


@dataclass(frozen=True)
class Measured:
    """A share with its clustered standard error (for the correction) and its Wilson interval (for display)."""

    rate: Rate
    low: float
    high: float

    def text(self, digits: int = 3) -> str:
        if self.rate.n == 0:
            return "-"
        return (
            f"{self.rate.value:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}] (n={self.rate.n})"
        )


def measured(items: Sequence[Judged], reject: bool = False) -> Measured:
    """The share of `items` accepted (rejected when `reject`), clustered by question."""
    values = [1.0 - item.accepted if reject else item.accepted for item in items]
    clusters = [item.question for item in items]
    low, high = wilson(values, clusters)
    return Measured(rate(values, clusters), low, high)


def calibrated_prompts(pool: Pool) -> list[str]:
    """The judge prompts a calibration pool measured (its `judge_prompts`, `released,suite` by default)."""
    return choices(
        "judge_prompts", pool.identity.get("judge_prompts") or "released,suite", tuple(MEMORY_JUDGES)
    )


def judged(pool: Pool) -> list[Judged]:
    """Every candidate of a calibration pool that the judge gave a readable verdict on."""
    found = []
    for epochs in pool.questions.values():
        accepted = finite_mean(score_value(sample, VERDICT, "accepted") for sample in epochs)
        if math.isnan(accepted):
            continue
        meta = epochs[0].metadata
        question = f"{meta['conversation_id']}-{meta.get('question_index', meta.get('question'))}"
        found.append(
            Judged(
                str(meta["judge_prompt"]),
                str(meta["category_name"]),
                str(meta["kind"]),
                question,
                accepted,
                bool(meta["should_pass"]),
            )
        )
    return found


@dataclass
class JudgeRates:
    """A judge's rates for one judge prompt, per category and overall (`all`)."""

    sensitivity: dict[str, Measured]
    specificity: dict[str, Measured]
    kinds: dict[str, dict[str, Measured]]
    """Category -> kind -> accept rate."""
    kappa: dict[str, float]
    """Cohen's kappa of the acceptances (a candidate accepted on at least half its epochs) against the known
    verdicts, over every candidate kind; NaN where undefined."""


def judge_rates(items: Iterable[Judged], prompt: str) -> JudgeRates:
    by_category: dict[str, list[Judged]] = defaultdict(list)
    for item in items:
        if item.prompt == prompt:
            by_category[item.category].append(item)
            by_category[ALL].append(item)
    rates = JudgeRates({}, {}, {}, {})
    for category, chosen in by_category.items():
        rates.sensitivity[category] = measured([i for i in chosen if i.kind in SENSITIVITY_KINDS])
        rates.specificity[category] = measured(
            [i for i in chosen if i.kind in SPECIFICITY_KINDS], reject=True
        )
        rates.kinds[category] = {
            kind: measured([i for i in chosen if i.kind == kind])
            for kind in CANDIDATE_KINDS
            if any(i.kind == kind for i in chosen)
        }
        rates.kappa[category] = judge_kappa(
            [int(i.should_pass) for i in chosen], [int(i.accepted >= 0.5) for i in chosen]
        )
    return rates


def calibration_pools(runs: list[Run]) -> list[Pool]:
    return pools(runs, JUDGE_CALIBRATION)


def _false_accept(specificity: Measured) -> Measured:
    """1 - specificity, as the table shows it."""
    value = specificity.rate
    return Measured(
        Rate(1.0 - value.value, value.stderr, value.n, value.clusters),
        1.0 - specificity.high,
        1.0 - specificity.low,
    )


def calibration_section(runs: list[Run]) -> Section | None:
    """Per calibration pool, judge prompt and category: sensitivity, false-accept rate and each kind's accept rate."""
    found = calibration_pools(runs)
    if not found:
        return None
    columns = pool_columns(found, always=(MODEL, DATASET))
    all_columns = setting_names(pool.identity for pool in found)
    kinds = list(CANDIDATE_KINDS)
    rows = []
    for pool in found:
        items = judged(pool)
        for prompt in calibrated_prompts(pool):
            rates = judge_rates(items, prompt)
            categories = sorted(c for c in rates.sensitivity if c != ALL) + [ALL]
            for category in categories:
                shown = [rates.sensitivity[category], _false_accept(rates.specificity[category])]
                shown += [rates.kinds[category].get(kind, measured([])) for kind in kinds]
                values: list[object] = [*identity_cells(pool.identity, all_columns), prompt, category]
                values += [x for m in shown for x in (m.rate.value, m.low, m.high, m.rate.n)]
                values.append(rates.kappa[category])
                rows.append(
                    Row(
                        identity_cells(pool.identity, columns)
                        + [prompt, category]
                        + [m.text() for m in shown]
                        + [number_cell(rates.kappa[category])],
                        values,
                        pool.sources(),
                    )
                )
    names = ["sensitivity", "false_accept", *kinds]
    table = Table(
        columns=columns
        + ["judge prompt", "category", "true accept (sensitivity)", "false accept"]
        + kinds
        + ["kappa"],
        rows=rows,
        csv="judge_calibration.csv",
        csv_columns=all_columns
        + ["judge_prompt", "category"]
        + [f"{name}_{part}" for name in names for part in ("mean", "ci_low", "ci_high", "n")]
        + ["kappa"],
    )
    return Section(
        "Judge calibration",
        [
            "The judge under test (the run's model) on candidate answers whose verdict is known: the share it "
            "accepts (a score of at least 0.5; a hedge only with full credit) with the 95% Wilson interval, "
            "clustered by question (Inspect's `ci_wilson`), and n candidates. True accept: the gold answer, plain "
            "and padded. False accept: the wrong answers a model gives (another question's answer, an "
            "abstention, a vague answer, LoCoMo's trap), the rates the correction below uses; the injection "
            "and the hedge are shown by kind only. Kappa: Cohen's kappa of its acceptances against the known "
            "verdicts, over every candidate (`-` where undefined). Candidates with an unreadable verdict are "
            "judge failures (the runs table), left out of the rates."
        ],
        [table],
    )
