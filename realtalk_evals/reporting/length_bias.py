"""Length bias of memory-probing scores: do LLM accuracy and F1 rise or fall with the answer's length?

The paper asks for short-phrase answers, and LLM judges are known to favour long ones; a judge that rewards
length shows a positive rank correlation of LLM accuracy with length where F1 shows none or a negative one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from inspect_ai.log import EvalSample
from scipy.stats import spearmanr

from realtalk_evals.reporting.memory import memory_row_key
from realtalk_evals.reporting.runs import Run, pooled_samples, score_value
from realtalk_evals.reporting.tables import markdown_table, number_cell, write_csv
from realtalk_evals.score_keys import LLM_ACCURACY, PARTIAL_MATCH
from realtalk_evals.task_names import MEMORY_PROBING

LENGTH_BUCKETS = ((1, 2), (3, 5), (6, 10), (11, 20), (21, None))
"""Answer length in words, inclusive ranges (None = no upper bound); an empty answer has its own bucket."""


def answer_words(sample: EvalSample) -> int:
    return len(sample.output.completion.split())


def bucket_name(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def spearman(lengths: list[int], values: list[float]) -> tuple[float, int]:
    """Spearman's rho (scipy) of length with the finite values, and how many pairs; NaN when undefined."""
    pairs = [(n, v) for n, v in zip(lengths, values, strict=True) if not math.isnan(v)]
    if len(pairs) < 3 or len({n for n, _ in pairs}) < 2 or len({v for _, v in pairs}) < 2:
        return math.nan, len(pairs)
    rho = spearmanr([n for n, _ in pairs], [v for _, v in pairs]).statistic
    return float(rho), len(pairs)


@dataclass
class LengthBias:
    """One (model, input) row: rank correlations and per-bucket means."""

    label: str
    input: str
    llm_rho: tuple[float, int]
    f1_rho: tuple[float, int]
    buckets: dict[str, tuple[float, float, int]]
    """bucket -> (mean LLM accuracy, mean F1, n)."""


def _mean(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return float(np.mean(finite)) if finite else math.nan


def length_bias_rows(runs: list[Run]) -> list[LengthBias]:
    pooled = pooled_samples(runs, MEMORY_PROBING, memory_row_key)
    rows = []
    for (model, memory_input, solver), by_id in pooled.items():
        samples = list(by_id.values())
        lengths = [answer_words(s) for s in samples]
        llm = [score_value(s, LLM_ACCURACY, LLM_ACCURACY) for s in samples]
        f1 = [score_value(s, PARTIAL_MATCH) for s in samples]
        buckets = {}
        for name, chosen in [("0 (empty)", [n == 0 for n in lengths])] + [
            (bucket_name(low, high), [low <= n and (high is None or n <= high) for n in lengths])
            for low, high in LENGTH_BUCKETS
        ]:
            picked = [i for i, keep in enumerate(chosen) if keep]
            if picked:
                buckets[name] = (_mean([llm[i] for i in picked]), _mean([f1[i] for i in picked]), len(picked))
        label = "gold answers" if solver == "gold" else model
        rows.append(LengthBias(label, memory_input, spearman(lengths, llm), spearman(lengths, f1), buckets))
    return rows


def length_bias_section(runs: list[Run], out: Path) -> tuple[str, Path] | None:
    """The report's length-bias section and its CSV, or None without memory-probing samples."""
    rows = length_bias_rows(runs)
    if not rows:
        return None
    header = ["model", "input", "rho(length, LLM)", "rho(length, F1)"]
    table = [
        [row.label, row.input, number_cell(row.llm_rho[0], 2), number_cell(row.f1_rho[0], 2)] for row in rows
    ]
    bucket_header = ["model", "input", "words", "n", "LLM accuracy", "F1"]
    bucket_rows = [
        [row.label, row.input, name, str(n), number_cell(llm), number_cell(f1)]
        for row in rows
        for name, (llm, f1, n) in row.buckets.items()
    ]
    text = "\n\n".join(
        [
            "## Length bias (memory probing)",
            (
                "Spearman's rank correlation of the answer's length in words with each score (judge failures "
                "left out), then the mean scores by length. The paper asks for short phrases; a judge that "
                "favours long answers shows a higher rho for LLM accuracy than for F1."
            ),
            markdown_table(header, table),
            markdown_table(bucket_header, bucket_rows),
        ]
    )
    csv_rows: list[list[object]] = [
        [row.label, row.input, name, n, llm, f1, row.llm_rho[0], row.f1_rho[0]]
        for row in rows
        for name, (llm, f1, n) in row.buckets.items()
    ]
    path = write_csv(
        out / "length_bias.csv",
        ["model", "input", "words", "n", LLM_ACCURACY, "f1", "rho_length_llm", "rho_length_f1"],
        csv_rows,
    )
    return text, path
