"""The human-likeness gap: how far a group of speakers (a model's simulated people, LoCoMo's generated ones)
falls from REALTALK's real people, per metric and in one number.

The metrics are the eleven speaker-level EI numbers of table 7 and the means of the five style statistics
(realtalk_evals.persona.style), one value per speaker and conversation. The human distribution of a metric is the
REALTALK speakers' values. For a group with mean m over its speakers, against the humans' mean mu and
standard deviation sd (n - 1):

- difference: m - mu, in the metric's unit;
- z-score: (m - mu) / sd, the difference in units of the spread between real people;
- position: the share of real speakers whose value is below m (ties count half), 0.5 at the humans' median;
- gap = mean over the metrics of |z| (the metrics with a z-score: measured in the group, and sd > 0).

A gap of 0 is the human mean itself (REALTALK's own row); a gap of 1 means the group's means sit, on average,
one human standard deviation from the real people's. LoCoMo, LLM-written conversations, is the second
reference point: a model's gap below LoCoMo's is closer to real people than that earlier generator.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

HUMANS = "realtalk"


@dataclass(frozen=True)
class MetricGap:
    """One metric of one group against the real people."""

    group_mean: float | None
    human_mean: float
    human_sd: float
    difference: float | None
    z: float | None
    position: float | None


@dataclass(frozen=True)
class GroupGap:
    """A group's metrics and its summary gap (mean |z|; None when no metric has a z-score)."""

    group: str
    speakers: int
    metrics: dict[str, MetricGap]
    gap: float | None


def _present(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and not math.isnan(float(v))]


def position_in(value: float, humans: Sequence[float]) -> float:
    """The share of human values below `value`, ties counted half."""
    below = sum(h < value for h in humans) + 0.5 * sum(h == value for h in humans)
    return below / len(humans)


def metric_gap(group: Sequence[float | None], humans: Sequence[float | None]) -> MetricGap | None:
    """One metric's gap; None when fewer than two humans have a value (no spread to measure against)."""
    human = _present(humans)
    if len(human) < 2:
        return None
    mu, sd = statistics.mean(human), statistics.stdev(human)
    values = _present(group)
    if not values:
        return MetricGap(None, mu, sd, None, None, None)
    m = statistics.mean(values)
    z = (m - mu) / sd if sd > 0 else None
    return MetricGap(m, mu, sd, m - mu, z, position_in(m, human))


def human_likeness_gaps(
    speakers: Mapping[str, Sequence[Mapping[str, float | None]]], metrics: Sequence[str]
) -> list[GroupGap]:
    """Every group's gap against the `realtalk` group (first in the result, gap 0 by construction).

    Args:
        speakers: Group name -> one mapping per speaker (metric -> value, None or NaN when missing); must
            hold `realtalk`, the real people.
        metrics: The metrics to compare, in order.
    """
    humans = speakers[HUMANS]
    order = [HUMANS, *(group for group in speakers if group != HUMANS)]
    result = []
    for group in order:
        gaps: dict[str, MetricGap] = {}
        for name in metrics:
            gap = metric_gap([s.get(name) for s in speakers[group]], [h.get(name) for h in humans])
            if gap is not None:
                gaps[name] = gap
        zs = [abs(g.z) for g in gaps.values() if g.z is not None]
        result.append(GroupGap(group, len(speakers[group]), gaps, sum(zs) / len(zs) if zs else None))
    return result
