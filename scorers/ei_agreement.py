"""Message-level EI agreement of persona simulation (paper section 6.1, tables 2 and 8, "style" columns).

The simulated and the real message are each assessed in the same dialogue context (the session so far) by
the EI library; agreement is accuracy for reflectiveness, grounding act, sentiment and emotion, and the
absolute difference for intimacy and empathy. An attribute that failed on either side is NaN for that
sample (Inspect counts it as unscored) and adds to that attribute's failure count. A reply written over
several lines (chat bubbles) is assessed as one merged message, like the real one (`merged_text`).
"""

from __future__ import annotations

import math
from typing import Any

from inspect_ai.model import get_model
from inspect_ai.scorer import Metric, Score, Scorer, Target, accuracy, mean, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.ei import EIAttribute, MessageEI, MessageInContext, assess_messages
from realtalk_evals.ei.record import EI_ATTRIBUTES
from realtalk_evals.judging.ask import PAPER_GRADER
from realtalk_evals.local_models.settings import LocalModels
from realtalk_evals.metrics import count, speaker_metrics
from realtalk_evals.persona.samples import merged_text, predicted_message
from realtalk_evals.score_keys import EI_AGREEMENT, diff_key, failures_key

MATCHED: tuple[EIAttribute, ...] = ("reflective", "grounding", "sentiment", "emotion")
"""Categorical attributes, scored 1 when both messages have the same value."""
DIFFERENCED: tuple[EIAttribute, ...] = ("intimacy", "empathy")
"""Continuous attributes, scored by the absolute difference (lower is better)."""


def agreement_values(predicted: MessageEI, real: MessageEI) -> dict[str, float]:
    """Per-attribute agreement (`<attr>` or `<attr>_diff`) and failure counts (`<attr>_failures`, 0-2)."""
    values: dict[str, float] = {}
    for attribute in EI_ATTRIBUTES:
        mine, theirs = getattr(predicted, attribute), getattr(real, attribute)
        missing = mine is None or theirs is None
        if attribute in DIFFERENCED:
            values[diff_key(attribute)] = math.nan if missing else abs(float(mine) - float(theirs))
        else:
            values[attribute] = math.nan if missing else float(mine == theirs)
    for attribute in EI_ATTRIBUTES:
        values[failures_key(attribute)] = float(predicted.failed(attribute) + real.failed(attribute))
    return values


def _metrics() -> dict[str, list[Metric]]:
    metrics: dict[str, list[Metric]] = {name: speaker_metrics(accuracy()) for name in MATCHED}
    metrics |= {diff_key(name): speaker_metrics(mean()) for name in DIFFERENCED}
    metrics |= {failures_key(name): [count()] for name in EI_ATTRIBUTES}
    return metrics


@scorer(metrics=_metrics(), name=EI_AGREEMENT)
def ei_agreement(grader: str | None = None, models: LocalModels | dict[str, Any] | None = None) -> Scorer:
    """Agreement of the simulated message's EI attributes with the real message's.

    Args:
        grader: Judge model for reflectiveness, grounding and empathy (default: the `grader` role, else the
            paper's gpt-4o-mini).
        models: The local models (the classifiers); default `LocalModels.resolve()`.
    """
    settings = LocalModels.of(models).classifiers

    async def score(state: TaskState, target: Target) -> Score:
        model = get_model(grader, role="grader", default=PAPER_GRADER)
        speaker = state.metadata["speaker_name"]
        history = state.metadata["session_history"]
        prediction = merged_text(predicted_message(state.output.completion, speaker))
        predicted, real = await assess_messages(
            [
                MessageInContext(history=history, speaker=speaker, text=prediction),
                MessageInContext(history=history, speaker=speaker, text=merged_text(target.text)),
            ],
            model,
            settings,
        )
        metadata: dict[str, Any] = {
            "grader": str(model),
            "predicted_ei": predicted.model_dump(),
            "real_ei": real.model_dump(),
        }
        return Score(
            value=agreement_values(predicted, real),
            answer=prediction,
            explanation=f"predicted: {predicted.labels_text()}\nreal: {real.labels_text()}",
            metadata=metadata,
        )

    return score
