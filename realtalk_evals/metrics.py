"""Metric helpers the scorers share: small metrics Inspect does not ship, and the per-speaker layout."""

from __future__ import annotations

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
