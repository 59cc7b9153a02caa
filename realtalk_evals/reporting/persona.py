"""Tables 2 and 8 of the paper from persona_simulation runs: content and style similarity per run identity
and speaker."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from realtalk_evals.paper import PAPER_TABLE_2
from realtalk_evals.reporting.plots import plot_persona
from realtalk_evals.reporting.pools import (
    GRADER,
    MODEL,
    Identity,
    Pool,
    identity_cells,
    legend_labels,
    pool_columns,
    pools,
    question_mean,
    setting_names,
)
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Figure, Row, Section, Table, mean_std_cell, number_cell
from realtalk_evals.reporting.stats import finite_mean, mean_and_std
from realtalk_evals.score_keys import BERTSCORE, CONTENT_SIMILARITY, EI_AGREEMENT, ROUGE_L, diff_key
from realtalk_evals.task_names import PERSONA_SIMULATION

PERSONA_COLUMNS: dict[str, tuple[str, str]] = {
    "lexical": (CONTENT_SIMILARITY, ROUGE_L),
    "semantic": (CONTENT_SIMILARITY, BERTSCORE),
    "reflective": (EI_AGREEMENT, "reflective"),
    "grounding": (EI_AGREEMENT, "grounding"),
    "sentiment": (EI_AGREEMENT, "sentiment"),
    "emotion": (EI_AGREEMENT, "emotion"),
    "intimacy": (EI_AGREEMENT, diff_key("intimacy")),
    "empathy": (EI_AGREEMENT, diff_key("empathy")),
}
"""Table 2's columns and the (scorer, value key) each is read from."""

LOWER_IS_BETTER = ("intimacy", "empathy")
"""The columns that are differences from the real message; every other column is an agreement or similarity."""

SPEAKER_MODELS = "speaker_models"


def column_title(column: str) -> str:
    """A column's table heading with table 2's arrow: which way is better."""
    return f"{column} {'↓' if column in LOWER_IS_BETTER else '↑'}"


@dataclass
class PersonaRow:
    """One identity's results: per-speaker means, and table 2's mean ± std across speakers."""

    label: str
    pool: Pool | None = None
    speakers: dict[str, dict[str, float]] = field(default_factory=dict)
    speaker_questions: dict[str, list[str]] = field(default_factory=dict)
    """Speaker -> the sample ids (simulated messages) of the speaker's mean."""

    def summary(self, column: str) -> tuple[float, float]:
        return mean_and_std(values[column] for values in self.speakers.values())


def run_label(identity: Identity) -> str:
    """The model, or the fine-tuned-model file, or `real messages` for the gold self-check, or another
    person's messages for the judge check."""
    if identity.get("solver") == "gold":
        return "real messages (gold)"
    if identity.get("solver") == "other_person":
        return "another person's real messages (judge check)"
    speaker_models = identity.get(SPEAKER_MODELS)
    return (
        f"fine-tuned ({speaker_models})" if speaker_models not in (None, "-") else identity.get(MODEL) or "-"
    )


def persona_rows(runs: list[Run]) -> list[PersonaRow]:
    """One row per identity; each message's epochs averaged, then each speaker's messages."""
    rows = []
    for pool in pools(runs, PERSONA_SIMULATION):
        row = PersonaRow(label=run_label(pool.identity), pool=pool)
        by_speaker: dict[str, list[str]] = defaultdict(list)
        for question, epochs in pool.questions.items():
            by_speaker[str(epochs[0].metadata["speaker"])].append(question)
        for speaker, questions in by_speaker.items():
            row.speaker_questions[speaker] = questions
            row.speakers[speaker] = {
                column: finite_mean([question_mean(pool.questions[q], scorer, key) for q in questions])
                for column, (scorer, key) in PERSONA_COLUMNS.items()
            }
        rows.append(row)
    return rows


def _measured(row: PersonaRow, column: str) -> int:
    """Speakers with a value in `column`."""
    return sum(1 for values in row.speakers.values() if not math.isnan(values.get(column, math.nan)))


def _pool(row: PersonaRow) -> Pool:
    assert row.pool is not None, "a row read from logs"
    return row.pool


def persona_section(rows: list[PersonaRow], with_paper: bool) -> Section:
    """Table 2 (with the paper's rows when asked), table 8 per speaker, and the plot."""
    columns = list(PERSONA_COLUMNS)
    pooled = [_pool(row) for row in rows]
    shown = pool_columns(pooled, always=(MODEL, GRADER))
    every = setting_names(pool.identity for pool in pooled)
    table = []
    for row, pool in zip(rows, pooled, strict=True):
        summaries = [row.summary(c) for c in columns]
        table.append(
            Row(
                identity_cells(pool.identity, shown)
                + [str(len(row.speakers)), str(len(pool.questions)), str(pool.epochs)]
                + [mean_std_cell(*s) for s in summaries],
                [*identity_cells(pool.identity, every)]
                + [len(pool.questions), pool.epochs]
                + [v for s in summaries for v in s],
                pool.sources(),
            )
        )
    if with_paper:
        for name, numbers in PAPER_TABLE_2.items():
            known = {MODEL: f"paper: {name}", GRADER: "gpt-4o-mini"}
            table.append(
                Row(
                    [known.get(c, "-") for c in shown]
                    + ["10", "-", "1"]
                    + [f"{numbers[c][0]:.2f} ± {numbers[c][1]:.2f}" for c in columns],
                    reference=True,
                )
            )
    speakers = [
        Row(
            identity_cells(pool.identity, shown) + [speaker] + [number_cell(values[c], 2) for c in columns],
            [*identity_cells(pool.identity, every), speaker] + [values[c] for c in columns],
            pool.sources(row.speaker_questions[speaker]),
        )
        for row, pool in zip(rows, pooled, strict=True)
        for speaker, values in sorted(row.speakers.items())
    ]
    legend = legend_labels([pool.identity for pool in pooled], shown)
    return Section(
        "Persona simulation (paper table 2)",
        [
            "Mean ± standard deviation across speakers of each speaker's mean (a message's epochs averaged "
            "first). Lexical = ROUGE-L F, semantic = BERTScore F1; reflective, grounding, sentiment and emotion "
            "are agreement rates with the real message; intimacy and empathy are mean absolute differences "
            "(lower is better). Rows are runs that share every setting; n counts simulated messages."
        ],
        [
            Table(
                shown + ["speakers", "n", "epochs"] + [column_title(c) for c in columns],
                table,
                csv="persona_simulation.csv",
                csv_columns=every
                + ["messages", "epochs"]
                + [f"{c}_{p}" for c in columns for p in ("mean", "std")],
            ),
            Table(
                shown + ["speaker"] + columns,
                speakers,
                csv="persona_speakers.csv",
                csv_columns=every + ["speaker"] + columns,
                title="Per speaker (paper table 8)",
            ),
        ],
        [
            Figure(
                "persona_simulation.png",
                "persona simulation",
                lambda path: plot_persona(
                    legend,
                    [{c: row.summary(c) for c in columns} for row in rows],
                    [{c: _measured(row, c) for c in columns} for row in rows],
                    LOWER_IS_BETTER,
                    path,
                ),
            )
        ],
    )
