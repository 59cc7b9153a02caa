"""Metric helpers the scorers share: small metrics Inspect does not ship, and the per-speaker layout."""

from __future__ import annotations

import math

from inspect_ai.scorer import Metric, SampleScore, grouped, metric, stderr


@metric
def count() -> Metric:
    """Sum of 0/1 values: how many samples had an event such as a judge failure."""

    def compute(scores: list[SampleScore]) -> float:
        return float(sum(score.score.as_float() for score in scores))

    return compute


def speaker_metrics(metric: Metric) -> list[Metric]:
    """`metric` per speaker, with `all` the mean of the speakers' values as in the paper's table 2."""
    return [grouped(metric, "speaker", all="groups"), stderr()]


@metric
def nan_mean() -> Metric:
    """Mean of the values that are numbers: a sample with nothing to measure (NaN) is left out, not zeroed."""

    def compute(scores: list[SampleScore]) -> float:
        values = [score.score.as_float() for score in scores]
        kept = [value for value in values if not math.isnan(value)]
        return sum(kept) / len(kept) if kept else math.nan

    return compute
