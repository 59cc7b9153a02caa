"""`realtalk report` compares memory systems: quality, evidence recall and its counts, cost and latency per
question from the de-duplicated samples, builder tokens, the recall@k section, and the figures."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalSample, read_eval_log
from inspect_ai.model import ModelUsage, get_model
from matplotlib.figure import Figure as MplFigure

from realtalk_evals.reporting import memory_systems, retrieval
from realtalk_evals.reporting.pricing import load_cost_config
from realtalk_evals.reporting.report import build_report
from realtalk_evals.reporting.runs import load_runs
from realtalk_evals.tasks.memory_probing import memory_probing

PRICES = {"input": 1.0, "output": 2.0, "input_cache_write": 1.0, "input_cache_read": 1.0}
ANSWERER = "realtalk/mock/answer"


def run(logs: Path, limit: int | None = None, **args: Any) -> str:
    [log] = eval(
        memory_probing(**args),
        model=get_model(ANSWERER, reply="Tiramisu", memoize=False),
        model_roles={"grader": get_model("realtalk/mock/judge", reply='{"score": 1}', memoize=False)},
        log_dir=str(logs),
        display="none",
        limit=limit,
    )
    assert log.status == "success"
    return log.location


def prices(tmp_path: Path) -> Path:
    path = tmp_path / "prices.json"
    path.write_text(
        json.dumps({model: PRICES for model in (ANSWERER, "realtalk/mock/judge")}), encoding="utf-8"
    )
    return path


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_report_has_one_row_per_memory_system_with_recall_tokens_and_cost(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    for args in ({}, {"memory": "bm25", "top_k": 5}, {"memory": "oracle"}, {"memory": "none"}):
        run(logs, conversations=1, categories=3, **args)
    report = build_report(load_runs([logs], load_cost_config(prices(tmp_path))), tmp_path / "out")

    assert (
        "## Memory systems" in report.markdown
        and "### REALTALK: cost and latency per question" in report.markdown
    )
    rows = {row["memory"]: row for row in rows_of(tmp_path / "out" / "memory_systems.csv")}
    assert set(rows) == {"full", "bm25", "oracle", "none"}
    assert rows["bm25"]["top_k"] == "5" and rows["full"]["top_k"] == "10"  # as logged, default included
    assert all(row["samples"] == "10" for row in rows.values())
    tokens = {m: float(rows[m]["input_tokens_per_question"]) for m in rows}
    assert tokens["none"] < tokens["oracle"] < tokens["bm25"] < tokens["full"] / 10
    assert float(rows["full"]["turn_recall"]) == 1.0 and float(rows["oracle"]["turn_recall"]) == 1.0
    assert 0.0 <= float(rows["bm25"]["turn_recall"]) < 1.0 and float(rows["none"]["turn_recall"]) == 0.0
    # cost per 100 questions follows the tokens at $1 per million input tokens (plus the judge and output)
    costs = {m: float(rows[m]["cost_per_100_questions_usd"]) for m in rows}
    assert costs["bm25"] < costs["full"] and costs["full"] >= 100 * tokens["full"] / 1_000_000
    assert rows["full"]["retrieval_ms_p50"] == "nan" and rows["full"]["recall_questions"] == ""
    for memory in ("bm25", "oracle", "none"):  # latency varies: present and ordered, never a value
        assert 0 <= float(rows[memory]["retrieval_ms_p50"]) <= float(rows[memory]["retrieval_ms_p95"])
        assert float(rows[memory]["model_seconds_per_question"]) >= 0
        assert rows[memory]["recall_questions"] == "10.0" and rows[memory]["no_known_evidence"] == "0.0"
    assert (tmp_path / "out" / "memory_systems.png").stat().st_size > 10_000
    # the paper's table 3 keeps only the full-context run
    assert [row["samples"] for row in rows_of(tmp_path / "out" / "memory_probing.csv")] == ["10"]


def _tested_tokens(sample: EvalSample) -> float:
    usage = sample.model_usage[ANSWERER]
    return float(usage.input_tokens + (usage.input_tokens_cache_read or 0))


def test_per_question_figures_come_from_the_deduplicated_samples_of_overlapping_runs(tmp_path: Path) -> None:
    """Two runs of one identity that share questions: each question counts once (the later log's copy), so
    tokens and cost per question are the mean over those samples, not run totals over summed answers."""
    logs = tmp_path / "logs"
    first = run(logs, memory="bm25", conversations=1, categories="1,3")
    second = run(logs, memory="bm25", conversations=1, categories=3, top_k=10)
    report_runs = load_runs([logs], load_cost_config(prices(tmp_path)))
    build_report(report_runs, tmp_path / "out")
    [row] = rows_of(tmp_path / "out" / "memory_systems.csv")
    latest: dict[str, EvalSample] = {}
    for location in (first, second):
        for sample in read_eval_log(location).samples or []:
            latest[str(sample.id)] = sample
    assert row["samples"] == str(len(latest)) == "40"  # 30 multi-hop + 10 commonsense, each once
    expected = sum(_tested_tokens(s) for s in latest.values()) / len(latest)
    assert float(row["input_tokens_per_question"]) == pytest.approx(expected)
    summed = sum(run.model_usage.input_tokens for run in report_runs.usable) / sum(
        run.samples for run in report_runs.usable
    )
    assert not math.isclose(expected, summed)  # what summing the overlapping runs would have shown
    judges = [s.role_usage.get("grader", ModelUsage()) for s in latest.values()]  # cached verdicts cost 0
    judge = sum(usage.input_tokens for usage in judges) / len(latest)
    output = sum(s.model_usage[ANSWERER].output_tokens for s in latest.values()) / len(latest)
    judge_output = sum(usage.output_tokens for usage in judges) / len(latest)
    dollars = (expected + judge + 2 * (output + judge_output)) / 1_000_000
    assert float(row["cost_per_100_questions_usd"]) == pytest.approx(100 * dollars)


def test_datasets_have_tables_of_their_own_and_panels_of_their_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    drawn: list[MplFigure] = []

    def keep(figure: MplFigure, path: Path, dpi: int = 0) -> Path:
        drawn.append(figure)
        return path

    monkeypatch.setattr(memory_systems, "save_figure", keep)
    monkeypatch.setattr(retrieval, "save_figure", keep)
    logs = tmp_path / "logs"
    for dataset in ("realtalk", "locomo"):
        for memory in ("oracle", "bm25", "recent"):
            run(logs, limit=3, dataset=dataset, conversations=1, categories=2, memory=memory, top_k=2)
    report = build_report(load_runs([logs], load_cost_config()), tmp_path / "out")
    for title in ("REALTALK: quality", "LoCoMo: quality", "LoCoMo: cost and latency per question"):
        assert f"### {title}" in report.markdown
    rows = rows_of(tmp_path / "out" / "memory_systems.csv")
    assert sorted(row["dataset"] for row in rows) == ["locomo"] * 3 + ["realtalk"] * 3
    assert "| 2 sessions |" in report.markdown and "| 2 |" in report.markdown  # recent's k counts sessions
    frontier, curves = drawn
    assert [axis.get_title() for axis in frontier.axes] == ["REALTALK", "LoCoMo"]
    [legend] = frontier.legends  # one legend for both panels, outside the axes
    assert len(legend.get_texts()) == 6
    markers = {
        (line.get_marker(), line.get_color())
        for axis in frontier.axes
        for line in axis.get_lines()
        if line.get_marker() not in ("_", "None")  # error bar caps
    }
    assert len(markers) == 6  # every row its own marker and colour
    assert [axis.get_title() for axis in curves.axes] == [
        "REALTALK: turn level",
        "REALTALK: session level",
        "LoCoMo: turn level",
        "LoCoMo: session level",
    ]
    assert all(len(axis.get_lines()) == 1 for axis in curves.axes)  # bm25 alone ranks


def test_retrieval_section_reports_recall_at_k_per_level_and_category(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    run(logs, memory="bm25", top_k=10, conversations=2, categories="1,3")
    runs = load_runs([logs], load_cost_config())
    report = build_report(runs, tmp_path / "out")
    assert "## Retrieval ranking" in report.markdown
    chosen = retrieval.ranked_pools(runs.usable)
    labels = retrieval.curve_labels(chosen, ["model", "memory"])
    assert labels == ["realtalk/mock/answer, memory=bm25"]  # one curve, still named by its system
    details = rows_of(tmp_path / "out" / "retrieval_ranking.csv")
    assert {(row["level"], row["category"]) for row in details} == {
        (level, category) for level in ("turn", "session") for category in ("multi_hop", "commonsense", "all")
    }
    [systems] = rows_of(tmp_path / "out" / "memory_systems.csv")
    overall = {row["level"]: row for row in details if row["category"] == "all"}
    for level in ("turn", "session"):
        curve = [float(overall[level][f"recall_at_{k}"]) for k in (1, 3, 5, 10, 20, 50)]
        assert curve == sorted(curve) and 0 < curve[-1] <= 1
        assert float(overall[level]["recall_at_10"]) == pytest.approx(float(systems[f"{level}_recall"]))
    png = tmp_path / "out" / "retrieval_recall.png"
    assert png.stat().st_size > 10_000


def test_counts_of_evidence_and_empty_contexts_and_memuse_rows(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    run(logs, memory="oracle", conversations=5, categories=3)
    report = build_report(load_runs([logs], load_cost_config()), tmp_path / "out", with_paper=True)
    [row] = rows_of(tmp_path / "out" / "memory_systems.csv")
    assert (
        row["no_known_evidence"] == row["empty_contexts"] == "2.0"
    )  # Chat_5 q009, q072: the oracle shows nothing
    assert float(row["recall_questions"]) == float(row["samples"]) - 2 and float(row["turn_recall"]) == 1.0
    assert float(row["unknown_evidence"]) >= 2
    assert (
        "MemUse (other protocol, GPT-4.1-mini): RAG-10" in report.markdown and "| 0.295 |" in report.markdown
    )


def test_rows_on_different_datasets_are_different_rows(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    for dataset in ("realtalk", "locomo"):
        run(logs, limit=3, dataset=dataset, conversations=1, categories=2, memory="oracle")
    build_report(load_runs([logs], load_cost_config()), tmp_path / "out")
    rows = rows_of(tmp_path / "out" / "memory_systems.csv")
    assert sorted(row["dataset"] for row in rows) == ["locomo", "realtalk"]
    assert all(row["memory"] == "oracle" and row["samples"] == "3" for row in rows)


def test_builder_tokens_appear_once_per_conversation_and_per_question(tmp_path: Path) -> None:
    def builder(messages: list[Any], *_: object) -> str:
        return "They met and talked about their week."

    logs = tmp_path / "logs"
    [log] = eval(
        memory_probing(memory="summary", conversations="1,2", categories=3),
        model=get_model(ANSWERER, reply="Tiramisu", memoize=False),
        model_roles={
            "grader": get_model("realtalk/mock/judge", reply='{"score": 1}', memoize=False),
            "memory_builder": get_model("realtalk/builder", custom_outputs=builder, memoize=False),
        },
        log_dir=str(logs),
        display="none",
    )
    samples = read_eval_log(log.location).samples or []
    per_conversation = {
        s.metadata["conversation_id"]: s.metadata["memory_builder"]["total_tokens"] for s in samples
    }
    report = build_report(load_runs([logs], load_cost_config()), tmp_path / "out")
    [row] = rows_of(tmp_path / "out" / "memory_systems.csv")
    total = sum(per_conversation.values())
    assert float(row["builder_tokens_per_conversation"]) == pytest.approx(total / 2)
    assert float(row["builder_tokens_per_question"]) == pytest.approx(total / len(samples))
    spent = sum(
        s.role_usage["memory_builder"].total_tokens for s in samples if "memory_builder" in s.role_usage
    )
    assert spent == total  # the builder's role: once per conversation, not in the answers' tokens
    answers = sum(s.model_usage[ANSWERER].input_tokens for s in samples) / len(samples)
    assert float(row["input_tokens_per_question"]) == pytest.approx(answers)
    assert "builder tokens / q" in report.markdown
