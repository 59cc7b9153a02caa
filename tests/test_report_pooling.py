"""What the report must never pool, and the logs it must skip: graders, epochs, corrupt files, foreign tasks."""

from __future__ import annotations

import csv
import logging
import math
import statistics
from pathlib import Path

import pytest
from inspect_ai import Task, eval, eval_set
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessage, ModelOutput, get_model
from inspect_ai.scorer import match
from inspect_ai.solver import generate

from realtalk_evals.cli import main
from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.reporting.runs import score_value
from realtalk_evals.reporting.stats import Z_95
from realtalk_evals.score_keys import PARTIAL_MATCH
from realtalk_evals.tasks.memory_probing import memory_probing

GOLD = {qa.question: qa.answer for qa in select_conversations(1)[0].qa}
QUESTIONS = 12


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _half_right(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Right on even-length questions only, so the per-question scores vary."""
    question = messages[-1].text.rsplit("Question: ", 1)[1].split("\n")[0]
    return ModelOutput.from_content(
        model="x", content=GOLD[question] if len(question) % 2 == 0 else "no idea"
    )


def _grader(score: int, label: str = "") -> object:
    return get_model(f"realtalk/mock{label}", reply=f'{{"score": {score}}}', memoize=False)


@pytest.mark.slow
def test_runs_judged_by_different_graders_are_separate_rows(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    for grader in (_grader(1), _grader(0)):  # one grader model, two arguments
        [log] = eval(
            memory_probing(conversations=1),
            model=get_model("realtalk/mock", reply="no idea", memoize=False),
            model_roles={"grader": grader},  # type: ignore[dict-item]
            limit=QUESTIONS,
            log_dir=str(logs),
            display="none",
        )
        assert log.status == "success"
    assert main(["report", str(logs), "--out", str(tmp_path / "out")]) == 0
    rows = _csv(tmp_path / "out" / "memory_probing.csv")
    assert len(rows) == 2 and len({row["grader"] for row in rows}) == 2
    assert sorted(float(row["llm_all_mean"]) for row in rows) == [0.0, 1.0]
    assert all(row["samples"] == str(QUESTIONS) for row in rows)


@pytest.mark.slow
def test_epochs_are_averaged_per_question_before_the_interval(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    [log] = eval(
        memory_probing(conversations=1),
        model=get_model("realtalk/mock", custom_outputs=_half_right, memoize=False),
        model_roles={"grader": _grader(1)},  # type: ignore[dict-item]
        limit=QUESTIONS,
        epochs=3,
        log_dir=str(logs),
        display="none",
    )
    assert log.status == "success" and log.samples is not None and len(log.samples) == 3 * QUESTIONS
    assert main(["report", str(logs), "--out", str(tmp_path / "out")]) == 0
    [row] = _csv(tmp_path / "out" / "memory_probing.csv")
    assert (row["samples"], row["epochs"], row["f1_all_n"]) == (str(QUESTIONS), "3", str(QUESTIONS))
    per_question = [
        statistics.mean(score_value(s, PARTIAL_MATCH) for s in log.samples if s.id == sample_id)
        for sample_id in dict.fromkeys(s.id for s in log.samples)
    ]
    half = Z_95 * statistics.stdev(per_question) / math.sqrt(QUESTIONS)
    assert float(row["f1_all_mean"]) == pytest.approx(statistics.mean(per_question))
    assert float(row["f1_all_ci_high"]) - float(row["f1_all_mean"]) == pytest.approx(half)
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert f"| {QUESTIONS} | 3 |" in markdown


def test_corrupt_logs_and_foreign_tasks_of_the_same_name_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    logs = tmp_path / "logs"
    [log] = eval(
        memory_probing(conversations=1),
        model=get_model("realtalk/mock", reply="no idea", memoize=False),
        model_roles={"grader": _grader(1)},  # type: ignore[dict-item]
        limit=3,
        log_dir=str(logs),
        display="none",
    )
    for name in ("memory_probing", "ei_analysis"):  # someone else's tasks, named like the suite's
        eval(
            Task(dataset=[Sample(input="x", target="y")], solver=generate(), scorer=match(), name=name),
            model=get_model("realtalk/mock", reply="y", memoize=False),
            log_dir=str(logs),
            display="none",
        )
    corrupt = logs / "2026-01-01T00-00-00+00-00_memory-probing_corrupt.eval"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    with caplog.at_level(logging.WARNING):
        assert main(["report", str(logs), "--out", str(tmp_path / "out")]) == 0
    assert corrupt.name in caplog.text and "not a readable Inspect log" in caplog.text
    assert caplog.text.count("that is not the suite's") == 2
    [row] = _csv(tmp_path / "out" / "runs.csv")
    assert row["logs"].endswith(Path(log.location).name)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert main(["analysis", str(logs), "--out", str(tmp_path / "analysis")]) == 1  # no ei_analysis log
    assert corrupt.name in caplog.text and "that is not the suite's" in caplog.text


@pytest.mark.slow
def test_an_eval_set_of_two_mock_models_reports_both(tmp_path: Path) -> None:
    logs = tmp_path / "compare"
    success, eval_logs = eval_set(
        "realtalk_evals/memory_probing",
        task_args={"conversations": 1},
        model=[
            get_model("realtalk/mock/a", reply="no idea", memoize=False),
            get_model("realtalk/mock/b", custom_outputs=_half_right, memoize=False),
        ],
        model_roles={"grader": get_model("realtalk/mock", reply='{"score": 1}', memoize=False)},
        limit=QUESTIONS,
        log_dir=str(logs),
        display="none",
    )
    assert success and len(eval_logs) == 2
    assert main(["report", str(logs), "--out", str(tmp_path / "out")]) == 0
    rows = {row["model"]: row for row in _csv(tmp_path / "out" / "memory_probing.csv")}
    assert set(rows) == {"realtalk/mock/a", "realtalk/mock/b"}
    assert float(rows["realtalk/mock/a"]["f1_all_mean"]) == 0.0
    assert 0 < float(rows["realtalk/mock/b"]["f1_all_mean"]) < 1
    assert {row["model"] for row in _csv(tmp_path / "out" / "runs.csv")} == set(rows)
