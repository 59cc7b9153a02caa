"""Agreement of a judge panel in memory-probing runs: Krippendorff's alpha overall and per category."""

from __future__ import annotations

import math
from collections.abc import Sequence

from inspect_ai.log import EvalSample

from realtalk_evals.data.records import CATEGORY_NAMES
from realtalk_evals.judging.panel import JUDGE_SCORES, alpha
from realtalk_evals.reporting.memory import question_ids
from realtalk_evals.reporting.pools import Pool, identity_cells, pool_columns, pools, setting_names
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Row, Section, Table, number_cell
from realtalk_evals.score_keys import LLM_JUDGE, SCORER_ALIASES
from realtalk_evals.task_names import MEMORY_PROBING

CATEGORIES = (*CATEGORY_NAMES.values(), "all")


def judge_scores(sample: EvalSample) -> list[float | None]:
    logged = sample.scores or {}
    score = logged.get(LLM_JUDGE) or logged.get(SCORER_ALIASES[LLM_JUDGE])
    scores = (score.metadata or {}).get(JUDGE_SCORES) if score is not None else None
    return list(scores) if isinstance(scores, list) else []


def question_judge_scores(epochs: Sequence[EvalSample]) -> list[float | None]:
    """Each judge's score of a question, averaged over the epochs it gave one in (None: it never did)."""
    per_epoch = [judge_scores(sample) for sample in epochs]
    judges = max((len(scores) for scores in per_epoch), default=0)
    means: list[float | None] = []
    for judge in range(judges):
        given = [s[judge] for s in per_epoch if judge < len(s) and s[judge] is not None]
        means.append(sum(v for v in given if v is not None) / len(given) if given else None)
    return means


def _unanimous(units: Sequence[Sequence[float | None]]) -> float:
    judged = [[s for s in unit if s is not None] for unit in units]
    judged = [unit for unit in judged if len(unit) > 1]
    return sum(len(set(unit)) == 1 for unit in judged) / len(judged) if judged else math.nan


def _panel_questions(pool: Pool) -> dict[str, list[float | None]]:
    """Question -> its judges' scores, for the questions two or more judges scored."""
    scored = {q: question_judge_scores(epochs) for q, epochs in pool.questions.items()}
    return {q: scores for q, scores in scored.items() if len(scores) > 1}


def judge_agreement_section(runs: list[Run]) -> Section | None:
    """A row per identity judged by a panel of two or more graders; None when there is none."""
    panels = [
        (pool, questions) for pool in pools(runs, MEMORY_PROBING) if (questions := _panel_questions(pool))
    ]
    if not panels:
        return None
    columns = pool_columns([pool for pool, _ in panels])
    all_columns = setting_names(pool.identity for pool, _ in panels)
    rows = []
    for pool, questions in panels:
        numbers = [_unanimous(list(questions.values()))]
        for category in CATEGORIES:
            chosen = question_ids(pool, None if category == "all" else [category])
            numbers.append(alpha(questions[q] for q in chosen if q in questions))
        rows.append(
            Row(
                identity_cells(pool.identity, columns)
                + [str(len(questions))]
                + [number_cell(v) for v in numbers],
                [*identity_cells(pool.identity, all_columns), len(questions), *numbers],
                pool.sources(questions),
            )
        )
    table = Table(
        columns=columns + ["n", "unanimous"] + [f"alpha {c}" for c in CATEGORIES],
        rows=rows,
        csv="judge_agreement.csv",
        csv_columns=all_columns + ["samples", "unanimous"] + [f"alpha_{c}" for c in CATEGORIES],
    )
    return Section(
        "Judge agreement (memory probing, judge panels)",
        [
            "Runs judged by several graders: the share of questions on which every judge gave the same "
            "score, and Krippendorff's alpha (interval level, Inspect's implementation; 1 = perfect "
            "agreement, 0 = chance) per category and overall. n counts questions; with several epochs a "
            "judge's scores of a question are averaged first."
        ],
        [table],
    )
