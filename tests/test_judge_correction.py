"""The judge correction (Rogan-Gladen with a delta-method interval), as pure functions on synthetic data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import t as student_t

from realtalk_evals.judging.correction import Rate, half_width, rate, rogan_gladen

TRUTH = 0.6
SENSITIVITY = 0.9
SPECIFICITY = 0.7


def simulated_run(seed: int) -> tuple[Rate, Rate, Rate]:
    """A memory run of 728 questions in 10 conversations judged by a judge of known rates, and a calibration of
    that judge on 300 right and 600 wrong candidates (2 right and 3 wrong per question)."""
    rng = np.random.default_rng(seed)
    conversations = np.arange(728) % 10
    right = rng.random(728) < TRUTH
    accepted = np.where(right, rng.random(728) < SENSITIVITY, rng.random(728) < 1 - SPECIFICITY)
    right_items = (rng.random(300) < SENSITIVITY).astype(float)
    wrong_items = (rng.random(600) < SPECIFICITY).astype(float)  # 1 = rejected
    return (
        rate(accepted.astype(float).tolist(), conversations.tolist()),
        rate(right_items.tolist(), (np.arange(300) // 2).tolist()),
        rate(wrong_items.tolist(), (np.arange(600) // 3).tolist()),
    )


def test_the_interval_covers_the_truth_in_at_least_90_of_100_simulations() -> None:
    covered = 0
    raw_covered = 0
    for seed in range(100):
        observed, sensitivity, specificity = simulated_run(seed)
        corrected = rogan_gladen(observed, sensitivity, specificity)
        assert corrected.identifiable
        covered += corrected.low <= TRUTH <= corrected.high
        raw_covered += abs(observed.value - TRUTH) <= 1.96 * observed.stderr
    assert covered >= 90
    assert raw_covered <= 20  # the judged rate alone (0.66 expected) misses the truth most of the time


def test_the_estimate_solves_the_judges_equation() -> None:
    observed = Rate(0.66, 0.01, 728, 10)  # 0.6 * 0.9 + 0.4 * 0.3
    corrected = rogan_gladen(observed, Rate(0.9, 0.02, 300, 150), Rate(0.7, 0.02, 600, 200))
    assert corrected.value == pytest.approx(0.6)
    assert not corrected.clipped and corrected.low < 0.6 < corrected.high


def test_a_perfect_judge_leaves_accuracy_and_its_interval_unchanged() -> None:
    observed = rate([float(n % 3 == 0 or n < 8) for n in range(40)], [n // 10 for n in range(40)])
    assert observed.stderr > 0 and 0 < observed.value < 1
    perfect = rate([1.0] * 50)
    corrected = rogan_gladen(observed, perfect, perfect)
    critical = student_t.ppf(
        0.975, 3
    )  # the observed rate's own interval: 4 conversations, 3 degrees of freedom
    assert corrected.value == pytest.approx(observed.value)
    assert corrected.low == pytest.approx(observed.value - critical * observed.stderr)
    assert corrected.high == pytest.approx(observed.value + critical * observed.stderr)


@pytest.mark.parametrize(("sensitivity", "specificity"), [(0.7, 0.3), (0.5, 0.5), (1.0, 0.0)])
def test_an_uninformative_judge_is_not_identifiable(sensitivity: float, specificity: float) -> None:
    """sensitivity = 1 - specificity: the judge accepts right and wrong answers alike."""
    corrected = rogan_gladen(
        Rate(0.7, 0.02, 728, 10), Rate(sensitivity, 0.0, 100, 100), Rate(specificity, 0.0, 100, 100)
    )
    assert not corrected.identifiable and math.isnan(corrected.value)
    assert corrected.text().startswith("not identifiable")


def test_a_judge_not_distinguishable_from_uninformative_is_not_identifiable() -> None:
    """J = 0.05 measured on 20 candidates each: its interval includes 0."""
    corrected = rogan_gladen(
        Rate(0.7, 0.02, 728, 10), rate([1.0] * 11 + [0.0] * 9), rate([1.0] * 10 + [0.0] * 10)
    )
    assert not corrected.identifiable


def test_a_rate_beyond_the_judges_reach_is_clipped_and_says_so() -> None:
    """A judge that accepts 20% of wrong answers cannot have accepted only 10% of all answers."""
    corrected = rogan_gladen(Rate(0.1, 0.01, 728, 10), Rate(0.9, 0.01, 300, 150), Rate(0.8, 0.01, 600, 200))
    assert corrected.clipped and corrected.value == 0.0 and corrected.unclipped < 0
    assert corrected.low == 0.0 and "clipped from -0.143" in corrected.text()


def test_missing_calibration_items_give_no_number() -> None:
    corrected = rogan_gladen(Rate(0.7, 0.02, 728, 10), rate([]), rate([1.0] * 10))
    assert not corrected.identifiable and "no calibration candidates" in corrected.text()


def test_rate_uses_inspects_clustered_standard_error() -> None:
    """Two clusters whose means differ widely: the clustered error is far above the per-value one."""
    values = [1.0] * 10 + [0.0] * 10
    clustered = rate(values, [0] * 10 + [1] * 10)
    plain = rate(values)
    assert clustered.clusters == 2 and plain.clusters == 20
    assert clustered.stderr == pytest.approx(math.sqrt(2 * 5.0**2 * 2) / 20)
    assert plain.stderr == pytest.approx(np.std(values, ddof=1) / math.sqrt(20))
    assert rate(values, [0] * 20).stderr == plain.stderr  # one cluster: per value


def test_half_width_shrinks_with_calibration_size_towards_the_questions_alone() -> None:
    widths = [half_width(0.6, 0.9, 0.7, 728, n, n) for n in (50, 200, 800, math.inf)]
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] == pytest.approx(1.959964 * math.sqrt(0.66 * 0.34 / 728) / 0.6, rel=1e-5)
