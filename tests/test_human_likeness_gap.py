"""The human-likeness gap on hand-made inputs: robust scaling, the leave-one-pair-out human band, equal group
sizes (pairs, never pooled groups) and the distribution term."""

from __future__ import annotations

import random
import statistics

import pytest

from realtalk_evals.reporting.gap import (
    MEAN_DEVIATION_TO_SD,
    Z_CAP,
    Band,
    HumanLikeness,
    Pairs,
    human_likeness,
    metric_distance,
    missing_gap_reason,
    reference_of,
)

METRICS = ("words", "no_capitals", "emoji", "question", "bubbles")


def number(value: float | None) -> float:
    assert value is not None
    return value


def gap_band(result: HumanLikeness) -> Band:
    assert result.gap_band is not None
    return result.gap_band


def real_pairs(seed: int = 0) -> dict[str, list[dict[str, float]]]:
    """Ten pairs of people who differ as REALTALK's do: 18 of 20 never write without capitals, most send no
    emoji, words, questions and bubbles spread out."""
    rng = random.Random(seed)
    pairs: dict[str, list[dict[str, float]]] = {}
    for number in range(1, 11):
        pairs[f"Chat_{number}_A_B"] = [
            {
                "words": rng.gauss(12, 4),
                "no_capitals": 0.0,
                "emoji": rng.choice([0.0, 0.0, 0.0, rng.uniform(0, 0.3)]),
                "question": rng.uniform(0.1, 0.5),
                "bubbles": rng.uniform(1.2, 2.5),
            }
            for _ in range(2)
        ]
    pairs["Chat_9_A_B"][0]["no_capitals"] = 0.15  # the two people who sometimes write all lowercase
    pairs["Chat_10_A_B"][1]["no_capitals"] = 0.05
    return pairs


def test_robust_scale_is_the_mad_or_the_mean_deviation_when_most_people_are_alike() -> None:
    reference = reference_of([1.0, 2.0, 3.0, 4.0, 100.0, None, float("nan")])
    assert reference is not None and reference.median == 3.0
    assert reference.scale == pytest.approx(
        1.4826 * 1.0
    )  # |x - 3| = 2, 1, 0, 1, 97: MAD 1; the outlier ignored
    mostly_zero = reference_of([0.0] * 18 + [0.15, 0.05])  # MAD 0: 18 of 20 alike
    assert mostly_zero is not None and mostly_zero.median == 0.0
    assert mostly_zero.scale == pytest.approx(MEAN_DEVIATION_TO_SD * 0.2 / 20)
    assert reference_of([2.0, 2.0, 2.0]) is None and reference_of([1.0]) is None  # no spread to scale by


def test_z_and_the_distribution_term_are_scaled_and_capped() -> None:
    reference = reference_of([0.0, 1.0, 2.0, 3.0, 4.0])  # median 2, MAD 1
    assert reference is not None
    close = metric_distance([2.0, 3.0], reference)
    assert close is not None and close.group_mean == 2.5
    assert close.z == pytest.approx(0.5 / 1.4826)
    assert close.distribution == pytest.approx(0.9 / 1.4826)  # Wasserstein by hand: 2.5 vs 0..4, shifted
    far = metric_distance([50.0, 60.0], reference)
    assert far is not None and far.z == Z_CAP and far.distribution == Z_CAP
    assert metric_distance([None], reference) is None


def test_every_real_pair_is_scored_against_the_other_nine_and_lies_in_the_band() -> None:
    humans = real_pairs()
    result = human_likeness({"realtalk": humans, "simulated/m": {}}, METRICS)
    assert result.gap_band is not None and result.distribution_band is not None
    gaps = [number(pair.gap) for pair in result.humans.pairs]
    assert [pair.conversation for pair in result.humans.pairs] == list(humans)
    assert result.gap_band.low == min(gaps) and result.gap_band.high == max(gaps)
    assert all(result.gap_band.contains(gap) for gap in gaps)
    assert all(result.distribution_band.contains(pair.distribution) for pair in result.humans.pairs)
    assert result.humans.gap == pytest.approx(statistics.mean(gaps))
    # scored against the other nine: a pair's own values never set its reference
    changed = {**humans, "Chat_1_A_B": [{**s, "words": 500.0} for s in humans["Chat_1_A_B"]]}
    again = human_likeness({"realtalk": changed, "simulated/m": {}}, METRICS)
    assert again.humans.pairs[0].metrics["words"].z == Z_CAP
    assert again.humans.pairs[0].metrics["bubbles"] == result.humans.pairs[0].metrics["bubbles"]


def test_a_model_that_copies_real_people_is_within_the_band_whatever_its_number_of_pairs() -> None:
    humans = real_pairs()
    one = {"Chat_3_A_B": humans["Chat_3_A_B"]}  # a one-pair run copying its real pair exactly
    result = human_likeness({"realtalk": humans, "simulated/one": one, "simulated/all": humans}, METRICS)
    copy_one, copy_all = result.groups
    real_3 = result.humans.pairs[2]
    assert copy_one.gap == real_3.gap and copy_one.distribution == real_3.distribution
    assert result.within(copy_one)
    # all ten pairs copied: the mean of the real pairs' values, not a smaller number because more speakers
    # were pooled (a pooled mean over 20 copied people would sit at the human mean: gap near 0)
    assert copy_all.gap == pytest.approx(result.humans.gap) and result.within(copy_all)
    assert number(copy_all.gap) > gap_band(result).low


def test_a_constant_all_lowercase_model_is_outside_without_one_metric_deciding_it() -> None:
    humans = real_pairs()
    constant = {"words": 4.0, "no_capitals": 1.0, "emoji": 0.0, "question": 0.0, "bubbles": 1.0}
    model = {conversation: [dict(constant), dict(constant)] for conversation in humans}
    result = human_likeness({"realtalk": humans, "simulated/lowercase": model}, METRICS)
    [group] = result.groups
    assert number(group.gap) > gap_band(result).high
    assert not result.within(group)
    shares = {name: number(group.mean_abs_z(name)) / (number(group.gap) * len(METRICS)) for name in METRICS}
    assert shares["no_capitals"] <= 1 / 3 and max(shares.values()) <= 1 / 3
    # without capping, the plain standard deviation would let no_capitals alone decide the gap
    values = [s["no_capitals"] for speakers in humans.values() for s in speakers]
    plain_z = (1.0 - statistics.mean(values)) / statistics.stdev(values)
    assert plain_z > 20
    # and without the lowercase habit, the constant model is still outside: short, no questions, one bubble
    mixed = {conversation: [{**constant, "no_capitals": 0.0}] * 2 for conversation in humans}
    without = human_likeness({"realtalk": humans, "simulated/x": mixed}, METRICS)
    assert not without.within(without.groups[0])


def test_a_model_at_the_human_median_is_outside_too_close_to_be_any_real_pair() -> None:
    humans = real_pairs()
    medians = {name: statistics.median(s[name] for p in humans.values() for s in p) for name in METRICS}
    model = {conversation: [dict(medians), dict(medians)] for conversation in humans}
    result = human_likeness({"realtalk": humans, "simulated/average": model}, METRICS)
    [group] = result.groups
    assert number(group.gap) < gap_band(result).low
    assert not result.within(group)


def test_a_pair_that_simulates_no_real_one_is_scored_against_each_reference_in_turn() -> None:
    humans = real_pairs()
    stranger = {"Chat_1_Caroline_Melanie": humans["Chat_5_A_B"]}  # LoCoMo's ids name no real pair
    [group] = human_likeness({"realtalk": humans, "locomo": stranger}, METRICS).groups
    # the same people under each real pair's name: scored against the other nine, once per reference
    against_each = [
        human_likeness({"realtalk": humans, "simulated/m": {name: humans["Chat_5_A_B"]}}, METRICS)
        .groups[0]
        .pairs[0]
        for name in humans
    ]
    for name in METRICS:
        metric = group.metric(name)
        assert metric is not None
        assert metric.z == pytest.approx(statistics.mean(pair.metrics[name].z for pair in against_each))
        assert metric.distribution == pytest.approx(
            statistics.mean(pair.metrics[name].distribution for pair in against_each)
        )


def test_the_gap_says_why_it_cannot_be_measured() -> None:
    humans: Pairs = real_pairs()
    assert missing_gap_reason({"realtalk": humans}) is not None
    short = {name: humans[name] for name in list(humans)[:2]}
    reason = missing_gap_reason({"realtalk": short, "simulated/m": humans})
    assert reason is not None and "at least 3 pairs (found Chat_1_A_B, Chat_2_A_B)" in reason
    assert "at least 3 pairs (found none)" in str(missing_gap_reason({"simulated/m": humans}))
    with pytest.raises(ValueError, match="at least 3 pairs"):
        human_likeness({"realtalk": short, "simulated/m": humans}, METRICS)
