"""`realtalk analysis`: table 7, figures 2/6 and 3 of the paper from `ei_analysis` logs.

Writes into the output directory: `ei_analysis.md` (also printed), `table7.csv` (REALTALK pairs, one row per
conversation with P1 and P2 columns), `speaker_level.csv` (every dataset's speakers, the data of figure 2/6),
`persona_consistency.csv`, `figure6_speaker_level.png` and `figure3_persona_consistency.png`. CSV files hold
raw values; the Markdown shows intimacy progression in 1e-3 like the paper's table 7. With simulated
conversations among the logs, also the human-likeness gap (`human_likeness_gap.csv` and `.png`, gap_report).
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
from realtalk_evals.reporting.ei_figures import DATASET_TITLES, plot_persona_consistency, plot_speaker_level
from realtalk_evals.reporting.ei_logs import DatasetLabels, load_labels
from realtalk_evals.reporting.gap_report import gap_section, has_simulations
from realtalk_evals.reporting.tables import Report, markdown_table, mean_std_cell, write_csv

logger = logging.getLogger(__name__)


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


def _runs_section(labels: dict[str, DatasetLabels]) -> str:
    header = ["dataset", "judge", "messages merged", "logs", "conversations", "messages", "unscored samples"]
    header += [f"{attribute} failures" for attribute in EI_ATTRIBUTES]
    rows = []
    for data in labels.values():
        failures = data.failures()
        rows.append(
            [
                DATASET_TITLES.get(data.dataset, data.dataset),
                ", ".join(sorted(data.judges)),
                "yes" if data.merge else "no",
                str(len(data.logs)),
                str(len(data.conversation_ids())),
                str(len(data.messages)),
                str(data.unscored),
            ]
            + [str(failures[attribute]) for attribute in EI_ATTRIBUTES]
        )
    note = (
        "Labelled messages per dataset. A failed label (judge or classifier) is left out of the numbers that "
        "use it; a conversation or session missing from the logs is missing from the numbers."
    )
    return "\n\n".join(["## Runs", note, markdown_table(header, rows)])


def _table_7(
    data: DatasetLabels, speaker_ei: dict[str, dict[str, SpeakerEI]], with_paper: bool, out: Path
) -> tuple[str, Path]:
    counts = data.message_counts()
    header = ["P1", "P2", "n P1", "n P2"] + [
        f"{TITLES[n]} {p}" for n in SPEAKER_METRICS for p in ("P1", "P2")
    ]
    rows, csv_rows = [], []
    for conversation_id in data.conversation_ids():
        first, second = data.speakers(conversation_id)
        measured = [speaker_ei[conversation_id].get(speaker, {}) for speaker in (first, second)]
        n = [counts.get((conversation_id, speaker), 0) for speaker in (first, second)]
        label = [display_name(first), display_name(second)]
        rows.append(
            label
            + [str(x) for x in n]
            + [cell(name, side.get(name)) for name in SPEAKER_METRICS for side in measured]
        )
        csv_rows.append(
            [conversation_id, *label, *n] + [side.get(name) for name in SPEAKER_METRICS for side in measured]
        )
        paper = PAPER_TABLE_7.get(conversation_id)
        if with_paper and paper:
            printed = [shown_text(name, value) for name in SPEAKER_METRICS for value in paper[name]]
            rows.append(["paper", "", "", ""] + printed)
    parts = [
        "## Table 7: speaker-level EI of REALTALK",
        (
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
        ),
        markdown_table(header, rows),
    ]
    csv_header = ["conversation_id", "speaker_1", "speaker_2", "messages_1", "messages_2"]
    csv_header += [f"{name}_{side}" for name in SPEAKER_METRICS for side in ("1", "2")]
    return "\n\n".join(parts), write_csv(out / "table7.csv", csv_header, csv_rows)


def _speaker_rows(
    labels: dict[str, DatasetLabels], speaker_ei: dict[str, dict[str, dict[str, SpeakerEI]]]
) -> dict[str, list[tuple[str, str, int, SpeakerEI]]]:
    """Dataset -> (conversation, speaker, messages, speaker-level EI) of every speaker."""
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


def _figure_6(
    speakers: dict[str, list[tuple[str, str, int, SpeakerEI]]], out: Path, with_paper: bool
) -> tuple[str, list[Path]]:
    datasets = list(speakers)
    header = ["attribute"] + [DATASET_TITLES.get(d, d) for d in datasets]
    rows = [
        [TITLES[name]] + [_summary(shown(name, row[3].get(name)) for row in speakers[d]) for d in datasets]
        for name in SPEAKER_METRICS
    ]
    csv_rows = [
        [dataset, conversation_id, speaker, n] + [values.get(name) for name in SPEAKER_METRICS]
        for dataset, rows_ in speakers.items()
        for conversation_id, speaker, n, values in rows_
    ]
    paper = {name: [v for row in PAPER_TABLE_7.values() for v in row[name]] for name in SPEAKER_METRICS}
    figure = plot_speaker_level(
        {d: [row[3] for row in speakers[d]] for d in datasets},
        out / "figure6_speaker_level.png",
        paper if with_paper else None,
    )
    text = "\n\n".join(
        [
            "## Figures 2 and 6: speaker-level EI, REALTALK against LoCoMo",
            "Mean ± standard deviation across speakers (number of speakers); intimacy progression in 1e-3."
            + (
                " The figure draws the paper's table 7 values as crosses beside REALTALK."
                if with_paper
                else ""
            ),
            markdown_table(header, rows),
            f"![speaker-level EI]({figure.name})",
        ]
    )
    csv = write_csv(
        out / "speaker_level.csv",
        ["dataset", "conversation_id", "speaker", "messages", *SPEAKER_METRICS],
        csv_rows,
    )
    return text, [csv, figure]


def _figure_3(rows: list[PersonaConsistency], out: Path, with_paper: bool) -> tuple[str, list[Path]]:
    header = ["person", "conversations", "Table 8 consistency"]
    header += ["Table 8 (paper)"] if with_paper else []
    header += [TITLES[name] for name in SPEAKER_METRICS]
    table = []
    for row in rows:
        paper = PAPER_TABLE_8_CONSISTENCY.get(row.person.casefold())
        table.append(
            [display_name(row.person), " / ".join(row.conversations)]
            + [shown_text("table8", row.mean_difference(SCALE))]
            + ([shown_text("table8", paper)] if with_paper else [])
            + [cell(name, row.differences.get(name)) for name in SPEAKER_METRICS]
        )
    csv = write_csv(
        out / "persona_consistency.csv",
        ["person", "conversation_1", "conversation_2", "table8_consistency", *SPEAKER_METRICS],
        [
            [display_name(row.person), *row.conversations, row.mean_difference(SCALE)]
            + [row.differences.get(n) for n in SPEAKER_METRICS]
            for row in rows
        ],
    )
    figure = plot_persona_consistency(rows, out / "figure3_persona_consistency.png")
    text = "\n\n".join(
        [
            "## Figure 3: persona consistency",
            "Absolute difference of each speaker-level number between the two REALTALK conversations of a person. "
            "`Table 8 consistency` is the paper's per-speaker persona consistency (appendix E.2: the absolute "
            "difference of a speaker's EI across two conversations), read as the mean of these differences in "
            "table 7's units (intimacy progression in 1e-3); the CSV keeps the same number and raw differences."
            + (" `Table 8 (paper)` is the paper's value." if with_paper else ""),
            markdown_table(header, table),
            f"![persona consistency]({figure.name})",
        ]
    )
    return text, [csv, figure]


def build_analysis(
    paths: Iterable[str | Path], out: Path, with_paper: bool = False, intimacy_x: IntimacyX = "position"
) -> Report:
    """Read the `ei_analysis` logs under `paths`; write the tables and figures into `out`.

    `intimacy_x="session"` fits intimacy progression against session numbers instead of the released code's
    1..n over the speaker's sessions.
    """
    labels = load_labels(paths)
    # Conversation -> speaker -> numbers, per dataset: computed once, read by table 7 and figures 2/6 and 3.
    speaker_ei = {dataset: data.speaker_ei(intimacy_x) for dataset, data in labels.items()}
    out.mkdir(parents=True, exist_ok=True)
    sections = ["# REALTALK speaker-level EI analysis", _runs_section(labels)]
    files: list[Path] = []
    realtalk = labels.get("realtalk")
    warning = _partial_warning(realtalk) if with_paper and realtalk is not None else None
    if warning:
        sections.append(warning)
    if realtalk is not None:
        text, table_csv = _table_7(realtalk, speaker_ei["realtalk"], with_paper, out)
        sections.append(text)
        files.append(table_csv)
    text, written = _figure_6(_speaker_rows(labels, speaker_ei), out, with_paper)
    sections.append(text)
    files += written
    consistency = persona_consistency(speaker_ei["realtalk"]) if realtalk is not None else []
    if consistency:
        text, written = _figure_3(consistency, out, with_paper)
        sections.append(text)
        files += written
    else:
        sections.append(
            "## Figure 3: persona consistency\n\nNo person appears in two analysed REALTALK conversations."
        )
    if has_simulations(labels):
        text, written = gap_section(labels, speaker_ei, out)
        sections.append(text)
        files += written
    markdown = "\n\n".join(sections) + "\n"
    report = out / "ei_analysis.md"
    report.write_text(markdown, encoding="utf-8")
    return Report(markdown=markdown, files=[report, *files])
