"""Metric helpers the scorers share: small metrics Inspect does not ship, and the per-speaker layout."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import cast

from inspect_ai.scorer import Metric, MetricProtocol, SampleScore, Value, grouped, metric, stderr


@metric
def count() -> Metric:
    """Sum of 0/1 values: how many samples had an event such as a judge failure."""

    def compute(scores: list[SampleScore]) -> float:
        return float(sum(score.score.as_float() for score in scores))

    return compute


@metric
def speaker_mean(metric: Metric) -> Metric:
    """The mean over speakers of `metric` per speaker: the paper's table 2 number (its average of speakers)."""
    per_speaker = cast(MetricProtocol, grouped(metric, "speaker", all="groups"))

    def compute(scores: list[SampleScore]) -> Value:
        return cast(Mapping[str, Value], per_speaker(scores))["all"]

    return compute


def speaker_metrics(metric: Metric) -> list[Metric]:
    """The mean over speakers first (the log list's headline), then `metric` per speaker, then stderr."""
    return [speaker_mean(metric), grouped(metric, "speaker", all=False), stderr()]


@metric
def clustered_stderr(cluster: str) -> Metric:
    """Inspect's standard error clustered by the sample metadata `cluster` (questions of one conversation are not
    independent); NaN with a single cluster, where it cannot be estimated (Inspect's own gives 0 there)."""
    clustered = cast(MetricProtocol, stderr(cluster=cluster))

    def compute(scores: list[SampleScore]) -> float:
        if len({(score.sample_metadata or {}).get(cluster) for score in scores}) < 2:
            return math.nan
        return cast(float, clustered(scores))

    return compute


@metric
def nan_mean() -> Metric:
    """Mean of the values that are numbers: a sample with nothing to measure (NaN) is left out, not zeroed."""

    def compute(scores: list[SampleScore]) -> float:
        values = [score.score.as_float() for score in scores]
        kept = [value for value in values if not math.isnan(value)]
        return sum(kept) / len(kept) if kept else math.nan

    return compute
