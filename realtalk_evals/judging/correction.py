"""Judge-corrected accuracy: the share of right answers with a judge's measured errors taken out.

A judge that accepts a right answer with probability `se` (its sensitivity) and a wrong one with probability
`1 - sp` (`sp`: its specificity) accepts a share `p = θ se + (1 - θ)(1 - sp)` of answers whose true accuracy is
`θ`. Rogan and Gladen (1978) solve this for θ:

    θ = (p + sp - 1) / (se + sp - 1)

with `p` from the memory-probing run and `se`, `sp` from a judge_calibration run of the same judge. The
interval is the delta method's: the three estimates come from independent samples (the run's questions, the
calibration's right and wrong candidates), so

    Var(θ) = [Var(p) + θ² Var(se) + (1 - θ)² Var(sp)] / (se + sp - 1)²

each variance clustered (Inspect's `stderr(cluster=...)`: questions by conversation, calibration candidates by
question), and the critical value is Student's t with Welch-Satterthwaite degrees of freedom (each part's
clusters less one), so 10 conversations are not read as 728 independent questions. The estimate and its bounds
are clipped to [0, 1] (`Corrected.clipped` says when). When `se + sp - 1` (Youden's J) is not above 0 at the
interval's level the judge cannot tell right from wrong answers well enough for θ to be estimated: the result is
"not identifiable", never a number. docs/judge_calibration.md gives the reasons for the delta method and the
interval width as a function of the calibration's size.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from inspect_ai.scorer import SampleScore, Score, ci_wilson, stderr
from scipy.stats import t as student_t

LEVEL = 0.95
"""The confidence level of every interval of the correction."""

CLUSTER = "cluster"


@dataclass(frozen=True)
class Rate:
    """A share estimated from n values, with its standard error and the degrees of freedom behind it."""

    value: float
    stderr: float
    n: int
    clusters: int
    """How many clusters the standard error was computed over (n when every value is its own)."""

    @property
    def variance(self) -> float:
        return self.stderr**2

    @property
    def degrees_of_freedom(self) -> int:
        return max(self.clusters - 1, 1)


def _sample_scores(values: Sequence[float], clusters: Sequence[Hashable]) -> list[SampleScore]:
    """`values` as the SampleScores Inspect's metrics take, each with its cluster id in the metadata."""
    if len(clusters) != len(values):
        raise ValueError(f"{len(values)} values but {len(clusters)} cluster ids")
    shared = {
        value: Score(value=float(value)) for value in set(values)
    }  # one Score per value: building is slow
    return [
        SampleScore.model_construct(score=shared[value], sample_metadata={CLUSTER: cluster})
        for value, cluster in zip(values, clusters, strict=True)
    ]


def _clustered(clusters: Sequence[Hashable] | None) -> bool:
    return clusters is not None and len(set(clusters)) > 1


def rate(values: Sequence[float], clusters: Sequence[Hashable] | None = None) -> Rate:
    """The mean of `values` (shares in [0, 1]) and its standard error: Inspect's clustered `stderr` when
    `clusters` (one id per value) holds two or more ids, else Inspect's per-value `stderr`."""
    if not values:
        return Rate(math.nan, math.nan, 0, 0)
    clustered = _clustered(clusters)
    scores = _sample_scores(values, list(clusters) if clusters is not None else list(range(len(values))))
    metric = stderr(cluster=CLUSTER) if clustered else stderr()
    error = float(metric(scores))  # type: ignore[arg-type]
    count = len(set(clusters)) if clustered and clusters is not None else len(values)
    return Rate(float(sum(values)) / len(values), error, len(values), count)


def wilson(values: Sequence[float], clusters: Sequence[Hashable] | None = None) -> tuple[float, float]:
    """Inspect's Wilson interval (`ci_wilson`, at LEVEL) of the share `values` give: clustered (Korn-Graubard
    effective size, t with clusters - 1 degrees of freedom) when `clusters` holds two or more ids; (NaN, NaN)
    without values."""
    if not values:
        return math.nan, math.nan
    clustered = _clustered(clusters)
    scores = _sample_scores(values, list(clusters) if clusters is not None else list(range(len(values))))
    metric = ci_wilson(level=LEVEL, cluster=CLUSTER if clustered else None)
    bounds = cast(Mapping[str, float], metric(scores))  # type: ignore[arg-type]
    return float(bounds["lower"]), float(bounds["upper"])


@dataclass(frozen=True)
class Corrected:
    """A corrected accuracy with its interval, or the reason it cannot be given."""

    value: float
    """The Rogan-Gladen estimate clipped to [0, 1]; NaN when not identifiable."""
    low: float
    high: float
    unclipped: float
    """The estimate before clipping (outside [0, 1] when the observed rate is beyond what the judge's rates
    allow, e.g. fewer acceptances than its false-accept rate alone gives)."""
    problem: str | None = None
    """Why there is no estimate ("not identifiable: ..."); None when there is one."""

    @property
    def identifiable(self) -> bool:
        return self.problem is None

    @property
    def clipped(self) -> bool:
        return self.identifiable and not 0.0 <= self.unclipped <= 1.0

    def text(self, digits: int = 3) -> str:
        """`0.612 [0.551, 0.673]`, `1.000 (clipped from 1.043) [0.962, 1.000]`, or the problem."""
        if self.problem is not None:
            return self.problem
        clipped = f" (clipped from {self.unclipped:.{digits}f})" if self.clipped else ""
        return f"{self.value:.{digits}f}{clipped} [{self.low:.{digits}f}, {self.high:.{digits}f}]"


def _critical(parts: Sequence[tuple[float, int]], level: float) -> float:
    """Student's t quantile with Welch-Satterthwaite degrees of freedom of a sum of variances, each (variance,
    degrees of freedom); the normal quantile's limit when the sum is 0."""
    total = sum(variance for variance, _ in parts)
    spread = sum(variance**2 / df for variance, df in parts if variance > 0)
    df = total**2 / spread if spread > 0 else math.inf
    return float(student_t.ppf(0.5 + level / 2, df))


def youden(sensitivity: Rate, specificity: Rate) -> tuple[float, float]:
    """Youden's J = se + sp - 1 (0: the judge accepts right and wrong answers alike) and its standard error."""
    return (
        sensitivity.value + specificity.value - 1.0,
        math.sqrt(sensitivity.variance + specificity.variance),
    )


def variance_parts(
    theta: float, observed: Rate, sensitivity: Rate, specificity: Rate
) -> list[tuple[float, int]]:
    """The delta method's three parts of Var(θ), each with its degrees of freedom."""
    j = sensitivity.value + specificity.value - 1.0
    return [
        (observed.variance / j**2, observed.degrees_of_freedom),
        (theta**2 * sensitivity.variance / j**2, sensitivity.degrees_of_freedom),
        ((1.0 - theta) ** 2 * specificity.variance / j**2, specificity.degrees_of_freedom),
    ]


def rogan_gladen(observed: Rate, sensitivity: Rate, specificity: Rate, level: float = LEVEL) -> Corrected:
    """The corrected accuracy of a run whose judge accepted a share `observed` of its answers."""
    if observed.n == 0 or sensitivity.n == 0 or specificity.n == 0:
        missing = "answers" if observed.n == 0 else "calibration candidates"
        return Corrected(math.nan, math.nan, math.nan, math.nan, f"no {missing} to estimate from")
    j, j_error = youden(sensitivity, specificity)
    j_critical = _critical(
        [
            (sensitivity.variance, sensitivity.degrees_of_freedom),
            (specificity.variance, specificity.degrees_of_freedom),
        ],
        level,
    )
    if j - j_critical * j_error <= 0.0:
        return Corrected(
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            f"not identifiable: sensitivity + specificity - 1 = {j:.3f} ± {j_critical * j_error:.3f} is not above 0 "
            "(the judge does not tell right answers from wrong ones)",
        )
    theta = (observed.value + specificity.value - 1.0) / j
    parts = variance_parts(theta, observed, sensitivity, specificity)
    half = _critical(parts, level) * math.sqrt(sum(variance for variance, _ in parts))
    clip = min(max(theta, 0.0), 1.0)
    return Corrected(clip, max(theta - half, 0.0), min(theta + half, 1.0), theta)


def half_width(
    theta: float,
    sensitivity: float,
    specificity: float,
    questions: float,
    right_items: float,
    wrong_items: float,
    level: float = LEVEL,
) -> float:
    """The interval's half-width from the formula, for planning: a judge of these rates, `questions` answers
    (their effective number, after clustering) and a calibration of `right_items` right and `wrong_items` wrong
    candidates (binomial variances; normal critical value)."""
    observed = theta * sensitivity + (1.0 - theta) * (1.0 - specificity)

    def share(value: float, n: float) -> Rate:
        error = math.sqrt(value * (1.0 - value) / n) if math.isfinite(n) else 0.0
        return Rate(value, error, 2, 2)

    parts = variance_parts(
        theta,
        share(observed, questions),
        share(sensitivity, right_items),
        share(specificity, wrong_items),
    )
    return float(student_t.ppf(0.5 + level / 2, math.inf)) * math.sqrt(sum(v for v, _ in parts))
