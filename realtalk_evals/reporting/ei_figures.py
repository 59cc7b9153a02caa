"""Figures 2/6 (speaker-level EI, REALTALK against LoCoMo) and 3 (persona consistency) as PNG files."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from realtalk_evals.data.records import display_name, parse_conversation_id
from realtalk_evals.ei import SPEAKER_METRICS, PersonaConsistency, SpeakerEI
from realtalk_evals.reporting.ei_columns import SCALE, TITLES, cell, dataset_title, shown
from realtalk_evals.reporting.plots import save_figure


def wrapped(title: str, width: int = 13) -> str:
    """A tick label on lines of at most about `width` characters, broken at spaces and after slashes and
    hyphens (a model name such as `sim. openai/gpt-4o-mini` must not run into its neighbour's label)."""
    pieces = re.findall(r" ?[^ /-]*[/-]?", title)
    lines = [""]
    for piece in filter(None, pieces):
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines.append(piece.lstrip())
        else:
            lines[-1] += piece
    return "\n".join(lines)


def _order(datasets: Iterable[str]) -> list[str]:
    return sorted(datasets, key=lambda d: (d != "realtalk", d != "locomo"))


@dataclass
class _Column:
    """One position of a figure-6 panel: a dataset's speakers, or the paper's table 7."""

    title: str
    values: list[float]
    colour: str
    paper: bool = False


def _columns(
    by_dataset: Mapping[str, Sequence[SpeakerEI]], name: str, paper: Mapping[str, Sequence[float]] | None
) -> list[_Column]:
    """REALTALK first, the paper's values beside it, then LoCoMo, then the others (simulated chats)."""
    order = _order(by_dataset)
    columns = []
    for index, dataset in enumerate(order):
        values = [v for speaker in by_dataset[dataset] if (v := shown(name, speaker.get(name))) is not None]
        columns.append(_Column(dataset_title(dataset), values, f"C{index}"))
        if dataset == "realtalk" and paper is not None:
            columns.append(_Column("table 7 (paper)", list(paper.get(name, [])), "black", paper=True))
    return columns


def plot_speaker_level(
    by_dataset: Mapping[str, Sequence[SpeakerEI]],
    path: Path,
    paper: Mapping[str, Sequence[float]] | None = None,
) -> Path:
    """Figure 2/6: one panel per attribute, a box per dataset over its speakers, every speaker as a dot.

    `paper` (attribute -> the paper's table-7 values, in its units) is a position of its own beside REALTALK:
    an unfilled box with its values as crosses, so it never covers the measured boxes. With more positions
    the panels widen (about an inch a position, fewer a row) so that no tick label runs into the next.
    """
    positions = len(by_dataset) + (1 if paper is not None else 0)
    per_row = 4 if positions <= 4 else 3 if positions <= 6 else 2
    panel = max(4.0, 1.0 * positions)
    figure, axes = plt.subplots(12 // per_row, per_row, figsize=(per_row * panel, 12 // per_row * 3.6 + 0.4))
    jitter = random.Random(0)
    for axis, name in zip(axes.flat, SPEAKER_METRICS, strict=False):
        columns = _columns(by_dataset, name, paper)
        drawn = [index for index, column in enumerate(columns) if column.values]
        if drawn:
            boxes = axis.boxplot(
                [columns[i].values for i in drawn],
                positions=drawn,
                widths=0.5,
                showfliers=False,
                patch_artist=True,
            )
            for box, index in zip(boxes["boxes"], drawn, strict=True):
                column = columns[index]
                box.set(
                    facecolor="none" if column.paper else column.colour, alpha=1 if column.paper else 0.35
                )
        else:
            axis.text(
                0.5, 0.5, "no speaker has this value", ha="center", va="center", transform=axis.transAxes
            )
        for index, column in enumerate(columns):
            xs = [index + jitter.uniform(-0.12, 0.12) for _ in column.values]
            style = (
                {"marker": "x", "color": "black", "linewidth": 0.8}
                if column.paper
                else {
                    "color": column.colour,
                    "edgecolor": "black",
                    "linewidth": 0.4,
                }
            )
            axis.scatter(xs, column.values, s=14, zorder=3, **style)  # type: ignore[arg-type]
        # n per box: the speakers with this number (a missing one, e.g. a fit that failed, is not drawn)
        ticks = [f"{wrapped(column.title)}\nn={len(column.values)}" for column in columns]
        axis.set_xticks(range(len(columns)), ticks, fontsize=8)
        axis.set_xlim(-0.6, len(columns) - 0.4)
        axis.set_title(TITLES[name], fontsize=10)
        if name in SCALE:
            axis.axhline(0, color="grey", linewidth=0.6)
    last = axes.flat[-1]
    last.axis("off")
    order = _order(by_dataset)
    counts = "\n".join(f"{dataset_title(d)}: {len(by_dataset[d])} speakers" for d in order)
    crosses = "\nCrosses in an unfilled box: the paper's table 7 (REALTALK)." if paper else ""
    last.text(
        0,
        0.5,
        f"One dot per speaker and conversation.\n{counts}\nBoxes: quartiles, whiskers 1.5 IQR.{crosses}",
        fontsize=9,
        wrap=True,
    )
    figure.suptitle("Speaker-level EI: REALTALK against LoCoMo (paper figures 2 and 6)")
    figure.tight_layout()
    return save_figure(figure, path, dpi=110)


def plot_persona_consistency(rows: Sequence[PersonaConsistency], path: Path) -> Path:
    """Figure 3: |difference| per person (rows) and attribute (columns) between the person's two chats.

    One colour scale for every cell (0 to the largest difference, in table 7's units: intimacy progression in
    1e-3), with its colour bar; a missing difference is a grey cell marked `-`.
    """
    values = np.array(
        [
            [
                np.nan if (value := shown(name, row.differences.get(name))) is None else value
                for name in SPEAKER_METRICS
            ]
            for row in rows
        ],
        float,
    )
    peak = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    peak = peak if peak > 0 else 1.0
    figure, axis = plt.subplots(figsize=(15, 0.55 * len(rows) + 3.0))
    axis.set_facecolor("lightgrey")  # missing cells
    image = axis.imshow(np.ma.masked_invalid(values), cmap="Reds", vmin=0, vmax=peak, aspect="auto")
    figure.colorbar(image, ax=axis, label="|difference|", fraction=0.03)
    for index, row in enumerate(rows):
        for column, name in enumerate(SPEAKER_METRICS):
            dark = values[index, column] > 0.6 * peak
            text = cell(name, row.differences.get(name))
            axis.text(
                column, index, text, ha="center", va="center", fontsize=8, color="white" if dark else "black"
            )
    axis.set_xticks(
        range(len(SPEAKER_METRICS)), [TITLES[n] for n in SPEAKER_METRICS], rotation=30, ha="right"
    )
    labels = [
        f"{display_name(row.person)} ({_pair(row.conversations[0])} / {_pair(row.conversations[1])})"
        for row in rows
    ]
    axis.set_yticks(range(len(rows)), labels)
    axis.set_title(
        "Persona consistency: |difference| of speaker-level EI across a person's two conversations\n"
        "(one colour scale for all cells; intimacy progression in 1e-3; grey: missing)"
    )
    figure.tight_layout()
    return save_figure(figure, path, dpi=110)


def _pair(conversation_id: str) -> str:
    """`Chat_1_Emi_Elise` -> `Emi-Elise`."""
    parsed = parse_conversation_id(conversation_id)
    return conversation_id if parsed is None else parsed[1].replace("_", "-")
