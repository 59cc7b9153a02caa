"""`realtalk analysis`: table 7, figures 2/6 and 3 of the paper from `ei_analysis` logs.

Writes into the output directory: `ei_analysis.md` (also printed), `table7.csv` (REALTALK pairs, one row per
conversation with P1 and P2 columns), `speaker_level.csv` (every dataset's speakers, the data of figure 2/6),
`persona_consistency.csv`, `figure6_speaker_level.png` and `figure3_persona_consistency.png`. CSV files hold
raw values; the Markdown shows intimacy progression in 1e-3 like the paper's table 7. With simulated
conversations or LoCoMo among the logs, also the human-likeness gap against the real pairs' band
(`human_likeness_gap.csv`, `human_likeness_pairs.csv`, `human_likeness_metrics.csv` and `.png`, gap_report),
or the reason it cannot be measured.
"""

from __future__ import annotations

import logging
import math
import statistics
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from realtalk_evals.data.records import display_name
from realtalk_evals.dataset_analysis.samples import DatasetName, ei_dataset, load_dataset
from realtalk_evals.ei import (
    EI_ATTRIBUTES,
    SPEAKER_METRICS,
    PersonaConsistency,
    SpeakerEI,
    persona_consistency,
)
from realtalk_evals.ei.speaker_level import IntimacyX
from realtalk_evals.paper import PAPER_TABLE_7, PAPER_TABLE_8_CONSISTENCY
from realtalk_evals.reporting.ei_columns import SCALE, TITLES, cell, shown, shown_text
from realtalk_evals.reporting.ei_figures import dataset_title, plot_persona_consistency, plot_speaker_level
from realtalk_evals.reporting.ei_logs import DatasetLabels, load_labels
from realtalk_evals.reporting.gap_report import gap_section
from realtalk_evals.reporting.report import left_out_section
from realtalk_evals.reporting.sections import Figure, Row, Section, Source, Table, mean_std_cell
from realtalk_evals.reporting.site import write_site
from realtalk_evals.reporting.writer import Report, write_report
from realtalk_evals.task_names import EI_ANALYSIS

logger = logging.getLogger(__name__)

TITLE = "REALTALK speaker-level EI analysis"


def partial_conversations(data: DatasetLabels) -> list[str]:
    """`<conversation> (<labelled> of <all> messages)` for every conversation the logs did not label whole."""
    ids = data.conversation_ids()
    dataset = cast(DatasetName, data.dataset)
    chosen = [c for c in load_dataset(dataset) if c.id in ids]
    full = Counter(
        str((s.metadata or {})["conversation_id"]) for s in ei_dataset(chosen, dataset, data.merge)
    )
    labelled = Counter(m.conversation_id for m in data.messages.values())
    return [f"{c} ({labelled[c]} of {full[c]} messages)" for c in ids if labelled[c] < full[c]]


def _partial_warning(data: DatasetLabels) -> str | None:
    """The warning `--with-paper` gives when the paper's full-chat numbers sit beside a partial run's."""
    partial = partial_conversations(data)
    if not partial:
        return None
    text = (
        "**Warning: partial run.** The paper's values are over whole chats, but these conversations were "
        f"labelled only in part: {', '.join(partial)}. Their numbers are not comparable with the paper's."
    )
    logger.warning(text.replace("**", ""))
    return text


def runs_section(labels: dict[str, DatasetLabels]) -> Section:
    columns = ["dataset", "judge", "messages merged", "logs", "conversations", "messages", "unscored samples"]
    columns += [f"{attribute} failures" for attribute in EI_ATTRIBUTES]
    rows = []
    for data in labels.values():
        failures = data.failures()
        rows.append(
            Row(
                [
                    dataset_title(data.dataset),
                    ", ".join(sorted(data.judges)),
                    "yes" if data.merge else "no",
                    str(len(data.logs)),
                    str(len(data.conversation_ids())),
                    str(len(data.messages)),
                    str(data.unscored),
                ]
                + [str(failures[attribute]) for attribute in EI_ATTRIBUTES],
                sources=[Source(log) for log in data.logs],
            )
        )
    note = (
        "Labelled messages per dataset. A failed label (judge or classifier) is left out of the numbers that "
        "use it; a conversation or session missing from the logs is missing from the numbers."
    )
    return Section("Runs", [note], [Table(columns, rows)])


def table_7_section(
    data: DatasetLabels, speaker_ei: dict[str, dict[str, SpeakerEI]], with_paper: bool
) -> Section:
    counts = data.message_counts()
    columns = ["P1", "P2", "n P1", "n P2"] + [
        f"{TITLES[n]} {p}" for n in SPEAKER_METRICS for p in ("P1", "P2")
    ]
    rows = []
    for conversation_id in data.conversation_ids():
        first, second = data.speakers(conversation_id)
        measured = [speaker_ei[conversation_id].get(speaker, {}) for speaker in (first, second)]
        n = [counts.get((conversation_id, speaker), 0) for speaker in (first, second)]
        label = [display_name(first), display_name(second)]
        rows.append(
            Row(
                label
                + [str(x) for x in n]
                + [cell(name, side.get(name)) for name in SPEAKER_METRICS for side in measured],
                [conversation_id, *label, *n]
                + [side.get(name) for name in SPEAKER_METRICS for side in measured],
                data.sources(conversation_id),
            )
        )
        paper = PAPER_TABLE_7.get(conversation_id)
        if with_paper and paper:
            printed = [shown_text(name, value) for name in SPEAKER_METRICS for value in paper[name]]
            rows.append(Row(["paper", "", "", ""] + printed, reference=True))
    warning = _partial_warning(data) if with_paper else None
    notes = [warning] if warning else []
    notes.append(
        "P1 and P2 are the conversation's speaker_1 and speaker_2; n is the number of labelled messages. "
        "Intimacy progression is in units of 1e-3 (slope of the mean intimacy per session, the "
        "classifier's raw regression value, and b of a*e^(b*x), x = 1..n over the sessions the speaker "
        "wrote in, as the released code), as in the paper's table; `-` is missing (no data, or an "
        "exponential fit that did not converge)."
        + (
            " `paper` rows are the paper's table 7 (it has no rows for Chat_2 and Chat_6)."
            if with_paper
            else ""
        )
    )
    csv_columns = ["conversation_id", "speaker_1", "speaker_2", "messages_1", "messages_2"]
    csv_columns += [f"{name}_{side}" for name in SPEAKER_METRICS for side in ("1", "2")]
    return Section(
        "Table 7: speaker-level EI of REALTALK",
        notes,
        [Table(columns, rows, csv="table7.csv", csv_columns=csv_columns)],
    )


SpeakerRow = tuple[str, str, int, SpeakerEI]
"""(conversation, speaker, labelled messages, speaker-level EI)."""


def _speaker_rows(
    labels: dict[str, DatasetLabels], speaker_ei: dict[str, dict[str, dict[str, SpeakerEI]]]
) -> dict[str, list[SpeakerRow]]:
    """Dataset -> every speaker's row."""
    result = {}
    for dataset, data in labels.items():
        counts = data.message_counts()
        result[dataset] = [
            (conversation_id, speaker, counts.get((conversation_id, speaker), 0), values)
            for conversation_id, speakers in speaker_ei[dataset].items()
            for speaker, values in speakers.items()
        ]
    return result


def _summary(values: Iterable[float | None]) -> str:
    present = [value for value in values if value is not None]
    if not present:
        return "-"
    spread = statistics.stdev(present) if len(present) > 1 else math.nan
    return f"{mean_std_cell(statistics.mean(present), spread)} ({len(present)})"


def figure_6_section(
    labels: dict[str, DatasetLabels], speakers: dict[str, list[SpeakerRow]], with_paper: bool
) -> Section:
    datasets = list(speakers)
    summary = Table(
        ["attribute"] + [dataset_title(d) for d in datasets],
        [
            Row(
                [TITLES[name]]
                + [_summary(shown(name, row[3].get(name)) for row in speakers[d]) for d in datasets],
                sources=[s for d in datasets for s in labels[d].sources()],
            )
            for name in SPEAKER_METRICS
        ],
    )
    per_speaker = Table(
        ["dataset", "conversation_id", "speaker", "messages", *SPEAKER_METRICS],
        [
            Row(
                [dataset, conversation_id, speaker, str(n)]
                + [str(values.get(name)) for name in SPEAKER_METRICS],
                [dataset, conversation_id, speaker, n] + [values.get(name) for name in SPEAKER_METRICS],
                labels[dataset].sources(conversation_id),
            )
            for dataset, rows in speakers.items()
            for conversation_id, speaker, n, values in rows
        ],
        csv="speaker_level.csv",
        shown=False,
    )
    paper = {name: [v for row in PAPER_TABLE_7.values() for v in row[name]] for name in SPEAKER_METRICS}
    by_dataset = {d: [row[3] for row in speakers[d]] for d in datasets}
    return Section(
        "Figures 2 and 6: speaker-level EI, REALTALK against LoCoMo",
        [
            "Mean ± standard deviation across speakers (number of speakers); intimacy progression in 1e-3."
            + (
                " The figure draws the paper's table 7 values as crosses beside REALTALK."
                if with_paper
                else ""
            )
        ],
        [summary, per_speaker],
        [
            Figure(
                "figure6_speaker_level.png",
                "speaker-level EI",
                lambda path: plot_speaker_level(by_dataset, path, paper if with_paper else None),
            )
        ],
    )


def figure_3_section(rows: list[PersonaConsistency], data: DatasetLabels, with_paper: bool) -> Section:
    title = "Figure 3: persona consistency"
    if not rows:
        return Section(title, ["No person appears in two analysed REALTALK conversations."])
    columns = ["person", "conversations", "Table 8 consistency"]
    columns += ["Table 8 (paper)"] if with_paper else []
    columns += [TITLES[name] for name in SPEAKER_METRICS]
    table = []
    for row in rows:
        paper = PAPER_TABLE_8_CONSISTENCY.get(row.person.casefold())
        table.append(
            Row(
                [display_name(row.person), " / ".join(row.conversations)]
                + [shown_text("table8", row.mean_difference(SCALE))]
                + ([shown_text("table8", paper)] if with_paper else [])
                + [cell(name, row.differences.get(name)) for name in SPEAKER_METRICS],
                [display_name(row.person), *row.conversations, row.mean_difference(SCALE)]
                + [row.differences.get(n) for n in SPEAKER_METRICS],
                [s for conversation in row.conversations for s in data.sources(conversation)],
            )
        )
    return Section(
        title,
        [
            "Absolute difference of each speaker-level number between the two REALTALK conversations of a person. "
            "`Table 8 consistency` is the paper's per-speaker persona consistency (appendix E.2: the absolute "
            "difference of a speaker's EI across two conversations), read as the mean of these differences in "
            "table 7's units (intimacy progression in 1e-3); the CSV keeps the same number and raw differences."
            + (" `Table 8 (paper)` is the paper's value." if with_paper else "")
        ],
        [
            Table(
                columns,
                table,
                csv="persona_consistency.csv",
                csv_columns=[
                    "person",
                    "conversation_1",
                    "conversation_2",
                    "table8_consistency",
                    *SPEAKER_METRICS,
                ],
            )
        ],
        [
            Figure(
                "figure3_persona_consistency.png",
                "persona consistency",
                lambda path: plot_persona_consistency(rows, path),
            )
        ],
    )


def analysis_sections(
    labels: dict[str, DatasetLabels], with_paper: bool = False, intimacy_x: IntimacyX = "position"
) -> list[Section]:
    """Every section of the analysis of `labels`, in order."""
    # Conversation -> speaker -> numbers, per dataset: computed once, read by table 7 and figures 2/6 and 3.
    speaker_ei = {dataset: data.speaker_ei(intimacy_x) for dataset, data in labels.items()}
    sections = [runs_section(labels)]
    realtalk = labels.get("realtalk")
    if realtalk is not None:
        sections.append(table_7_section(realtalk, speaker_ei["realtalk"], with_paper))
    sections.append(figure_6_section(labels, _speaker_rows(labels, speaker_ei), with_paper))
    if realtalk is not None:
        consistency = persona_consistency(speaker_ei["realtalk"])
        sections.append(figure_3_section(consistency, realtalk, with_paper))
    else:
        sections.append(figure_3_section([], DatasetLabels("realtalk", True), with_paper))
    gap = gap_section(labels, speaker_ei)
    if gap is not None:
        sections.append(gap)
    return sections


def build_analysis(
    paths: Iterable[str | Path],
    out: Path,
    with_paper: bool = False,
    intimacy_x: IntimacyX = "position",
    html: Path | None = None,
) -> Report:
    """Read the `ei_analysis` logs under `paths`; write the tables and figures into `out` (and as an HTML
    site into `html`, with the log viewer).

    `intimacy_x="session"` fits intimacy progression against session numbers instead of the released code's
    1..n over the speaker's sessions. When no complete run is left, the report lists those left out and
    carries an `error`.
    """
    found = load_labels(paths)
    sections = analysis_sections(found.datasets, with_paper, intimacy_x) if found.datasets else []
    if found.left_out:
        sections.insert(1 if sections else 0, left_out_section(found.left_out))
    report = write_report(TITLE, sections, out, "ei_analysis.md")
    if html is not None:
        report.files += write_site(TITLE, sections, html, report.files)
    if not found.datasets:
        report.error = (
            f"no usable {EI_ANALYSIS} run: {len(found.left_out)} log(s) left out (see `Runs left out`)"
        )
    return report
