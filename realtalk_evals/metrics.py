"""Metric helpers the scorers share: small metrics Inspect does not ship, and the per-speaker layout.

Inspect names a metric of an installed package `<package>/<name>` wherever it shows a dict-valued scorer's
metrics (console and viewer: `realtalk_evals/count`); only its own metrics go by their bare names. The suite's
metrics are made with `short_metric`, which registers them as `@metric` does and shows each by its bare name
(`count`). A mean of values some of which are NaN needs no metric of its own: Inspect leaves NaN values out
before any metric sees them (they count as unscored).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import ParamSpec, cast

from inspect_ai.scorer import Metric, MetricProtocol, SampleScore, Value, grouped, metric, stderr
from inspect_ai.util import RegistryInfo, registry_info

from realtalk_evals.inspect_private import registry_add

P = ParamSpec("P")


def short_metric(factory: Callable[P, Metric]) -> Callable[P, Metric]:
    """`@metric`, with the metrics it makes shown by their bare name rather than `realtalk_evals/<name>`.

    Inspect shows a metric under the name in its registry info; each metric made gets its own info, whose name
    is shortened here. The factory is registered under both names: the bare one, by which a log names the
    metric (Inspect makes it again from that name when it recomputes metrics), and `@metric`'s own."""
    registered = metric(factory)
    name = registry_info(registered).name.rsplit("/", 1)[-1]

    @functools.wraps(registered)
    def make(*args: P.args, **kwargs: P.kwargs) -> Metric:
        made = registered(*args, **kwargs)
        registry_info(made).name = name
        return made

    registry_add(make, RegistryInfo(type="metric", name=name, metadata=registry_info(registered).metadata))
    return make


@short_metric
def count() -> Metric:
    """Sum of 0/1 values: how many samples had an event such as a judge failure."""

    def compute(scores: list[SampleScore]) -> float:
        return float(sum(score.score.as_float() for score in scores))

    return compute


@short_metric
def speaker_mean(metric: Metric) -> Metric:
    """The mean over speakers of `metric` per speaker: the paper's table 2 number (its average of speakers)."""
    per_speaker = cast(MetricProtocol, grouped(metric, "speaker", all="groups"))

    def compute(scores: list[SampleScore]) -> Value:
        return cast(Mapping[str, Value], per_speaker(scores))["all"]

    return compute


def speaker_metrics(metric: Metric) -> list[Metric]:
    """The mean over speakers first (the log list's headline), then `metric` per speaker, then stderr."""
    return [speaker_mean(metric), grouped(metric, "speaker", all=False), stderr()]


@short_metric
def clustered_stderr(cluster: str) -> Metric:
    """Inspect's standard error clustered by the sample metadata `cluster` (questions of one conversation are not
    independent); NaN with a single cluster, where it cannot be estimated (Inspect's own gives 0 there)."""
    clustered = cast(MetricProtocol, stderr(cluster=cluster))

    def compute(scores: list[SampleScore]) -> float:
        if len({(score.sample_metadata or {}).get(cluster) for score in scores}) < 2:
            return math.nan
        return cast(float, clustered(scores))

    return compute
