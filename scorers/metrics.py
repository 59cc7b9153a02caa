"""Small metrics Inspect does not ship."""

from __future__ import annotations

from inspect_ai.scorer import Metric, SampleScore, metric


@metric
def count() -> Metric:
    """Sum of 0/1 values: how many samples had an event such as a judge failure."""

    def compute(scores: list[SampleScore]) -> float:
        return float(sum(score.score.as_float() for score in scores))

    return compute
