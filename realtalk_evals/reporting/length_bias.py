"""Length bias of memory-probing scores: do LLM accuracy and F1 rise or fall with the answer's length?

The paper asks for short-phrase answers, and LLM judges are known to favour long ones; a judge that rewards
length shows a positive rank correlation of LLM accuracy with length where F1 shows none or a negative one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from inspect_ai.log import EvalSample
from scipy.stats import spearmanr

from realtalk_evals.reporting.pools import (
    Pool,
    identity_cells,
    pool_columns,
    pools,
    question_mean,
    setting_names,
)
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Row, Section, Table, number_cell
from realtalk_evals.reporting.stats import finite_mean
from realtalk_evals.score_keys import LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

LENGTH_BUCKETS = ((1, 3), (3, 6), (6, 11), (11, 21), (21, None))
"""Answer length in words, [low, high) (None = no upper bound), a question's mean length over its epochs; an
empty answer (0 words in every epoch) has its own bucket."""


def answer_words(sample: EvalSample) -> int:
    return len(sample.output.completion.split())


def bucket_name(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high - 1}"


def spearman(lengths: list[float], values: list[float]) -> tuple[float, int]:
    """Spearman's rho (scipy) of length with the finite values, and how many pairs; NaN when undefined."""
    pairs = [(n, v) for n, v in zip(lengths, values, strict=True) if not math.isnan(v)]
    if len(pairs) < 3 or len({n for n, _ in pairs}) < 2 or len({v for _, v in pairs}) < 2:
        return math.nan, len(pairs)
    rho = spearmanr([n for n, _ in pairs], [v for _, v in pairs]).statistic
    return float(rho), len(pairs)


@dataclass
class LengthBias:
    """One identity's rank correlations and per-bucket means, over questions (epochs averaged first)."""

    pool: Pool
    llm_rho: tuple[float, int]
    f1_rho: tuple[float, int]
    buckets: dict[str, tuple[float, float, list[str]]]
    """bucket -> (mean LLM accuracy, mean F1, its questions)."""


def _bucket(words: float) -> str:
    if words == 0:
        return "0 (empty)"
    for low, high in LENGTH_BUCKETS:
        if low - 0.5 <= words and (high is None or words < high - 0.5):
            return bucket_name(low, high)
    return bucket_name(*LENGTH_BUCKETS[0])  # a mean below one word (some epochs empty)


def length_bias_rows(runs: list[Run]) -> list[LengthBias]:
    rows = []
    for pool in pools(runs, MEMORY_PROBING):
        ids = list(pool.questions)
        lengths = [float(np.mean([answer_words(s) for s in pool.questions[q]])) for q in ids]
        llm = [question_mean(pool.questions[q], LLM_ACCURACY, LLM_ACCURACY) for q in ids]
        f1 = [question_mean(pool.questions[q], PARTIAL_MATCH) for q in ids]
        order = ["0 (empty)"] + [bucket_name(low, high) for low, high in LENGTH_BUCKETS]
        chosen: dict[str, list[int]] = {name: [] for name in order}
        for index, words in enumerate(lengths):
            chosen[_bucket(words)].append(index)
        buckets = {
            name: (
                finite_mean([llm[i] for i in picked]),
                finite_mean([f1[i] for i in picked]),
                [ids[i] for i in picked],
            )
            for name, picked in chosen.items()
            if picked
        }
        rows.append(LengthBias(pool, spearman(lengths, llm), spearman(lengths, f1), buckets))
    return rows


def length_bias_section(runs: list[Run]) -> Section | None:
    """The report's length-bias section, or None without memory-probing samples."""
    rows = length_bias_rows(runs)
    if not rows:
        return None
    columns = pool_columns([row.pool for row in rows])
    all_columns = setting_names(row.pool.identity for row in rows)
    correlations = Table(
        columns=columns + ["n", "rho(length, LLM)", "rho(length, F1)"],
        rows=[
            Row(
                identity_cells(row.pool.identity, columns)
                + [
                    str(len(row.pool.questions)),
                    number_cell(row.llm_rho[0], 2),
                    number_cell(row.f1_rho[0], 2),
                ],
                sources=row.pool.sources(),
            )
            for row in rows
        ],
    )
    buckets = Table(
        columns=columns + ["words", "n", "LLM accuracy", "F1"],
        rows=[
            Row(
                identity_cells(row.pool.identity, columns)
                + [name, str(len(ids)), number_cell(llm), number_cell(f1)],
                [*identity_cells(row.pool.identity, all_columns)]
                + [name, len(ids), llm, f1, row.llm_rho[0], row.f1_rho[0]],
                row.pool.sources(ids),
            )
            for row in rows
            for name, (llm, f1, ids) in row.buckets.items()
        ],
        csv="length_bias.csv",
        csv_columns=all_columns + ["words", "n", LLM_ACCURACY, "f1", "rho_length_llm", "rho_length_f1"],
    )
    return Section(
        "Length bias (memory probing)",
        [
            "Spearman's rank correlation of the answer's length in words with each score (judge failures "
            "left out), then the mean scores by length, over questions: a question's length and scores are "
            "its epochs' means (n counts questions). The paper asks for short phrases; a judge that favours "
            "long answers shows a higher rho for LLM accuracy than for F1."
        ],
        [correlations, buckets],
    )
