"""The human-likeness gap section of `realtalk analysis`: a Markdown table, a CSV file and a plot.

Written when the analysed logs include simulated conversations (`ei_analysis -T dataset=<path>`, dataset
`simulated/<model>`); REALTALK's real people are the reference and LoCoMo, when analysed, the second point.
The numbers come from realtalk_evals.reporting.gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from realtalk_evals.data.simulated import SIMULATED_PREFIX
from realtalk_evals.ei import SPEAKER_METRICS, SpeakerEI
from realtalk_evals.persona.style import STYLE_STATISTICS, message_style, style_means
from realtalk_evals.reporting.ei_columns import TITLES, cell, dataset_title
from realtalk_evals.reporting.ei_logs import DatasetLabels
from realtalk_evals.reporting.gap import HUMANS, GroupGap, human_likeness_gaps
from realtalk_evals.reporting.plots import save_figure
from realtalk_evals.reporting.sections import Figure, Row, Section, Table, number_cell

STYLE_TITLES = {
    "style_words": "Words/msg",
    "style_no_capitals": "No capitals",
    "style_emoji": "Emoji/msg",
    "style_question": "Questions",
    "style_bubbles": "Bubbles/turn",
}
GAP_METRICS: tuple[str, ...] = (*SPEAKER_METRICS, *STYLE_TITLES)
"""Table 7's eleven numbers, then the five style means."""


def has_simulations(labels: Mapping[str, DatasetLabels]) -> bool:
    return HUMANS in labels and any(name.startswith(SIMULATED_PREFIX) for name in labels)


def _metric_title(name: str) -> str:
    return STYLE_TITLES.get(name) or TITLES[name]


def speaker_metrics(
    data: DatasetLabels, speaker_ei: Mapping[str, Mapping[str, SpeakerEI]]
) -> list[dict[str, float | None]]:
    """One mapping per speaker and conversation: the eleven EI numbers and the five style means."""
    styles: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    for message in data.messages.values():
        key = (message.conversation_id, str(message.labels["speaker"]))
        styles[key].append(message_style(message.text, bubbles=message.bubbles))
    rows = []
    for conversation_id, speakers in speaker_ei.items():
        for speaker, values in speakers.items():
            means = style_means(styles.get((conversation_id, speaker), []))
            rows.append({**values, **{f"style_{name}": means[name] for name in STYLE_STATISTICS}})
    return rows


def missing_reason(name: str, gaps: Sequence[GroupGap]) -> str | None:
    """Why no group has a z-score for a metric (shown in its empty column); None when some group has one."""
    human = gaps[0].metrics.get(name)
    if human is None:
        return "fewer than 2 REALTALK speakers measured"
    if human.human_sd == 0:
        return "all REALTALK speakers alike (sd 0): no z-score"
    if not any((g := group.metrics.get(name)) and g.z is not None for group in gaps[1:]):
        return "no compared group measured"
    return None


def plot_gap(gaps: Sequence[GroupGap], humans: Sequence[Mapping[str, float | None]], path: Path) -> Path:
    """Per metric, the real speakers' z-scores (grey) and each group's mean z-score; the gaps beside. A metric
    without z-scores keeps its column, with the reason written in it."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(16, 6.5), gridspec_kw={"width_ratios": [4, 1]})
    names = list(GAP_METRICS)
    labelled = False
    for index, name in enumerate(names):
        reason = missing_reason(name, gaps)
        if reason is not None:
            left.text(
                index,
                0,
                reason,
                rotation=90,
                ha="center",
                va="center",
                fontsize=7,
                color="dimgrey",
                bbox={"facecolor": "white", "edgecolor": "none"},
                zorder=4,
            )
            continue
        g = gaps[0].metrics[name]
        zs = [
            (float(v) - g.human_mean) / g.human_sd
            for speaker in humans
            if (v := speaker.get(name)) is not None
        ]
        left.scatter(
            [index] * len(zs),
            zs,
            s=14,
            color="grey",
            alpha=0.5,
            label=None if labelled else "REALTALK speaker",
        )
        labelled = True
    for offset, group in enumerate(gaps[1:]):
        measured = [(i, m.z) for i, n in enumerate(names) if (m := group.metrics.get(n)) and m.z is not None]
        left.scatter(
            [i + 0.08 * (offset + 1) for i, _ in measured],
            [z for _, z in measured],
            s=50,
            marker="D",
            color=f"C{offset}",
            edgecolor="black",
            label=dataset_title(group.group),
            zorder=3,
        )
    left.axhline(0, color="black", linewidth=0.8)
    for bound in (-1, 1):
        left.axhline(bound, color="grey", linewidth=0.5, linestyle="--")
    left.set_xticks(range(len(names)), [_metric_title(n) for n in names], rotation=40, ha="right")
    left.set_ylabel("z-score against REALTALK speakers")
    left.legend(fontsize=8)
    left.set_title("Where each group's mean falls in the human distribution")
    labels = [dataset_title(group.group) for group in gaps]
    heights = [group.gap or 0.0 for group in gaps]
    colours = ["grey"] + [f"C{i}" for i in range(len(gaps) - 1)]
    bars = right.bar(range(len(gaps)), heights, color=colours, edgecolor="black")
    right.bar_label(bars, labels=[number_cell(group.gap, 2) for group in gaps])
    right.set_xticks(range(len(gaps)), labels, rotation=40, ha="right")
    right.set_ylabel("gap: mean |z| over metrics")
    right.set_title("Human-likeness gap")
    figure.tight_layout()
    return save_figure(figure, path, dpi=110)


def gap_section(
    labels: Mapping[str, DatasetLabels],
    speaker_ei: Mapping[str, Mapping[str, Mapping[str, SpeakerEI]]],
) -> Section:
    """The section: the per-metric table, the gaps, their CSV and the plot."""
    speakers = {name: speaker_metrics(data, speaker_ei[name]) for name, data in labels.items()}
    gaps = human_likeness_gaps(speakers, GAP_METRICS)
    others = gaps[1:]
    everyone = [s for data in labels.values() for s in data.sources()]
    rows = []
    csv_rows = []
    for name in GAP_METRICS:
        human = gaps[0].metrics.get(name)
        reason = missing_reason(name, gaps)
        if human is None:
            rows.append(Row([_metric_title(name), f"- ({reason})"] + ["-"] * len(others), sources=everyone))
            continue
        shown = f"{cell(name, human.human_mean)} ± {cell(name, human.human_sd)}"
        cells = [_metric_title(name), shown + (f" ({reason})" if reason else "")]
        for group in others:
            g = group.metrics.get(name)
            if g is None or g.difference is None:
                cells.append("-")
                continue
            cells.append(
                f"{cell(name, g.group_mean)} (z {number_cell(g.z, 2)}, pos. {number_cell(g.position, 2)})"
            )
            values: list[object] = [group.group, name, g.group_mean, human.human_mean, human.human_sd]
            values += [g.difference, g.z, g.position]
            csv_rows.append(Row([str(v) for v in values], values, labels[group.group].sources()))
        rows.append(Row(cells, sources=everyone))
    csv_rows += [
        Row(
            [g.group, "gap"], [g.group, "gap", None, None, None, None, g.gap, None], labels[g.group].sources()
        )
        for g in gaps
    ]
    summary = [
        Row(
            [dataset_title(g.group), str(g.speakers), number_cell(g.gap, 2)],
            sources=labels[g.group].sources(),
        )
        for g in gaps
    ]
    return Section(
        "Human-likeness gap",
        [
            "Each group's mean over its speakers against the REALTALK speakers' distribution: z is the "
            "difference in human standard deviations, pos. the share of real speakers below the group's "
            "mean. Gap = mean |z| over the metrics (0 = the human mean; LoCoMo, LLM-written chats, is the "
            "second reference). Intimacy progression in 1e-3."
        ],
        [
            Table(["metric", "REALTALK mean ± sd"] + [dataset_title(g.group) for g in others], rows),
            Table(["group", "speakers", "gap (mean |z|)"], summary),
            Table(
                ["group", "metric", "group_mean", "human_mean", "human_sd", "difference", "z", "position"],
                csv_rows,
                csv="human_likeness_gap.csv",
                shown=False,
            ),
        ],
        [
            Figure(
                "human_likeness_gap.png",
                "human-likeness gap",
                lambda path: plot_gap(gaps, speakers[HUMANS], path),
            )
        ],
    )
