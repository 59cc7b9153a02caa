"""Table 2's comparison: a base model's persona run ("w/o fine-tune") against its per-speaker fine-tunes.

A fine-tuned run is a persona_simulation run with `-T speaker_models=FILE`; its `--model` names the base
model the fine-tunes were trained from, so it is paired with the run of that model without speaker models.
Each column is compared over the speakers both runs have, with a paired t-test on the speakers' means
(`scipy.stats.ttest_rel`, two-sided): the paper reports "p < 0.02 for all [EI] attributes" without naming its
test, and a speaker's two means (with and without fine-tuning) are the natural pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from realtalk_evals.reporting.persona import PERSONA_COLUMNS, SPEAKER_MODELS, PersonaRow, column_title
from realtalk_evals.reporting.sections import Row, Section, Source, Table, mean_std_cell
from realtalk_evals.reporting.stats import mean_and_std

SIGNIFICANCE = 0.02
"""The paper's threshold (table 2: "p < 0.02 for all attributes")."""


@dataclass
class FineTuneComparison:
    """A base model's row and its fine-tuned row, over the speakers they share."""

    base: PersonaRow
    tuned: PersonaRow

    def speakers(self, column: str) -> list[str]:
        """Speakers measured in `column` by both runs, in name order."""
        return sorted(
            speaker
            for speaker in set(self.base.speakers) & set(self.tuned.speakers)
            if not math.isnan(self.base.speakers[speaker][column])
            and not math.isnan(self.tuned.speakers[speaker][column])
        )

    def summary(self, row: PersonaRow, column: str) -> tuple[float, float]:
        return mean_and_std(row.speakers[speaker][column] for speaker in self.speakers(column))

    def p_value(self, column: str) -> float:
        """Two-sided paired t-test of the speakers' means; NaN with fewer than two pairs or no variation."""
        speakers = self.speakers(column)
        if len(speakers) < 2:
            return math.nan
        from scipy.stats import ttest_rel  # type: ignore[import-untyped]

        tuned = [self.tuned.speakers[s][column] for s in speakers]
        base = [self.base.speakers[s][column] for s in speakers]
        if all(t - b == tuned[0] - base[0] for t, b in zip(tuned, base, strict=True)):
            return math.nan  # constant differences: the t statistic is undefined
        return float(ttest_rel(tuned, base).pvalue)


def finetune_comparisons(rows: list[PersonaRow]) -> list[FineTuneComparison]:
    """One comparison per fine-tuned row whose base (the same settings without `speaker_models`) has a row."""
    base_rows = {
        row.pool.identity.without(SPEAKER_MODELS): row
        for row in rows
        if row.pool is not None and row.pool.identity.get(SPEAKER_MODELS) in (None, "-")
    }
    found = []
    for row in rows:
        if row.pool is None or row.pool.identity.get(SPEAKER_MODELS) in (None, "-"):
            continue
        base = base_rows.get(row.pool.identity.without(SPEAKER_MODELS))
        if base is not None:
            found.append(FineTuneComparison(base=base, tuned=row))
    return found


def _p_text(p: float) -> str:
    if math.isnan(p):
        return "-"
    text = "< 0.001" if p < 0.001 else f"{p:.3f}"
    return f"{text} *" if p < SIGNIFICANCE else text


def _sources(comparison: FineTuneComparison) -> list[Source]:
    return [
        source for row in (comparison.base, comparison.tuned) if row.pool for source in row.pool.sources()
    ]


def comparison_table(comparison: FineTuneComparison) -> Table:
    """Table 2's layout: the two rows (mean ± std across the shared speakers), then the p-values."""
    columns = list(PERSONA_COLUMNS)
    rows = []
    for name, row in (("w/o fine-tune", comparison.base), ("w/ fine-tune", comparison.tuned)):
        rows.append(
            Row(
                [name, row.label, str(len(comparison.speakers("lexical")))]
                + [mean_std_cell(*comparison.summary(row, c)) for c in columns],
                sources=row.pool.sources() if row.pool else [],
            )
        )
    rows.append(
        Row(
            ["p (paired t-test)", "", ""] + [_p_text(comparison.p_value(c)) for c in columns],
            sources=_sources(comparison),
        )
    )
    return Table(["", "run", "speakers"] + [column_title(c) for c in columns], rows)


def comparison_csv_rows(comparison: FineTuneComparison) -> list[list[object]]:
    """Per column: each shared speaker's two means and their difference, then a `mean` row with the p-value."""
    rows: list[list[object]] = []
    labels = [comparison.base.label, comparison.tuned.label]
    for column in PERSONA_COLUMNS:
        for speaker in comparison.speakers(column):
            base = comparison.base.speakers[speaker][column]
            tuned = comparison.tuned.speakers[speaker][column]
            rows.append([*labels, column, speaker, base, tuned, tuned - base, ""])
        base_mean = comparison.summary(comparison.base, column)[0]
        tuned_mean = comparison.summary(comparison.tuned, column)[0]
        rows.append(
            [
                *labels,
                column,
                "mean",
                base_mean,
                tuned_mean,
                tuned_mean - base_mean,
                comparison.p_value(column),
            ]
        )
    return rows


CSV_HEADER = ["base", "fine_tuned", "column", "speaker", "without", "with", "difference", "p_paired_t"]
EXPLANATION = (
    "Each fine-tuned run (`-T speaker_models=FILE`) beside the run of its `--model` without fine-tuning, over "
    "the speakers both have: mean ± standard deviation across speakers, then a two-sided paired t-test "
    "(scipy.stats.ttest_rel) of the per-speaker means; * marks p < 0.02, the paper's threshold (the paper "
    "does not name its test)."
)


def finetune_section(rows: list[PersonaRow]) -> Section | None:
    """The comparisons and their CSV of per-speaker differences; None without a fine-tuned row and its base."""
    comparisons = finetune_comparisons(rows)
    if not comparisons:
        return None
    details = Table(
        CSV_HEADER,
        [
            Row([str(v) for v in values], values, _sources(comparison))
            for comparison in comparisons
            for values in comparison_csv_rows(comparison)
        ],
        csv="persona_finetune.csv",
        shown=False,
    )
    return Section(
        "Persona simulation: w/o vs. w/ fine-tune (paper table 2)",
        [EXPLANATION],
        [*(comparison_table(c) for c in comparisons), details],
    )
