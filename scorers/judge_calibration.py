"""Scoring a judge against known verdicts: true- and false-accept rates and Cohen's kappa, per judge prompt."""

from __future__ import annotations

import math
from collections.abc import Sequence

from inspect_ai.scorer import (
    Metric,
    SampleScore,
    Score,
    Scorer,
    Target,
    ci_wilson,
    grouped,
    mean,
    scorer,
)
from inspect_ai.solver import TaskState

from realtalk_evals.calibration.candidates import CANDIDATE_KINDS, accepted
from realtalk_evals.judging.ask import parse_unit_score
from realtalk_evals.judging.kappa import judge_kappa
from realtalk_evals.metrics import count, short_metric


@short_metric
def cohen_kappa() -> Metric:
    """Cohen's kappa between the judge's acceptances and the known verdicts."""

    def compute(scores: list[SampleScore]) -> float:
        known = [int(bool((s.score.metadata or {}).get("should_pass"))) for s in scores]
        given = [int(s.score.as_float()) for s in scores]
        return judge_kappa(known, given)

    return compute


ACCURACY = "accuracy"
"""Value key: 1 when the judge's verdict is the known one (an unreadable reply is not); its mean over every
candidate and prompt is the task's headline."""


@scorer(
    metrics={  # overall numbers first: the task's headline, then the rest
        ACCURACY: [mean(), grouped(mean(), "judge_prompt", all=False)],
        "kappa_*": [cohen_kappa(), grouped(cohen_kappa(), "category_name", all=False)],
        "false_accept_*": [mean(), ci_wilson(), grouped(mean(), "category_name", all=False)],
        "true_accept_*": [mean(), ci_wilson(), grouped(mean(), "category_name", all=False)],
        "accepted": [grouped(mean(), "kind", all=False)],
        "judge_failure": [count()],
    }
)
def judge_verdict(judge_prompts: Sequence[str]) -> Scorer:
    """The judge's verdict on a candidate against the known one; an unreadable reply is a counted failure.

    `accuracy`: the share of candidates given the known verdict, overall and per judge prompt. Per judge prompt
    P: `true_accept_P` (share of should-pass candidates accepted), `false_accept_P` (share of should-fail
    candidates accepted), each overall with Inspect's Wilson 95% interval (`lower`, `upper`; per candidate, not
    clustered) and per category, and `kappa_P`; `accepted` by candidate kind. `realtalk report` gives every rate
    per category and kind with intervals clustered by question.
    """

    async def score(state: TaskState, target: Target) -> Score:
        kind = str(state.metadata["kind"])
        should_pass = bool(state.metadata["should_pass"])
        verdict = parse_unit_score(state.output.completion)
        taken = math.nan if verdict is None else float(accepted(kind, verdict))
        value = {
            ACCURACY: float(verdict is not None and taken == should_pass),
            "judge_failure": float(verdict is None),
            "accepted": taken,
        }
        for prompt in judge_prompts:
            mine = prompt == state.metadata["judge_prompt"]
            value[f"true_accept_{prompt}"] = taken if mine and should_pass else math.nan
            value[f"false_accept_{prompt}"] = taken if mine and not should_pass else math.nan
            value[f"kappa_{prompt}"] = taken if mine else math.nan
        expected = {"accept": "accept", "reject": "reject", "no_full_credit": "less than full credit"}
        outcome = "unreadable" if verdict is None else ("accepted" if taken else "rejected")
        explanation = (
            f"candidate ({kind}): {state.metadata['candidate']!r}\n"
            f"gold: {state.metadata['gold']}\n"
            f"expected: {expected[CANDIDATE_KINDS[kind]]}; judge score: {verdict}; {outcome}"
        )
        return Score(
            value=value,
            answer=state.output.completion,
            explanation=explanation,
            metadata={"should_pass": should_pass, "kind": kind},
        )

    return score
