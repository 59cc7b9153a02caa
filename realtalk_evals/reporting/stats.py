"""Means with 95% confidence intervals from per-sample values (normal approximation, standard error)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """Mean of n values with the half-width of its 95% interval (mean +/- 1.96 standard errors)."""

    mean: float
    n: int
    half_width: float

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width

    def text(self, digits: int = 3, sign: str = "") -> str:
        """`mean ± half-width`; `mean (n=1)` where one value has no interval; `-` without values. `sign="+"`
        shows a difference's sign."""
        if self.n == 0:
            return "-"
        mean = f"{self.mean:{sign}.{digits}f}"
        return f"{mean} (n=1)" if math.isnan(self.half_width) else f"{mean} ± {self.half_width:.{digits}f}"


def estimate(values: Iterable[float]) -> Estimate:
    """Mean and 95% interval of the finite values (NaN = unscored, left out)."""
    finite = np.array([v for v in values if not math.isnan(v)], dtype=float)
    if finite.size == 0:
        return Estimate(math.nan, 0, math.nan)
    if finite.size == 1:
        return Estimate(float(finite[0]), 1, math.nan)
    stderr = float(finite.std(ddof=1) / math.sqrt(finite.size))
    return Estimate(float(finite.mean()), int(finite.size), Z_95 * stderr)


def finite_mean(values: Iterable[float]) -> float:
    """Mean of the finite values (NaN = unscored or unmeasured, left out); NaN when none is finite."""
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan


def mean_and_std(values: Iterable[float]) -> tuple[float, float]:
    """Mean and (sample) standard deviation across groups, as the paper's table 2 reports speakers."""
    finite = np.array([v for v in values if not math.isnan(v)], dtype=float)
    if finite.size == 0:
        return math.nan, math.nan
    return float(finite.mean()), float(finite.std(ddof=1)) if finite.size > 1 else 0.0
