"""Figures 2/6 (speaker-level EI, REALTALK against LoCoMo) and 3 (persona consistency) as PNG files."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from realtalk_evals.data.records import display_name, parse_conversation_id
from realtalk_evals.ei import SPEAKER_METRICS, PersonaConsistency, SpeakerEI
from realtalk_evals.reporting.ei_columns import SCALE, TITLES, cell, dataset_title, shown


def plot_speaker_level(
    by_dataset: Mapping[str, Sequence[SpeakerEI]],
    path: Path,
    paper: Mapping[str, Sequence[float]] | None = None,
) -> Path:
    """Figure 2/6: one panel per attribute, a box per dataset over its speakers, every speaker as a dot.

    `paper` (attribute -> the paper's table-7 values, in its units) is drawn as crosses beside REALTALK.
    """
    figure, axes = plt.subplots(3, 4, figsize=(15, 10))
    datasets = list(by_dataset)
    jitter = random.Random(0)
    for axis, name in zip(axes.flat, SPEAKER_METRICS, strict=False):
        columns = [
            [v for speaker in by_dataset[d] if (v := shown(name, speaker.get(name))) is not None]
            for d in datasets
        ]
        drawn = [index for index, values in enumerate(columns) if values]
        if drawn:
            boxes = axis.boxplot(
                [columns[i] for i in drawn], positions=drawn, widths=0.5, showfliers=False, patch_artist=True
            )
            for box, index in zip(boxes["boxes"], drawn, strict=True):
                box.set(facecolor=f"C{index}", alpha=0.35)
        for index, values in enumerate(columns):
            xs = [index + jitter.uniform(-0.12, 0.12) for _ in values]
            axis.scatter(xs, values, s=14, color=f"C{index}", edgecolor="black", linewidth=0.4, zorder=3)
        if paper and "realtalk" in datasets and paper.get(name):
            x = datasets.index("realtalk") + 0.36
            axis.scatter([x] * len(paper[name]), paper[name], s=16, marker="x", color="black", zorder=3)
        # n per box: the speakers with this number (a missing one, e.g. a fit that failed, is not drawn)
        ticks = [f"{dataset_title(d)}\nn={len(values)}" for d, values in zip(datasets, columns, strict=True)]
        axis.set_xticks(range(len(datasets)), ticks)
        axis.set_xlim(-0.6, len(datasets) - 0.4)
        axis.set_title(TITLES[name], fontsize=10)
        if name in SCALE:
            axis.axhline(0, color="grey", linewidth=0.6)
    last = axes.flat[-1]
    last.axis("off")
    counts = ", ".join(f"{dataset_title(d)}: {len(by_dataset[d])} speakers" for d in datasets)
    crosses = "\nCrosses: the paper's table 7 (REALTALK)." if paper else ""
    last.text(
        0,
        0.5,
        f"One dot per speaker and conversation.\n{counts}\nBoxes: quartiles, whiskers 1.5 IQR.{crosses}",
    )
    figure.suptitle("Speaker-level EI: REALTALK against LoCoMo (paper figures 2 and 6)")
    return _save(figure, path)


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
    return _save(figure, path)


def _save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _pair(conversation_id: str) -> str:
    """`Chat_1_Emi_Elise` -> `Emi-Elise`."""
    parsed = parse_conversation_id(conversation_id)
    return conversation_id if parsed is None else parsed[1].replace("_", "-")
