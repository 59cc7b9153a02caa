"""The human-likeness gap section of `realtalk analysis`: Markdown tables, CSV files and a plot.

Written when the analysed logs include simulated conversations (`ei_analysis -T dataset=<path>`), saying why
when the gap cannot be measured (REALTALK's labels missing or too few pairs), and for LoCoMo alone when its
gap can be measured. The numbers come from realtalk_evals.reporting.gap.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from realtalk_evals.data.simulated import SIMULATED_PREFIX
from realtalk_evals.ei import SPEAKER_METRICS, SpeakerEI
from realtalk_evals.persona.style import STYLE_STATISTICS, message_style, style_means
from realtalk_evals.reporting.ei_columns import TITLES, cell, dataset_title
from realtalk_evals.reporting.ei_logs import DatasetLabels
from realtalk_evals.reporting.gap import (
    HUMANS,
    Z_CAP,
    Band,
    GroupGap,
    HumanLikeness,
    Pairs,
    Speaker,
    human_likeness,
    missing_gap_reason,
    reference_of,
)
from realtalk_evals.reporting.plots import save_figure
from realtalk_evals.reporting.sections import Figure, Row, Section, Source, Table, number_cell

logger = logging.getLogger(__name__)

TITLE = "Human-likeness gap"

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
    return any(name.startswith(SIMULATED_PREFIX) for name in labels)


def _metric_title(name: str) -> str:
    return STYLE_TITLES.get(name) or TITLES[name]


def speaker_pairs(data: DatasetLabels, speaker_ei: Mapping[str, Mapping[str, SpeakerEI]]) -> Pairs:
    """Conversation -> one mapping per speaker: the eleven EI numbers and the five style means."""
    styles: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    for message in data.messages.values():
        key = (message.conversation_id, str(message.labels["speaker"]))
        styles[key].append(message_style(message.text, bubbles=message.bubbles))
    pairs: dict[str, list[Speaker]] = {}
    for conversation_id, speakers in speaker_ei.items():
        pairs[conversation_id] = []
        for speaker, values in speakers.items():
            means = style_means(styles.get((conversation_id, speaker), []))
            pairs[conversation_id].append(
                {**values, **{f"style_{name}": means[name] for name in STYLE_STATISTICS}}
            )
    return pairs


def human_values(humans: Pairs, name: str) -> list[float | None]:
    return [speaker.get(name) for speakers in humans.values() for speaker in speakers]


def missing_reason(name: str, result: HumanLikeness, humans: Pairs) -> str | None:
    """Why a metric has no z-score in any compared group (shown in its empty column); None when one has."""
    values = [v for v in human_values(humans, name) if v is not None]
    if len(values) < 2:
        return "fewer than 2 REALTALK speakers measured"
    if reference_of(values) is None:
        return "all REALTALK speakers alike: no spread"
    if not any(group.metric(name) for group in result.groups):
        return "no compared group measured"
    return None


def _band_text(band: Band | None) -> str:
    return "-" if band is None else f"{band.low:.2f}-{band.high:.2f} (median {band.median:.2f})"


def _draw_band(
    axis: Axes, groups: Sequence[GroupGap], band: Band | None, values: Sequence[float | None]
) -> None:
    """Bars of one number per group over the real pairs' range (shaded) and median (dashed)."""
    if band is not None:
        axis.axhspan(band.low, band.high, color="grey", alpha=0.3, zorder=3, label="real pairs' range")
        axis.axhline(band.median, color="black", linestyle="--", linewidth=1, zorder=3)
    colours = ["grey"] + [f"C{i}" for i in range(len(groups) - 1)]
    bars = axis.bar(range(len(groups)), [v or 0.0 for v in values], color=colours, edgecolor="black")
    axis.bar_label(bars, labels=[number_cell(v, 2) for v in values])
    axis.set_xticks(range(len(groups)), [dataset_title(g.group) for g in groups], rotation=40, ha="right")


def plot_gap(result: HumanLikeness, humans: Pairs, path: Path) -> Path:
    """Per metric, each real pair's z against the other pairs (grey) and each group's mean z; beside, the gap
    and the distribution term of each group over the real pairs' band. A metric without z-scores keeps its
    column, with the reason written in it."""
    figure, (left, middle, right) = plt.subplots(
        1, 3, figsize=(18, 6.5), gridspec_kw={"width_ratios": [4, 1, 1]}
    )
    names = list(GAP_METRICS)
    labelled = False
    for index, name in enumerate(names):
        reason = missing_reason(name, result, humans)
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
        zs = [pair.metrics[name].z for pair in result.humans.pairs if name in pair.metrics]
        left.scatter(
            [index] * len(zs), zs, s=14, color="grey", alpha=0.5, label=None if labelled else "REALTALK pair"
        )
        labelled = True
    for offset, group in enumerate(result.groups):
        measured = [(i, m.z) for i, n in enumerate(names) if (m := group.metric(n)) is not None]
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
    for bound in (-Z_CAP, Z_CAP):
        left.axhline(bound, color="grey", linewidth=0.5, linestyle="--")
    left.set_xticks(range(len(names)), [_metric_title(n) for n in names], rotation=40, ha="right")
    left.set_ylabel(f"robust z against the other real pairs (clipped at ±{Z_CAP:g})")
    left.legend(fontsize=8)
    left.set_title("Where each pair's mean falls among real people")
    groups = [result.humans, *result.groups]
    _draw_band(middle, groups, result.gap_band, [g.gap for g in groups])
    middle.set_ylabel("gap: mean |z| over metrics, mean over pairs")
    middle.set_title("Gap")
    _draw_band(right, groups, result.distribution_band, [g.distribution for g in groups])
    right.set_ylabel("mean scaled Wasserstein distance")
    right.set_title("Distribution")
    right.legend(fontsize=8)
    figure.tight_layout()
    return save_figure(figure, path, dpi=110)


def missing_section(reason: str) -> Section:
    """The section when no gap can be measured: the reason, also logged (printed by the command)."""
    logger.warning("no human-likeness gap: %s", reason)
    return Section(TITLE, [f"No gap: {reason}."])


def _per_metric_rows(result: HumanLikeness, humans: Pairs, everyone: list[Source]) -> list[Row]:
    rows = []
    for name in GAP_METRICS:
        reason = missing_reason(name, result, humans)
        reference = reference_of(human_values(humans, name))
        if reference is None:
            rows.append(Row([_metric_title(name), f"- ({reason})", "-"] + ["-"] * len(result.groups)))
            continue
        shown = f"{cell(name, reference.median)} [{cell(name, reference.scale)}]"
        cells = [_metric_title(name), shown, number_cell(result.humans.mean_abs_z(name), 2)]
        for group in result.groups:
            metric = group.metric(name)
            cells.append(
                "-"
                if metric is None
                else f"{cell(name, metric.group_mean)} (z {metric.z:+.2f}, |z| "
                f"{number_cell(group.mean_abs_z(name), 2)}, W {metric.distribution:.2f})"
            )
        rows.append(Row(cells, sources=everyone))
    return rows


def gap_section(
    labels: Mapping[str, DatasetLabels],
    speaker_ei: Mapping[str, Mapping[str, Mapping[str, SpeakerEI]]],
) -> Section | None:
    """The section: the groups against the human band, the per-metric table, the CSV files and the plot.

    Simulated conversations always get the section (with the reason when no gap can be measured); LoCoMo
    alone gets it only when its gap can be measured. None: nothing to compare.
    """
    groups = {name: speaker_pairs(data, speaker_ei[name]) for name, data in labels.items()}
    groups = {HUMANS: groups.get(HUMANS, {}), **groups}  # REALTALK first
    reason = missing_gap_reason(groups)
    if reason is not None:
        return missing_section(reason) if has_simulations(labels) else None
    result = human_likeness(groups, GAP_METRICS)
    humans = groups[HUMANS]
    everyone = [s for data in labels.values() for s in data.sources()]
    summary = []
    for group in [result.humans, *result.groups]:
        within = "reference" if group is result.humans else ("yes" if result.within(group) else "no")
        summary.append(
            Row(
                [
                    dataset_title(group.group),
                    str(len(group.pairs)),
                    str(group.speakers),
                    number_cell(group.gap, 2),
                    _band_text(result.gap_band),
                    number_cell(group.distribution, 2),
                    _band_text(result.distribution_band),
                    within,
                ],
                [group.group, len(group.pairs), group.speakers, group.gap, group.distribution, within],
                labels[group.group].sources(),
            )
        )
    pair_rows = []
    metric_rows = []
    real_pairs = {pair.conversation: pair for pair in result.humans.pairs}
    for group in [result.humans, *result.groups]:
        for pair in group.pairs:
            real = real_pairs.get(pair.conversation)
            pair_rows.append(
                Row(
                    [
                        dataset_title(group.group),
                        pair.conversation,
                        number_cell(pair.gap, 2),
                        number_cell(pair.distribution, 2),
                        number_cell(real.gap if real else None, 2),
                        number_cell(real.distribution if real else None, 2),
                    ],
                    [group.group, pair.conversation, pair.gap, pair.distribution]
                    + [real.gap if real else None, real.distribution if real else None],
                    labels[group.group].sources(pair.conversation),
                )
            )
            for name, metric in pair.metrics.items():
                values: list[object] = [group.group, pair.conversation, name, metric.group_mean]
                values += [metric.z, metric.distribution]
                metric_rows.append(
                    Row([str(v) for v in values], values, labels[group.group].sources(pair.conversation))
                )
    return Section(
        TITLE,
        [
            "Each pair of speakers (a conversation's two people) against the other real pairs (nine when "
            "all ten are labelled): a real pair against the others (the human band is the range of these "
            "values), a simulated pair against the real pairs other than the one it simulates, a LoCoMo "
            "pair against each such set in turn (averaged). Per metric, z = (the pair's mean - the reference median) / a robust spread "
            f"(1.4826 x MAD, or 1.2533 x the mean absolute deviation when MAD is 0), clipped at ±{Z_CAP:g}; "
            "W = the Wasserstein distance between the pair's and the reference's values in the same unit. "
            "Gap = mean |z| over the metrics, distribution = mean W, each averaged over the group's pairs. "
            "A group is within the human range only if both lie inside the real pairs' range (the band is "
            "for one pair; a group's value is the mean of its pairs'). Intimacy progression in 1e-3.",
        ],
        [
            Table(
                [
                    "group",
                    "pairs",
                    "speakers",
                    "gap (mean |z|)",
                    "real pairs' gap",
                    "distribution (mean W)",
                    "real pairs' distribution",
                    "within the human range",
                ],
                summary,
                csv="human_likeness_gap.csv",
                csv_columns=["group", "pairs", "speakers", "gap", "distribution", "within_human_range"],
            ),
            Table(
                [
                    "group",
                    "conversation",
                    "gap",
                    "distribution",
                    "real pair's gap",
                    "real pair's distribution",
                ],
                pair_rows,
                csv="human_likeness_pairs.csv",
                csv_columns=["group", "conversation", "gap", "distribution", "real_gap", "real_distribution"],
                title="Per pair (a simulated pair beside its real pair, against the same real pairs)",
            ),
            Table(
                ["metric", "REALTALK median [spread]", "real pairs' mean |z|"]
                + [dataset_title(g.group) for g in result.groups],
                _per_metric_rows(result, humans, everyone),
                title="Per metric (a group's mean over its speakers; z signed and W averaged over its pairs)",
            ),
            Table(
                ["group", "conversation", "metric", "pair_mean", "z", "distribution"],
                metric_rows,
                csv="human_likeness_metrics.csv",
                shown=False,
            ),
        ],
        [Figure("human_likeness_gap.png", "human-likeness gap", lambda path: plot_gap(result, humans, path))],
    )
