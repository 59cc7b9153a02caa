"""`realtalk report`: judge calibration rates and judge-corrected accuracy, from real logs of mock-model runs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import list_eval_logs, read_eval_log
from inspect_ai.model import ChatMessage, Model, ModelOutput, get_model
from test_judge_calibration import gold_and_prediction

from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.prompts import CALIBRATION_VAGUE
from realtalk_evals.reporting.pricing import load_cost_config
from realtalk_evals.reporting.report import build_report
from realtalk_evals.reporting.runs import load_runs
from realtalk_evals.tasks.judge_calibration import judge_calibration
from realtalk_evals.tasks.memory_probing import memory_probing

GOLD = {qa.question: qa.answer for qa in select_conversations(1)[0].qa}
VAGUE = {text for texts in CALIBRATION_VAGUE.values() for text in texts}


def half_right(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """The gold answer to questions of even length, an abstention to the others."""
    question = messages[-1].text.rsplit("Question: ", 1)[1].split("\n")[0]
    answer = GOLD[question] if len(question) % 2 == 0 else "I don't know."
    return ModelOutput.from_content(model="answerer", content=answer)


def vague_loving(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Accepts an answer that contains the gold, and any vague answer: a generous judge."""
    gold, prediction = gold_and_prediction(messages[-1].text)
    accepted = gold in prediction or prediction in VAGUE
    return ModelOutput.from_content(model="judge", content=f'{{"score": {int(accepted)}}}')


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _memory(log_dir: Path, grader: Model | str, **task_args: object) -> None:
    [log] = eval(
        memory_probing(conversations=1, categories=3, **task_args),  # type: ignore[arg-type]
        model=get_model("realtalk/answerer", custom_outputs=half_right, memoize=False),
        model_roles={"grader": grader},
        log_dir=str(log_dir),
        display="none",
    )
    assert log.status == "success"


def _calibration(log_dir: Path, judge: Model) -> None:
    [log] = eval(
        judge_calibration(conversations=1, categories=3, judge_prompts="released"),
        model=judge,
        log_dir=str(log_dir),
        display="none",
    )
    assert log.status == "success"


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log_dir = tmp_path_factory.mktemp("correction")
    judge = get_model("realtalk/generous", custom_outputs=vague_loving, memoize=False)
    _calibration(log_dir, judge)
    _memory(log_dir, judge)  # joins
    _memory(log_dir, judge, judge_prompt="suite")  # a prompt the calibration did not measure
    _memory(log_dir, get_model("realtalk/mock/other", reply='{"score": 1}'))  # another judge
    _memory(log_dir, judge, judge_votes=3)  # a majority of votes is not the judge that was calibrated
    return log_dir


def test_calibration_rates_per_kind_with_wilson_intervals(logs: Path, tmp_path: Path) -> None:
    report = build_report(load_runs([logs], load_cost_config()), tmp_path)
    assert "## Judge calibration" in report.markdown
    rows = {row["category"]: row for row in _csv(tmp_path / "judge_calibration.csv")}
    assert set(rows) == {"commonsense", "all"}
    row = rows["all"]
    assert float(row["sensitivity_mean"]) == 1.0 and float(row["gold_padded_mean"]) == 1.0
    assert float(row["vague_mean"]) == 1.0 and float(row["other_gold_mean"]) == 0.0
    # false accepts: the vague answers among other_gold, abstention and vague (each one per question)
    n = int(row["false_accept_n"])
    assert float(row["false_accept_mean"]) == pytest.approx(int(row["vague_n"]) / n)
    assert (
        0.0
        < float(row["false_accept_ci_low"])
        < float(row["false_accept_mean"])
        < float(row["false_accept_ci_high"])
    )
    # kappa from the samples equals the kappa the task's scorer logged (one epoch, every candidate readable)
    [calibration] = [
        log
        for log in map(read_eval_log, list_eval_logs(str(logs)))
        if log.eval.task.endswith("judge_calibration")
    ]
    assert calibration.results is not None
    [logged] = [
        s.metrics["cohen_kappa"].value for s in calibration.results.scores if s.name == "kappa_released"
    ]
    assert 0.0 < float(row["kappa"]) < 1.0 and float(row["kappa"]) == pytest.approx(logged)


def test_corrected_accuracy_joins_the_same_judge_and_refuses_the_others(logs: Path, tmp_path: Path) -> None:
    report = build_report(load_runs([logs], load_cost_config()), tmp_path)
    assert "## Judge-corrected accuracy (memory probing)" in report.markdown
    rows = _csv(tmp_path / "corrected_accuracy.csv")
    assert {row["category"] for row in rows} == {"commonsense", "all"}  # only the run that joins
    row = next(row for row in rows if row["category"] == "all")
    assert row["judge_prompt"] == "released" and row["judge_votes"] == "1"
    accepted, sens, spec = float(row["accepted"]), float(row["sensitivity"]), float(row["specificity"])
    assert sens == 1.0 and 0.0 < spec < 1.0
    assert accepted == pytest.approx(float(row["llm_accuracy"]))  # a 0/1 judge: accepted is LLM accuracy
    expected = min(max((accepted + spec - 1) / (sens + spec - 1), 0.0), 1.0)
    assert float(row["corrected"]) == pytest.approx(expected)
    assert float(row["corrected_ci_low"]) <= float(row["corrected"]) <= float(row["corrected_ci_high"])
    assert row["rates_from"] == "all categories"  # fewer than 30 commonsense candidates of each kind
    refused = report.markdown.split("Runs not corrected:", 1)[1]
    assert "not measured judge prompt 'suite' (only released)" in refused
    assert (
        "another judge (realtalk/generous" in refused and "the run's grader is realtalk/mock/other" in refused
    )
    assert "judged with judge_votes=3: judge_calibration measures a single vote" in refused


def test_an_uninformative_judge_gives_no_corrected_number(tmp_path: Path) -> None:
    """A judge that accepts every answer: sensitivity 1, specificity 0."""
    logs = tmp_path / "logs"
    yes = get_model("realtalk/mock/yes", reply='{"score": 1}')
    _calibration(logs, yes)
    _memory(logs, yes)
    report = build_report(load_runs([logs], load_cost_config()), tmp_path / "out")
    rows = _csv(tmp_path / "out" / "corrected_accuracy.csv")
    assert rows and all(row["corrected"] == "nan" for row in rows)
    assert all(row["problem"].startswith("not identifiable") for row in rows)
    assert "not identifiable: sensitivity + specificity - 1 = 0.000" in report.markdown
