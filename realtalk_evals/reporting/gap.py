"""The human-likeness gap: how far a group's pairs of speakers (a model's simulated people, LoCoMo's generated
ones) fall from REALTALK's real people, and the range that real pairs themselves span (the human band).

The metrics are the eleven speaker-level EI numbers of table 7 and the means of the five style statistics
(realtalk_evals.persona.style), one value per speaker and conversation. The unit compared is one pair (the two
speakers of a conversation), always against the speakers of nine real pairs:

- a real pair against the other nine (leave-one-pair-out): the human band is the range of these ten values;
- a simulated pair against the nine real pairs other than the one it simulates, so it and its real
  counterpart are scored against the very same people;
- a pair that simulates no real one (LoCoMo) against each nine-pair reference in turn, averaged.

Per metric, against the reference speakers' median and robust spread `scale`:

- z = (the pair's mean - median) / scale, clipped to [-Z_CAP, Z_CAP];
- distribution = Wasserstein-1 distance between the pair's values and the reference's, / scale, capped at Z_CAP.

A pair's gap is the mean |z| over the metrics, its distribution term the mean scaled distance; a group's are
the means over its pairs. Comparing pairs, never pooled groups, keeps a one-pair run comparable with a full
one: a mean over 20 speakers sits closer to the human mean than one over 2, whatever the speakers are like.

The scale is 1.4826 x the median absolute deviation (MAD; the standard deviation for normal data), or, when
more than half of the people share one value (MAD = 0: 18 of REALTALK's 20 speakers never write without
capitals), 1.2533 x the mean absolute deviation from the median (also the standard deviation for normal
data, and above 0 as soon as anyone differs). The cap bounds what one metric can add: beyond 3 robust standard
deviations a value is outside the range of real people, and how much farther says nothing more about
human-likeness; without it, one near-constant metric decides the gap (an all-lowercase model: z = 22 on
no_capitals under the plain standard deviation, most of its gap).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

HUMANS = "realtalk"

Z_CAP = 3.0
"""Largest |z| and scaled distance a metric counts with (3 robust standard deviations: outside every real
person)."""

MAD_TO_SD = 1.4826
"""1 / the normal distribution's 75th percentile: MAD x this is the standard deviation of normal data."""

MEAN_DEVIATION_TO_SD = math.sqrt(math.pi / 2)
"""sqrt(pi/2): the mean absolute deviation x this is the standard deviation of normal data."""

MIN_HUMAN_PAIRS = 3
"""Real pairs needed for a band: each held-out pair is then measured against at least two others."""

Speaker = Mapping[str, float | None]
"""One speaker's metric values (None or NaN when not measured)."""
Pairs = Mapping[str, Sequence[Speaker]]
"""Conversation id -> the speakers of that conversation."""


def _present(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and not math.isnan(float(v))]


def _clip(value: float) -> float:
    return max(-Z_CAP, min(Z_CAP, value))


@dataclass(frozen=True)
class Reference:
    """One metric's reference values, their median and robust spread."""

    values: tuple[float, ...]
    median: float
    scale: float


def reference_of(values: Sequence[float | None]) -> Reference | None:
    """The robust centre and spread of the measured values; None with fewer than two, or all alike."""
    present = _present(values)
    if len(present) < 2:
        return None
    median = statistics.median(present)
    deviations = [abs(v - median) for v in present]
    scale = MAD_TO_SD * statistics.median(deviations)
    if scale == 0:
        scale = MEAN_DEVIATION_TO_SD * statistics.mean(deviations)
    return Reference(tuple(present), median, scale) if scale > 0 else None


@dataclass(frozen=True)
class MetricDistance:
    """One metric of one pair against the reference: the pair's mean, its z and its distribution distance."""

    group_mean: float
    z: float
    distribution: float


def metric_distance(values: Sequence[float | None], reference: Reference) -> MetricDistance | None:
    """None when no speaker of the pair has the metric."""
    present = _present(values)
    if not present:
        return None
    from scipy.stats import wasserstein_distance  # type: ignore[import-untyped]

    mean = statistics.mean(present)
    distance = float(wasserstein_distance(present, reference.values)) / reference.scale
    return MetricDistance(mean, _clip((mean - reference.median) / reference.scale), min(distance, Z_CAP))


@dataclass(frozen=True)
class PairGap:
    """One pair against a reference: per metric, and the mean |z| (`gap`) and mean distance (`distribution`)
    over the metrics it has (None when it has none)."""

    conversation: str
    metrics: dict[str, MetricDistance]

    @property
    def gap(self) -> float | None:
        values = [abs(m.z) for m in self.metrics.values()]
        return statistics.mean(values) if values else None

    @property
    def distribution(self) -> float | None:
        values = [m.distribution for m in self.metrics.values()]
        return statistics.mean(values) if values else None


def pair_gap(
    conversation: str, pair: Sequence[Speaker], reference: Sequence[Speaker], metrics: Sequence[str]
) -> PairGap:
    """The one comparison every pair goes through, real or simulated."""
    found = {}
    for name in metrics:
        scale = reference_of([speaker.get(name) for speaker in reference])
        distance = None if scale is None else metric_distance([s.get(name) for s in pair], scale)
        if distance is not None:
            found[name] = distance
    return PairGap(conversation, found)


def mean_pair_gap(conversation: str, gaps: Sequence[PairGap]) -> PairGap:
    """One pair measured against several references: each metric's numbers averaged over them."""
    metrics = {}
    for name in dict.fromkeys(name for gap in gaps for name in gap.metrics):
        found = [gap.metrics[name] for gap in gaps if name in gap.metrics]
        metrics[name] = MetricDistance(
            statistics.mean(m.group_mean for m in found),
            statistics.mean(m.z for m in found),
            statistics.mean(m.distribution for m in found),
        )
    return PairGap(conversation, metrics)


def others(humans: Pairs, conversation: str) -> list[Speaker]:
    """The speakers of every real pair but `conversation`."""
    return [speaker for name, speakers in humans.items() if name != conversation for speaker in speakers]


def group_pair_gaps(group: Pairs, humans: Pairs, metrics: Sequence[str]) -> list[PairGap]:
    """Each pair of `group` against nine real pairs: those other than its namesake when it has one (a real or
    simulated pair), else each nine in turn, averaged (a LoCoMo pair)."""
    result = []
    for conversation, pair in group.items():
        if conversation in humans:
            result.append(pair_gap(conversation, pair, others(humans, conversation), metrics))
        else:
            held_out = [pair_gap(conversation, pair, others(humans, name), metrics) for name in humans]
            result.append(mean_pair_gap(conversation, held_out))
    return result


@dataclass(frozen=True)
class Band:
    """The range of one number over the real pairs (each against the others)."""

    low: float
    median: float
    high: float

    def contains(self, value: float | None) -> bool:
        return value is not None and self.low <= value <= self.high

    @classmethod
    def of(cls, values: Sequence[float | None]) -> Band | None:
        present = _present(values)
        return cls(min(present), statistics.median(present), max(present)) if present else None


@dataclass(frozen=True)
class GroupGap:
    """A group's pairs against the real people, and its summary: the means over its pairs."""

    group: str
    speakers: int
    pairs: list[PairGap]

    @property
    def gap(self) -> float | None:
        values = _present([pair.gap for pair in self.pairs])
        return statistics.mean(values) if values else None

    @property
    def distribution(self) -> float | None:
        values = _present([pair.distribution for pair in self.pairs])
        return statistics.mean(values) if values else None

    def metric(self, name: str) -> MetricDistance | None:
        """The metric's numbers averaged over the pairs that have it (signed z: the direction)."""
        found = [pair.metrics[name] for pair in self.pairs if name in pair.metrics]
        return mean_pair_gap(self.group, [PairGap(self.group, {name: m}) for m in found]).metrics.get(name)

    def mean_abs_z(self, name: str) -> float | None:
        values = [abs(pair.metrics[name].z) for pair in self.pairs if name in pair.metrics]
        return statistics.mean(values) if values else None


@dataclass(frozen=True)
class HumanLikeness:
    """The real pairs (the band) and every other group, each pair scored the same way."""

    humans: GroupGap
    groups: list[GroupGap]
    gap_band: Band | None
    distribution_band: Band | None

    def within(self, group: GroupGap) -> bool:
        """Inside the human range: both the gap and the distribution term within the real pairs' range."""
        return (
            self.gap_band is not None
            and self.distribution_band is not None
            and self.gap_band.contains(group.gap)
            and self.distribution_band.contains(group.distribution)
        )


def missing_gap_reason(groups: Mapping[str, Pairs]) -> str | None:
    """Why no gap can be measured from these groups; None when it can."""
    humans = groups.get(HUMANS, {})
    if not any(name != HUMANS for name in groups):
        return "no group to compare with REALTALK (no simulated conversation or LoCoMo among the logs)"
    if len(humans) < MIN_HUMAN_PAIRS:
        found = ", ".join(humans) or "none"
        return (
            f"the human band needs REALTALK labels of at least {MIN_HUMAN_PAIRS} pairs (found {found}): label "
            "them with `ei_analysis -T dataset=realtalk` over the sessions the simulation covers, and analyse "
            "its logs together with the simulated conversations'"
        )
    return None


def human_likeness(groups: Mapping[str, Pairs], metrics: Sequence[str]) -> HumanLikeness:
    """The band of the `realtalk` group's pairs and every other group's pair gaps (groups in their order).

    Args:
        groups: Group name -> conversation id -> one mapping per speaker (metric -> value); must hold
            `realtalk`, the real people, with at least MIN_HUMAN_PAIRS pairs (`missing_gap_reason`).
        metrics: The metrics to compare, in order.
    """
    reason = missing_gap_reason(groups)
    if reason is not None:
        raise ValueError(reason)
    humans = groups[HUMANS]

    def scored(name: str, pairs: Pairs) -> GroupGap:
        speakers = sum(len(speakers) for speakers in pairs.values())
        return GroupGap(name, speakers, group_pair_gaps(pairs, humans, metrics))

    real = scored(HUMANS, humans)
    return HumanLikeness(
        real,
        [scored(name, pairs) for name, pairs in groups.items() if name != HUMANS],
        Band.of([pair.gap for pair in real.pairs]),
        Band.of([pair.distribution for pair in real.pairs]),
    )
