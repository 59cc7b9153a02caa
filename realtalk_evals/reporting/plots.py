"""PNG figures of a report: per-category bars with 95% intervals, persona attributes per model.

A missing value (NaN) gets no bar but an `n/a` mark, never a bar of height 0; error bars stop at the score's
range (a [0, 1] score's interval is drawn within [0, 1]); each bar is labelled with its n.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from realtalk_evals.reporting.stats import Estimate

RANGES: dict[str, tuple[float, float]] = {"empathy": (0.0, 6.0)}
"""Value range of a persona column; every other column (and memory score) lies in [0, 1]."""


MARKERS = "osD^vP*Xh<>p"


def distinct_styles(count: int) -> list[tuple[str, str]]:
    """(marker, colour) for `count` series, no two alike: markers and colours change together, and after every
    marker has had every colour of the cycle's ten the pairs shift, so a legend tells each series apart."""
    return [
        (MARKERS[index % len(MARKERS)], f"C{(index + index // len(MARKERS)) % 10}") for index in range(count)
    ]


def save_figure(figure: Figure, path: Path, dpi: int = 120) -> Path:
    """Write the figure as PNG and free it (tests replace this to look at the figure instead)."""
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return path


def clipped_errors(
    means: Sequence[float], spreads: Sequence[float], low: float = 0.0, high: float = 1.0
) -> list[list[float]]:
    """Matplotlib's asymmetric `yerr` ([below], [above]) of mean ± spread, cut at [low, high]; 0 where NaN."""
    below, above = [], []
    for mean, spread in zip(means, spreads, strict=True):
        if math.isnan(mean) or math.isnan(spread):
            below.append(0.0)
            above.append(0.0)
            continue
        below.append(max(0.0, min(spread, mean - low)))
        above.append(max(0.0, min(spread, high - mean)))
    return [below, above]


def _bars(
    axis: Axes,
    positions: Sequence[float],
    means: Sequence[float],
    spreads: Sequence[float],
    counts: Sequence[int],
    value_range: tuple[float, float],
    **style: object,
) -> None:
    """Bars with clipped error bars, `n=` above each and `n/a` where the value is missing."""
    axis.bar(positions, means, yerr=clipped_errors(means, spreads, *value_range), capsize=3, **style)  # type: ignore[arg-type]
    top = value_range[1]
    for position, mean, spread, n in zip(positions, means, spreads, counts, strict=True):
        if math.isnan(mean):
            axis.text(position, 0.02 * top, "n/a", ha="center", va="bottom", fontsize=8, color="dimgrey")
            continue
        label_y = min(mean + (0.0 if math.isnan(spread) else spread), top) + 0.01 * top
        axis.text(position, label_y, f"n={n}", ha="center", va="bottom", fontsize=6)


def plot_memory(
    labels: Sequence[str],
    f1: Sequence[Mapping[str, Estimate]],
    llm: Sequence[Mapping[str, Estimate]],
    categories: Sequence[str],
    path: Path,
) -> Path:
    """Two panels (partial-match F1, LLM accuracy): one bar group per category, one bar per row."""
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5 + 0.22 * len(labels)), sharey=True)
    width = 0.8 / max(len(labels), 1)
    for axis, (title, rows) in zip(axes, (("Partial-match F1", f1), ("LLM accuracy", llm)), strict=True):
        for index, (name, estimates_by_category) in enumerate(zip(labels, rows, strict=True)):
            estimates = [estimates_by_category[category] for category in categories]
            positions = [c + (index - (len(labels) - 1) / 2) * width for c in range(len(categories))]
            _bars(
                axis,
                positions,
                [e.mean if e.n else math.nan for e in estimates],
                [e.half_width for e in estimates],
                [e.n for e in estimates],
                (0.0, 1.0),
                width=width,
                label=name,
                color=f"C{index}",
            )
        axis.set_xticks(range(len(categories)), [c.replace("_", "-") for c in categories])
        axis.set_title(title)
        axis.set_ylim(0, 1.08)
        axis.set_xlim(-0.5, len(categories) - 0.5)
    axes[0].set_ylabel("score (95% interval, cut at 0 and 1; n = questions)")
    handles, names = axes[0].get_legend_handles_labels()
    figure.legend(handles, names, fontsize=8, loc="lower center", ncol=1)  # one a line: labels are long
    figure.suptitle("REALTALK memory probing")
    legend_height = (0.22 * len(labels) + 0.2) / figure.get_figheight()
    figure.tight_layout(rect=(0, legend_height, 1, 1))
    return save_figure(figure, path)


def plot_persona(
    labels: Sequence[str],
    summaries: Sequence[Mapping[str, tuple[float, float]]],
    counts: Sequence[Mapping[str, int]],
    lower_is_better: Sequence[str],
    path: Path,
) -> Path:
    """One panel per table-2 attribute (the keys of `summaries`' mappings): per row the mean across speakers
    with the speakers' std as error bar; `counts` are the speakers measured."""
    columns = list(summaries[0]) if summaries else []
    figure, axes = plt.subplots(2, 4, figsize=(14, 6))
    for axis, column in zip(axes.flat, columns, strict=False):
        value_range = RANGES.get(column, (0.0, 1.0))
        _bars(
            axis,
            list(range(len(labels))),
            [summary[column][0] for summary in summaries],
            [summary[column][1] for summary in summaries],
            [count[column] for count in counts],
            value_range,
            color=[f"C{i}" for i in range(len(labels))],
        )
        axis.set_ylim(value_range[0], value_range[1] * 1.1)
        axis.set_xlim(-0.6, len(labels) - 0.4)  # a missing first or last bar keeps its place
        axis.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=7)
        better = "lower" if column in lower_is_better else "higher"
        axis.set_title(f"{column} ({better} is better)", fontsize=9)
    figure.suptitle(
        "REALTALK persona simulation (mean ± std across speakers, cut at the score's range; n = speakers)"
    )
    figure.tight_layout()
    return save_figure(figure, path)
