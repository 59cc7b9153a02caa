"""`realtalk report` on mock runs of both datasets: REALTALK against LoCoMo, per category, with the drop."""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import ChatMessage, ModelOutput, get_model
from locomo_judge import judge

from realtalk_evals.cli import main
from realtalk_evals.reporting.stats import Z_95
from realtalk_evals.tasks.memory_probing import memory_probing

TASKS = {
    "realtalk": memory_probing(conversations=1),
    "locomo": memory_probing(dataset="locomo", conversations=1),
}
GOLD = {str(s.input): str(s.target) for task in TASKS.values() for s in task.dataset}
LETTER = {
    str(s.input): next(k for k, v in s.metadata["options"].items() if v != s.target)  # the trap's letter
    for s in TASKS["locomo"].dataset
    if s.metadata and "options" in s.metadata
}


def _question(messages: list[ChatMessage]) -> str:
    return messages[-1].text.rsplit("Question: ", 1)[1].rsplit("\n\nAnswer:", 1)[0]


def half_right(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """The gold answer on even-length questions; otherwise a wrong answer, or the trap's letter."""
    question = _question(messages)
    answer = GOLD[question] if len(question) % 2 == 0 else LETTER.get(question, "no idea")
    return ModelOutput.from_content(model="half", content=answer)


@pytest.fixture(scope="module")
def both_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log_dir = tmp_path_factory.mktemp("both")
    for task in TASKS.values():
        eval(
            task,
            model=get_model("realtalk/half", custom_outputs=half_right, memoize=False),
            model_roles={"grader": get_model("realtalk/judge", custom_outputs=judge, memoize=False)},
            log_dir=str(log_dir),
            display="none",
        )
    return log_dir


def _log(log_dir: Path, dataset: str) -> EvalLog:
    for path in log_dir.glob("*.eval"):
        log = read_eval_log(str(path))
        if (log.eval.task_args.get("dataset") or "realtalk") == dataset:
            return log
    raise AssertionError(f"no {dataset} log")


def _scores(log: EvalLog, names: set[str], scorer: str) -> list[float]:
    assert log.samples is not None
    values = []
    for sample in log.samples:
        if sample.metadata["category_name"] in names:
            value = (sample.scores or {})[scorer].value
            values.append(float(value["llm_accuracy"] if isinstance(value, dict) else value))  # type: ignore[arg-type]
    return values


def _half_width(values: list[float]) -> float:
    return Z_95 * statistics.stdev(values) / math.sqrt(len(values))


@pytest.mark.slow
def test_report_puts_realtalk_and_locomo_side_by_side_with_the_drop(
    both_logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(both_logs), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "## Memory probing: REALTALK (real chats) vs. LoCoMo (LLM-generated chats)" in printed
    assert "LoCoMo trap rate" in printed

    with (tmp_path / "realtalk_vs_locomo.csv").open(encoding="utf-8") as handle:
        rows = {row["category"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"multi_hop", "temporal", "commonsense", "shared", "single_hop", "adversarial", "all"}
    realtalk, locomo = _log(both_logs, "realtalk"), _log(both_logs, "locomo")
    for category, locomo_name in (
        ("multi_hop", "multi_hop"),
        ("temporal", "temporal"),
        ("commonsense", "open_domain"),
    ):
        row = rows[category]
        for metric, scorer in (("f1", "partial_match"), ("llm", "llm_judge")):
            real = _scores(realtalk, {category}, scorer)
            generated = _scores(locomo, {locomo_name}, scorer)
            assert float(row[f"realtalk_{metric}_mean"]) == pytest.approx(statistics.mean(real))
            assert float(row[f"locomo_{metric}_mean"]) == pytest.approx(statistics.mean(generated))
            assert float(row[f"drop_{metric}_mean"]) == pytest.approx(
                statistics.mean(generated) - statistics.mean(real)
            )
            half = math.hypot(_half_width(real), _half_width(generated))
            assert float(row[f"drop_{metric}_ci_high"]) - float(row[f"drop_{metric}_mean"]) == pytest.approx(
                half
            )
    # LoCoMo-only categories have no REALTALK value and no drop
    assert rows["adversarial"]["realtalk_f1_n"] == "0" and rows["adversarial"]["drop_f1_mean"] == "nan"
    adversarial = _scores(locomo, {"adversarial"}, "partial_match")
    assert float(rows["adversarial"]["locomo_f1_mean"]) == pytest.approx(statistics.mean(adversarial))
    assert 0 < statistics.mean(adversarial) < 1
    shared = _scores(locomo, {"multi_hop", "temporal", "open_domain"}, "partial_match")
    assert int(rows["shared"]["locomo_f1_n"]) == len(shared) == 32 + 37 + 13

    # table 3 stays REALTALK's: the LoCoMo run is not pooled into it
    with (tmp_path / "memory_probing.csv").open(encoding="utf-8") as handle:
        [table3] = list(csv.DictReader(handle))
    assert table3["samples"] == "70"


@pytest.mark.slow
def test_no_locomo_run_means_no_comparison_section(tmp_path: Path, both_logs: Path) -> None:
    realtalk_only = tmp_path / "logs"
    realtalk_only.mkdir()
    log = _log(both_logs, "realtalk")
    target = realtalk_only / Path(log.location).name
    target.write_bytes(Path(log.location).read_bytes())
    assert main(["report", str(realtalk_only), "--out", str(tmp_path / "out")]) == 0
    assert not (tmp_path / "out" / "realtalk_vs_locomo.csv").exists()
