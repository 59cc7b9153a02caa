"""`realtalk report` on real logs of mock-model runs: tables match the logs' sample scores, files are valid."""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import (
    ChatMessage,
    ModelCost,
    ModelInfo,
    ModelOutput,
    ModelUsage,
    get_model,
    set_model_info,
)

from realtalk_evals.cli import main
from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.reporting.pricing import load_cost_config, usage_cost
from realtalk_evals.reporting.stats import Z_95, estimate
from realtalk_evals.tasks.memory_probing import memory_probing

GOLD = {qa.question: qa.answer for qa in select_conversations(1)[0].qa}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _question(messages: list[ChatMessage]) -> str:
    return messages[-1].text.rsplit("Question: ", 1)[1].split("\n")[0]


def oracle(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Knows every answer, and reports a provider-style usage with cached input."""
    output = ModelOutput.from_content(model="oracle", content=GOLD[_question(messages)])
    output.usage = ModelUsage(
        input_tokens=100, output_tokens=5, total_tokens=1105, input_tokens_cache_read=1000
    )
    return output


def forgetful(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Right only on even-length questions."""
    question = _question(messages)
    answer = GOLD[question] if len(question) % 2 == 0 else "no idea"
    output = ModelOutput.from_content(model="forgetful", content=answer)
    output.usage = ModelUsage(input_tokens=1100, output_tokens=3, total_tokens=1103)
    return output


def judge(messages: list[ChatMessage], *_: object) -> ModelOutput:
    text = messages[-1].text
    prediction = text.split("Model's prediction: ", 1)[1].split("\n")[0]
    gold = text.split("Ground truth: ", 1)[1].split("\n")[0]
    return ModelOutput.from_content(model="judge", content=f'{{"score": {int(prediction == gold)}}}')


JUDGE_PRICE = ModelCost(input=3.0, output=5.0, input_cache_write=3.0, input_cache_read=1.0)
"""What Inspect's cost tracking knows of the judge while the runs are made (as from --model-cost-config)."""


@pytest.fixture(scope="module")
def compare_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log_dir = tmp_path_factory.mktemp("compare")
    with pytest.MonkeyPatch.context() as patch:
        # a cold generate cache, as on a new user's machine: the judge is really called
        patch.setenv("INSPECT_CACHE_DIR", str(tmp_path_factory.mktemp("inspect_cache")))
        set_model_info("realtalk/judge", ModelInfo(cost=JUDGE_PRICE))
        try:
            for name, reply in (("oracle", oracle), ("forgetful", forgetful)):
                for memory_input in ("conversation", "events"):
                    eval(
                        memory_probing(input=memory_input, conversations=1),  # type: ignore[arg-type]
                        model=get_model(f"realtalk/{name}", custom_outputs=reply, memoize=False),
                        model_roles={
                            "grader": get_model("realtalk/judge", custom_outputs=judge, memoize=False)
                        },
                        log_dir=str(log_dir),
                        display="none",
                    )
        finally:
            set_model_info("realtalk/judge", ModelInfo())  # priceless again for the other tests
    return log_dir


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _values(log: EvalLog, category: str, scorer: str) -> list[Any]:
    """The `scorer` values of the log's samples of one question category, as Inspect logged them."""
    assert log.samples is not None
    return [(s.scores or {})[scorer].value for s in log.samples if s.metadata["category_name"] == category]


@pytest.mark.slow
def test_report_tables_match_the_sample_scores_of_the_logs(
    compare_logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(compare_logs), "--out", str(tmp_path), "--with-paper"]) == 0
    printed = capsys.readouterr().out
    assert "## Memory probing (paper table 3)" in printed and "paper: gpt-4o-mini" in printed

    rows = {(r["model"], r["input"]): r for r in _csv(tmp_path / "memory_probing.csv")}
    assert set(rows) == {
        (f"realtalk/{m}", i) for m in ("oracle", "forgetful") for i in ("conversation", "events")
    }
    assert float(rows[("realtalk/oracle", "events")]["f1_all_mean"]) == 1.0

    for log_path in compare_logs.glob("*.eval"):
        log = read_eval_log(str(log_path))
        row = rows[(log.eval.model, log.eval.task_args["input"])]
        for category in ("multi_hop", "temporal", "commonsense"):
            f1 = _values(log, category, "partial_match")
            assert float(row[f"f1_{category}_mean"]) == pytest.approx(statistics.mean(f1))
            assert int(row[f"f1_{category}_n"]) == len(f1)
            half = Z_95 * statistics.stdev(f1) / math.sqrt(len(f1))
            assert float(row[f"f1_{category}_ci_high"]) == pytest.approx(statistics.mean(f1) + half)
            llm = [value["llm_accuracy"] for value in _values(log, category, "llm_judge")]
            assert float(row[f"llm_{category}_mean"]) == pytest.approx(statistics.mean(llm))
    forgetful = rows[("realtalk/forgetful", "conversation")]
    assert 0 < float(forgetful["f1_all_mean"]) < 1


def test_report_runs_table_carries_tokens_grader_commit_and_cost(compare_logs: Path, tmp_path: Path) -> None:
    assert main(["report", str(compare_logs), "--out", str(tmp_path / "out")]) == 0
    runs = _csv(tmp_path / "out" / "runs.csv")
    assert len(runs) == 4
    oracle_runs = [r for r in runs if r["model"] == "realtalk/oracle"]
    for run in oracle_runs:
        assert run["grader"] == "realtalk/judge"
        assert run["dataset commit"] == "b903e06a9770"
        assert run["samples"] == "70" and run["status"] == "success"
        # the model under test alone: the judge's calls (same log, same usage table) are not added
        assert (run["input tokens"], run["cached input tokens"], run["output tokens"]) == (
            "7000",
            "70000",
            "350",
        )
        # the grader's tokens and cost are the log's own per-role figures, priced by Inspect during the run
        grader = read_eval_log(run["logs"], header_only=True).stats.role_usage.get("grader", ModelUsage())
        assert (run["grader input tokens"], run["grader output tokens"]) == (
            str(grader.input_tokens),
            str(grader.output_tokens),
        )
        expected_grader_cost = (3.0 * grader.input_tokens + 5.0 * grader.output_tokens) / 1e6
        assert float(run["grader cost (USD)"]) == pytest.approx(expected_grader_cost, abs=5e-5)
        # Inspect had no price for the model under test, so its cost (and the run's) is unknown
        assert run["cost (USD)"] == run["total cost (USD)"] == "unknown price"
    # with a cold cache the first run's judge is called for every question; the second finds it cached
    judged = [r for r in oracle_runs if int(r["grader input tokens"]) > 0]
    assert len(judged) == 1 and int(judged[0]["grader output tokens"]) >= 70

    # a price file in Inspect's --model-cost-config format overrides: 7000 fresh at $1/M + 70000 cached at
    # $0.1/M + 350 out at $2/M; the judge repriced at $1000/M in and out
    prices = tmp_path / "prices.yaml"
    prices.write_text(
        "realtalk/oracle: {input: 1.0, output: 2.0, input_cache_write: 1.0, input_cache_read: 0.1}\n"
        "realtalk/judge: {input: 1000.0, output: 1000.0, input_cache_write: 1000.0, input_cache_read: 0}\n",
        encoding="utf-8",
    )
    out = tmp_path / "priced"
    assert main(["report", str(compare_logs), "--out", str(out), "--model-cost-config", str(prices)]) == 0
    priced = next(r for r in _csv(out / "runs.csv") if r["logs"] == judged[0]["logs"])
    model_cost = (7000 * 1.0 + 70000 * 0.1 + 350 * 2.0) / 1e6
    judge_cost = (int(priced["grader input tokens"]) + int(priced["grader output tokens"])) * 1000.0 / 1e6
    assert float(priced["cost (USD)"]) == pytest.approx(model_cost, abs=5e-5)
    assert float(priced["grader cost (USD)"]) == pytest.approx(judge_cost, abs=5e-5)
    assert float(priced["total cost (USD)"]) == pytest.approx(model_cost + judge_cost, abs=1e-4)
    assert usage_cost(
        "realtalk/oracle",
        ModelUsage(input_tokens=7000, output_tokens=350, input_tokens_cache_read=70000),
        load_cost_config(prices),
    ) == pytest.approx(model_cost)


def test_cost_config_in_another_format_is_refused(tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(
        '{"openai/gpt-4o": {"input": 2.5, "output": 10.0, "cached_input": 1.25}}', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="--model-cost-config format"):
        load_cost_config(prices)
    assert load_cost_config(None) == {}


def test_report_relative_drop_and_png_files(compare_logs: Path, tmp_path: Path) -> None:
    assert main(["report", str(compare_logs), "--out", str(tmp_path)]) == 0
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Relative drop from conversation (C) to events (E)" in markdown
    oracle_line = next(
        line
        for line in markdown.splitlines()
        if line.startswith("| realtalk/oracle | realtalk/judge | realtalk | 0%")
    )
    assert oracle_line.count("0%") == 8
    png = tmp_path / "memory_probing.png"
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 10_000


def test_estimate_is_mean_with_normal_95_percent_interval() -> None:
    e = estimate([1.0, 0.0, 1.0, 1.0, float("nan")])
    assert (e.mean, e.n) == (0.75, 4)
    assert e.half_width == pytest.approx(1.959963984540054 * 0.5 / 2)
    assert estimate([]).n == 0


def test_report_without_suite_logs_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path)]) == 1
    assert (
        "no memory_probing, persona_simulation, ei_analysis or judge_calibration log found"
        in capsys.readouterr().err
    )
