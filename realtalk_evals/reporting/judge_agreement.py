"""Agreement of a judge panel in memory-probing runs: Krippendorff's alpha overall and per category."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from inspect_ai.log import EvalSample

from realtalk_evals.data.records import CATEGORY_NAMES
from realtalk_evals.judging.panel import JUDGE_SCORES, alpha
from realtalk_evals.reporting.runs import Run, pooled_samples
from realtalk_evals.reporting.tables import markdown_table, number_cell, write_csv
from realtalk_evals.score_keys import LLM_JUDGE, SCORER_ALIASES
from realtalk_evals.task_names import MEMORY_PROBING


def judge_scores(sample: EvalSample) -> list[float | None]:
    logged = sample.scores or {}
    score = logged.get(LLM_JUDGE) or logged.get(SCORER_ALIASES[LLM_JUDGE])
    scores = (score.metadata or {}).get(JUDGE_SCORES) if score is not None else None
    return list(scores) if isinstance(scores, list) else []


def _unanimous(units: Sequence[Sequence[float | None]]) -> float:
    judged = [[s for s in unit if s is not None] for unit in units]
    judged = [unit for unit in judged if len(unit) > 1]
    return sum(len(set(unit)) == 1 for unit in judged) / len(judged) if judged else float("nan")


def judge_agreement_section(runs: list[Run], out: Path) -> tuple[str, Path] | None:
    """A table per (model, input, panel) of runs judged by two or more graders; None when there are none."""
    pooled = pooled_samples(
        runs,
        MEMORY_PROBING,
        lambda run: (run.model, str(run.task_args.get("input") or "conversation"), run.grader or "-"),
    )
    categories = [*CATEGORY_NAMES.values(), "all"]
    rows: list[tuple[list[str], list[float]]] = []
    for (model, memory_input, graders), by_id in pooled.items():
        samples = [s for s in by_id.values() if len(judge_scores(s)) > 1]
        if not samples:
            continue
        numbers = [_unanimous([judge_scores(s) for s in samples])]
        for category in categories:
            chosen = [s for s in samples if category in ("all", s.metadata.get("category_name"))]
            numbers.append(alpha(judge_scores(s) for s in chosen))
        rows.append(([model, memory_input, graders, str(len(samples))], numbers))
    if not rows:
        return None
    header = ["model", "input", "graders", "n", "unanimous"] + [f"alpha {c}" for c in categories]
    table = [labels + [number_cell(v, 3) for v in numbers] for labels, numbers in rows]
    text = "\n\n".join(
        [
            "## Judge agreement (memory probing, judge panels)",
            (
                "Runs judged by several graders: the share of questions on which every judge gave the same "
                "score, and Krippendorff's alpha (interval level, Inspect's implementation; 1 = perfect "
                "agreement, 0 = chance) per category and overall."
            ),
            markdown_table(header, table),
        ]
    )
    csv_header = ["model", "input", "graders", "samples", "unanimous"] + [f"alpha_{c}" for c in categories]
    csv_rows = [[*labels, *numbers] for labels, numbers in rows]
    return text, write_csv(out / "judge_agreement.csv", csv_header, csv_rows)
