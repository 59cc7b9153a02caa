"""`realtalk report` compares memory systems: quality, evidence recall and cost per question, and a frontier plot."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

from realtalk_evals.reporting.pricing import load_cost_config
from realtalk_evals.reporting.report import build_report
from realtalk_evals.reporting.runs import load_runs
from realtalk_evals.tasks.memory_probing import memory_probing


@pytest.mark.slow
def test_report_has_one_row_per_memory_system_with_recall_tokens_and_cost(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    for args in ({}, {"memory": "bm25", "top_k": 5}, {"memory": "oracle"}):
        eval(
            memory_probing(conversations=1, categories=3, **args),  # type: ignore[arg-type]
            model=get_model("realtalk/mock", reply="Tiramisu", memoize=False),
            model_roles={"grader": get_model("realtalk/mock", reply='{"score": 1}', memoize=False)},
            log_dir=str(logs),
            display="none",
        )
    prices = tmp_path / "prices.json"
    prices.write_text(
        json.dumps(
            {
                "realtalk/mock": {
                    "input": 1.0,
                    "output": 2.0,
                    "input_cache_write": 1.0,
                    "input_cache_read": 1.0,
                }
            }
        ),
        encoding="utf-8",
    )
    report = build_report(load_runs([logs], load_cost_config(prices)), tmp_path / "out")

    assert "## Memory systems" in report.markdown
    with (tmp_path / "out" / "memory_systems.csv").open(encoding="utf-8") as handle:
        rows = {row["memory"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"full", "bm25", "oracle"}
    assert rows["bm25"]["top_k"] == "5" and rows["full"]["top_k"] == "10"  # as logged, default included
    assert all(row["samples"] == "10" for row in rows.values())
    full, bm25, oracle = (float(rows[m]["input_tokens_per_answer"]) for m in ("full", "bm25", "oracle"))
    assert oracle < bm25 < full / 10
    assert float(rows["full"]["turn_recall"]) == 1.0 and float(rows["oracle"]["turn_recall"]) == 1.0
    assert 0.0 <= float(rows["bm25"]["turn_recall"]) < 1.0
    # cost per 100 questions follows the tokens at $1 per million input tokens (plus the judge and output)
    assert float(rows["bm25"]["cost_per_100_answers_usd"]) < float(rows["full"]["cost_per_100_answers_usd"])
    assert float(rows["full"]["cost_per_100_answers_usd"]) >= 100 * full / 1_000_000
    assert (tmp_path / "out" / "memory_systems.png").stat().st_size > 10_000
    # the paper's table 3 keeps only the full-context run
    with (tmp_path / "out" / "memory_probing.csv").open(encoding="utf-8") as handle:
        assert [row["samples"] for row in csv.DictReader(handle)] == ["10"]


def test_runs_on_different_datasets_are_different_rows(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    for dataset in ("realtalk", "locomo"):
        eval(
            memory_probing(dataset=dataset, conversations=1, categories=2, memory="oracle"),  # type: ignore[arg-type]
            model=get_model("realtalk/mock", reply="Tiramisu", memoize=False),
            model_roles={"grader": get_model("realtalk/mock", reply='{"score": 1}', memoize=False)},
            log_dir=str(logs),
            display="none",
            limit=3,
        )
    build_report(load_runs([logs], load_cost_config()), tmp_path / "out")
    with (tmp_path / "out" / "memory_systems.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["dataset"] for row in rows) == ["locomo", "realtalk"]
    assert all(row["memory"] == "oracle" and row["samples"] == "3" for row in rows)
