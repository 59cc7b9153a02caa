"""Judge-corrected accuracy: each memory_probing run beside a judge_calibration run of the same judge.

A memory run joins a calibration run when the run's grader is the calibration's model under test (the same
model, base URL, model args and generate config), its judge prompt is one the calibration measured, and both
asked the same dataset. The correction (realtalk_evals.judging.correction) takes the share of answers the judge
accepted, per category and overall, and the judge's sensitivity and specificity for that judge prompt: the
category's own where the calibration has at least `MIN_CATEGORY_CANDIDATES` right and wrong candidates of it,
else the prompt's rates over every category. A run judged by a panel or by several votes, or with no matching
calibration, is listed with the reason it is not corrected.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from realtalk_evals.judging.ask import PAPER_GRADER
from realtalk_evals.judging.correction import Corrected, Rate, rate, rogan_gladen
from realtalk_evals.judging.panel import ACCEPT_AT
from realtalk_evals.memory.samples import DATASET_CATEGORIES
from realtalk_evals.reporting.calibration import (
    ALL,
    JudgeRates,
    calibrated_prompts,
    calibration_pools,
    judge_rates,
    judged,
)
from realtalk_evals.reporting.memory import category_estimate, dataset_of, question_ids
from realtalk_evals.reporting.pools import (
    DATASET,
    GRADER,
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
from realtalk_evals.score_keys import LLM_ACCURACY
from realtalk_evals.task_names import MEMORY_PROBING

MIN_CATEGORY_CANDIDATES = 30
"""Right and wrong candidates (each) a category needs for its own rates; fewer: the prompt's overall rates."""

IGNORED_CONFIG = frozenset({"max_connections", "max_retries", "timeout", "attempt_timeout"})
"""Generate settings that do not change a judge's answers, left out when judges are compared."""


def _judge(key: str) -> list[dict[str, object]]:
    """A grader or model key (runs.py) with the settings that do not change answers left out."""
    models = json.loads(key)
    for model in models:
        model["config"] = {k: v for k, v in model["config"].items() if k not in IGNORED_CONFIG}
    return models


def _shown(models: Sequence[dict[str, object]]) -> str:
    parts = []
    for model in models:
        extra: dict[str, object] = {**model["args"], **model["config"]}  # type: ignore[dict-item]
        parts.append(
            str(model["model"]) + (f" {json.dumps(extra, sort_keys=True, default=str)}" if extra else "")
        )
    return ", ".join(parts)


def grader_of(pool: Pool) -> list[dict[str, object]]:
    """The memory pool's judges; the paper's judge when no `grader` role was bound."""
    key = pool.runs[0].grader_key
    if not key:
        return [{"model": PAPER_GRADER, "base_url": None, "args": {}, "config": {}}]
    return _judge(key)


def _same_judge(grader: dict[str, object], judge: dict[str, object]) -> bool:
    """Equal model, args and config, and base URL where both logs name one (Inspect logs the model under test's
    base URL only when it was given; a role's always)."""
    urls = (grader["base_url"], judge["base_url"])
    same_url = None in urls or urls[0] == urls[1]
    return same_url and all(grader[f] == judge[f] for f in ("model", "args", "config"))


def refusal(memory: Pool, calibration: Pool) -> str | None:
    """Why a calibration cannot correct a memory run; None when it can."""
    reasons = []
    if dataset_of(memory.identity) != (calibration.identity.get(DATASET) or "realtalk"):
        reasons.append(
            f"another dataset ({calibration.identity.get(DATASET)}; the run asked {dataset_of(memory.identity)})"
        )
    [grader] = grader_of(memory)
    [judge] = _judge(calibration.runs[0].model_key)
    if not _same_judge(grader, judge):
        reasons.append(f"another judge ({_shown([judge])}; the run's grader is {_shown([grader])})")
    prompt = memory.identity.get("judge_prompt") or "released"
    measured = calibrated_prompts(calibration)
    if prompt not in measured:
        reasons.append(f"not measured judge prompt {prompt!r} (only {', '.join(measured)})")
    return "; ".join(reasons) or None


def unjoinable(memory: Pool) -> str | None:
    """Why no calibration can correct this run whatever it measured; None when one can."""
    graders = grader_of(memory)
    if len(graders) > 1:
        return f"judged by a panel ({_shown(graders)}): the correction is for one judge; calibrate each"
    votes = memory.identity.get("judge_votes")
    if votes not in (None, "1"):
        return f"judged with judge_votes={votes}: judge_calibration measures a single vote"
    return None


def accepted_rate(pool: Pool, ids: Sequence[str]) -> Rate:
    """The share of the questions `ids` whose answer the judge accepted (score at least ACCEPT_AT; epochs
    averaged; unjudged questions left out), clustered by conversation."""
    values, clusters = [], []
    for question in ids:
        epochs = pool.questions[question]
        scores = [score_value(sample, LLM_ACCURACY, LLM_ACCURACY) for sample in epochs]
        share = finite_mean(math.nan if math.isnan(s) else float(s >= ACCEPT_AT) for s in scores)
        if not math.isnan(share):
            values.append(share)
            clusters.append(str(epochs[0].metadata.get("conversation_id")))
    return rate(values, clusters)


@dataclass
class Joined:
    memory: Pool
    calibration: Pool
    prompt: str
    rates: JudgeRates


def _rates_for(rates: JudgeRates, category: str) -> tuple[Rate, Rate, str]:
    """(sensitivity, specificity, where they come from) for a category."""
    sensitivity, specificity = rates.sensitivity.get(category), rates.specificity.get(category)
    if (
        category != ALL
        and sensitivity is not None
        and specificity is not None
        and min(sensitivity.rate.n, specificity.rate.n) >= MIN_CATEGORY_CANDIDATES
    ):
        return sensitivity.rate, specificity.rate, "category"
    overall_sensitivity, overall_specificity = rates.sensitivity.get(ALL), rates.specificity.get(ALL)
    if overall_sensitivity is None or overall_specificity is None:
        return rate([]), rate([]), "-"
    return overall_sensitivity.rate, overall_specificity.rate, "all categories"


def _rate_cell(value: Rate) -> str:
    return "-" if value.n == 0 else f"{value.value:.3f} (n={value.n})"


def _calibration_label(pool: Pool) -> str:
    return ", ".join(
        f"{name}={pool.identity.get(name)}" for name in ("seed", "task version") if pool.identity.get(name)
    )


def corrected_section(runs: list[Run]) -> Section | None:
    """The corrected accuracy of every memory run that a calibration run of its judge can correct, and why the
    others cannot; None without a judge_calibration run."""
    calibrations = calibration_pools(runs)
    memories = pools(runs, MEMORY_PROBING)
    if not calibrations or not memories:
        return None
    joined: list[Joined] = []
    refused: list[str] = []
    columns = pool_columns(memories, always=(MODEL, GRADER, DATASET))
    for memory in memories:
        label = ", ".join(f"{name}={memory.identity.get(name)}" for name in columns)
        reason = unjoinable(memory)
        reasons = [] if reason is None else [reason]
        matches = []
        if reason is None:
            for calibration in calibrations:
                why = refusal(memory, calibration)
                if why is None:
                    matches.append(calibration)
                else:
                    reasons.append(f"calibration {_calibration_label(calibration)} has {why}")
        prompt = memory.identity.get("judge_prompt") or "released"
        joined += [Joined(memory, c, prompt, judge_rates(judged(c), prompt)) for c in matches]
        if not matches:
            refused.append(f"- {label}: " + "; ".join(reasons))
    rows = []
    all_columns = setting_names(j.memory.identity for j in joined)
    for join in joined:
        names = DATASET_CATEGORIES[dataset_of(join.memory.identity)].values()
        for category in [c for c in names if question_ids(join.memory, [c])] + [ALL]:
            ids = question_ids(join.memory, None if category == ALL else [category])
            observed = accepted_rate(join.memory, ids)
            sensitivity, specificity, source = _rates_for(join.rates, category)
            corrected: Corrected = rogan_gladen(observed, sensitivity, specificity)
            raw = category_estimate(
                join.memory, None if category == ALL else [category], LLM_ACCURACY, LLM_ACCURACY
            )
            cells = identity_cells(join.memory.identity, columns) + [
                _calibration_label(join.calibration),
                category,
            ]
            cells += [str(observed.n), raw.text(), number_cell(observed.value), _rate_cell(sensitivity)]
            cells += [_rate_cell(specificity), source, corrected.text()]
            values: list[object] = [
                *identity_cells(join.memory.identity, all_columns),
                _calibration_label(join.calibration),
            ]
            values += [category, observed.n, raw.mean, observed.value, observed.stderr, observed.clusters]
            values += [sensitivity.value, sensitivity.n, specificity.value, specificity.n, source]
            values += [
                corrected.value,
                corrected.low,
                corrected.high,
                corrected.unclipped,
                corrected.problem or "",
            ]
            sources = join.memory.sources(ids) + join.calibration.sources()
            rows.append(Row(cells, values, sources))
    tables = []
    if rows:
        tables.append(
            Table(
                columns=columns
                + ["calibration", "category", "n", "LLM accuracy", "accepted", "sensitivity", "specificity"]
                + ["rates from", "corrected accuracy [95% CI]"],
                rows=rows,
                csv="corrected_accuracy.csv",
                csv_columns=all_columns
                + ["calibration", "category", "questions", "llm_accuracy", "accepted", "accepted_stderr"]
                + [
                    "conversations",
                    "sensitivity",
                    "sensitivity_n",
                    "specificity",
                    "specificity_n",
                    "rates_from",
                ]
                + ["corrected", "corrected_ci_low", "corrected_ci_high", "corrected_unclipped", "problem"],
            )
        )
    notes = [
        "Raw LLM accuracy (table 3's, mean ± 95% half-width over questions) beside the accuracy corrected for "
        "the judge's measured errors (Rogan-Gladen: (accepted + specificity - 1) / (sensitivity + specificity "
        "- 1), clipped to [0, 1] and marked when clipped). Accepted: the share of answers the judge accepted "
        "(a score of at least 0.5), which the correction takes. Sensitivity and specificity come from a "
        "judge_calibration run of the same judge (model, base URL, args, generate config), judge prompt and "
        f"dataset: the category's own with at least {MIN_CATEGORY_CANDIDATES} right and wrong candidates, else "
        "the prompt's over all categories. The 95% interval (delta method) carries the uncertainty of the "
        "questions (clustered by conversation) and of the calibration (clustered by question); "
        "docs/judge_calibration.md explains it. A judge whose sensitivity + specificity - 1 is not above 0 "
        "is not identifiable: no number is given."
    ]
    if refused:
        notes.append("Runs not corrected:\n" + "\n".join(refused))
    if not rows and not refused:
        return None
    return Section("Judge-corrected accuracy (memory probing)", notes, tables)
