"""Tables 2 and 8 of the paper from persona_simulation runs: content and style similarity per model, speaker."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from inspect_ai.log import EvalSample

from realtalk_evals.reporting.runs import Run, by_question, pooled_samples, question_value
from realtalk_evals.reporting.stats import mean_and_std
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


def column_title(column: str) -> str:
    """A column's table heading with table 2's arrow: which way is better."""
    return f"{column} {'↓' if column in LOWER_IS_BETTER else '↑'}"


@dataclass
class PersonaRow:
    """One model's results: per-speaker means, and table 2's mean ± std across speakers."""

    label: str
    grader: str | None = None
    grader_key: str = ""
    speakers: dict[str, dict[str, float]] = field(default_factory=dict)
    samples: int = 0
    """Messages simulated (each counted once, whatever its epochs)."""
    epochs: int = 1

    def summary(self, column: str) -> tuple[float, float]:
        return mean_and_std(values[column] for values in self.speakers.values())


def run_label(run: Run) -> str:
    """The model, or the fine-tuned-model file, or `real messages` for the gold self-check."""
    if run.task_args.get("solver") == "gold":
        return "real messages (gold)"
    speaker_models = run.task_args.get("speaker_models")
    return f"fine-tuned ({speaker_models})" if speaker_models else run.model


def persona_rows(runs: list[Run]) -> list[PersonaRow]:
    """One row per label and grader (runs judged differently are never pooled); epochs averaged per message."""
    graders = {run.grader_key: run.grader for run in runs}
    rows = []
    pooled = pooled_samples(runs, PERSONA_SIMULATION, lambda run: (run_label(run), run.grader_key))
    for (label, grader_key), samples in pooled.items():
        questions = by_question(samples.values())
        row = PersonaRow(
            label=label,
            grader=graders[grader_key],
            grader_key=grader_key,
            samples=len(questions),
            epochs=max(len(epochs) for epochs in questions.values()),
        )
        by_speaker: dict[str, list[list[EvalSample]]] = defaultdict(list)
        for epochs in questions.values():
            by_speaker[epochs[0].metadata["speaker"]].append(epochs)
        for speaker, speaker_questions in by_speaker.items():
            means = {}
            for column, (scorer, key) in PERSONA_COLUMNS.items():
                values = [
                    v
                    for v in (question_value(epochs, scorer, key) for epochs in speaker_questions)
                    if not math.isnan(v)
                ]
                means[column] = sum(values) / len(values) if values else math.nan
            row.speakers[speaker] = means
        rows.append(row)
    return rows
