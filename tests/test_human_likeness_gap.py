"""The human-likeness gap on known inputs."""

from __future__ import annotations

import pytest

from realtalk_evals.reporting.gap import human_likeness_gaps, metric_gap, position_in


def test_gap_of_known_groups() -> None:
    humans: list[dict[str, float | None]] = [
        {"a": 1.0, "b": 10.0},
        {"a": 2.0, "b": 20.0},
        {"a": 3.0, "b": 30.0},
    ]  # mean 2, 20; sd 1, 10
    model: list[dict[str, float | None]] = [
        {"a": 4.0, "b": 20.0},
        {"a": 4.0, "b": None},
    ]  # mean a = 4 (z 2), b = 20 (z 0)
    locomo: list[dict[str, float | None]] = [{"a": 1.0, "b": 5.0}]  # z -1 and -1.5
    realtalk, simulated, generated = human_likeness_gaps(
        {"simulated/m": model, "realtalk": humans, "locomo": locomo}, ["a", "b"]
    )
    assert realtalk.group == "realtalk" and realtalk.gap == 0.0 and realtalk.speakers == 3
    assert simulated.group == "simulated/m" and simulated.speakers == 2
    a, b = simulated.metrics["a"], simulated.metrics["b"]
    assert (a.group_mean, a.human_mean, a.human_sd, a.difference, a.z, a.position) == (
        4.0,
        2.0,
        1.0,
        2.0,
        2.0,
        1.0,
    )
    assert (b.difference, b.z, b.position) == (0.0, 0.0, 0.5)  # the missing value is left out, not zero
    assert simulated.gap == pytest.approx(1.0)  # (|2| + |0|) / 2
    assert generated.metrics["a"].z == -1.0 and generated.metrics["b"].z == pytest.approx(-1.5)
    assert generated.gap == pytest.approx(1.25)
    assert generated.metrics["a"].position == pytest.approx(0.5 / 3)  # tied with the lowest human


def test_metrics_without_spread_or_values_are_left_out_of_the_gap() -> None:
    assert metric_gap([1.0], [2.0]) is None  # one human: no spread to measure against
    flat = metric_gap([3.0], [2.0, 2.0])
    assert flat is not None and flat.z is None and flat.difference == 1.0 and flat.position == 1.0
    unmeasured = metric_gap([None, float("nan")], [1.0, 3.0])
    assert unmeasured is not None and unmeasured.group_mean is None and unmeasured.z is None
    [_, group] = human_likeness_gaps({"realtalk": [{"a": 1.0}, {"a": 1.0}], "x": [{"a": 5.0}]}, ["a"])
    assert group.gap is None
    assert position_in(2.0, [1.0, 2.0, 3.0, 4.0]) == pytest.approx(1.5 / 4)
