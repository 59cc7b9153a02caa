"""Report bars: a missing value is marked, not drawn as 0; error bars stay in the score's range; n per bar."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from realtalk_evals.reporting.plots import _bars, clipped_errors


def test_error_bars_are_cut_at_the_scores_range() -> None:
    below, above = clipped_errors([0.1, 0.95, 0.5, math.nan], [0.3, 0.2, 0.1, 0.2])
    assert below == pytest.approx([0.1, 0.2, 0.1, 0.0])
    assert above == pytest.approx([0.3, 0.05, 0.1, 0.0])
    assert clipped_errors([1.0], [2.0], 0.0, 6.0) == [[1.0], [2.0]]  # empathy differences lie in [0, 6]


def test_bars_mark_missing_values_and_label_n() -> None:
    figure, axis = plt.subplots()
    _bars(axis, [0, 1, 2], [0.1, math.nan, 0.9], [0.4, math.nan, 0.4], [12, 0, 7], (0.0, 1.0))
    heights = [patch.get_height() for patch in axis.patches if isinstance(patch, Rectangle)]
    assert heights[0] == pytest.approx(0.1) and math.isnan(heights[1]) and heights[2] == pytest.approx(0.9)
    texts = [text.get_text() for text in axis.texts]
    assert texts == ["n=12", "n/a", "n=7"]
    [bars] = [c for c in axis.collections if isinstance(c, LineCollection)]
    ends = [[y for _, y in segment] for segment in bars.get_segments() if len(segment)]
    assert ends == [pytest.approx([0.0, 0.5]), pytest.approx([0.5, 1.0])]  # 0.1 ± 0.4 and 0.9 ± 0.4, cut
    plt.close(figure)
