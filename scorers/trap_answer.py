"""How often a model falls for LoCoMo's adversarial questions: the `trap_rate` of category 5.

An adversarial question asks about something the conversation does not say, with a tempting wrong answer (the
trap) taken from elsewhere in it. F1 and the judge say whether the model declined; this says whether it took
the bait, which separates "gave the trap" from "said something else".
"""

from __future__ import annotations

import math

from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.memory.locomo_protocol import gives_trap_answer, scored_prediction
from realtalk_evals.metrics import short_metric


@short_metric
def trap_rate() -> Metric:
    """Share of adversarial questions answered with the trap (other questions are unscored, NaN)."""

    def compute(scores: list[SampleScore]) -> float:
        values = [s.score.as_float() for s in scores if not math.isnan(s.score.as_float())]
        return sum(values) / len(values) if values else math.nan

    return compute


@scorer(metrics=[trap_rate()])
def trap_answer() -> Scorer:
    """1 when an adversarial question's prediction gives the trap answer, 0 when not; NaN on other questions."""

    async def score(state: TaskState, target: Target) -> Score:
        prediction = scored_prediction(state.output.completion, state.metadata)
        trap = state.metadata.get("adversarial_answer")
        if trap is None:
            return Score(value=math.nan, answer=prediction, explanation="not an adversarial question")
        took = gives_trap_answer(prediction, trap)
        return Score(
            value=1.0 if took else 0.0,
            answer=prediction,
            explanation=f"{'gave' if took else 'did not give'} the trap answer: {trap}",
        )

    return score
