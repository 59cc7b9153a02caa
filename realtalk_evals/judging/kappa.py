"""Cohen's kappa of a judge's acceptances against known verdicts: judge_calibration's metric and its report."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def cohen_kappa_score(first: Sequence[int], second: Sequence[int]) -> float:
    """Cohen's (1960) kappa of two raters' labels: (p_o - p_e) / (1 - p_e), with p_e from each rater's own label
    shares. A few lines of numpy instead of scikit-learn, whose import alone took 1.5 s of every `inspect` command."""
    a, b = np.asarray(first), np.asarray(second)
    labels = np.union1d(a, b)
    observed = float(np.mean(a == b))
    chance = float(sum(np.mean(a == label) * np.mean(b == label) for label in labels))
    return (observed - chance) / (1 - chance)


def judge_kappa(known: Sequence[int], given: Sequence[int]) -> float:
    """Kappa of the judge's 0/1 acceptances `given` against the `known` verdicts; NaN where it is undefined
    (fewer than two candidates, or both raters using a single label)."""
    if len(known) < 2 or len(set(known) | set(given)) < 2:
        return math.nan
    return float(cohen_kappa_score(known, given))
