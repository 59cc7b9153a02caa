"""`realtalk report`: the length-bias and judge-agreement sections, from real logs of mock-model runs."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from inspect_ai import eval
from inspect_ai.log import EvalSample
from inspect_ai.model import ChatMessage, ModelOutput, get_model
from scipy.stats import spearmanr

from realtalk_evals.reporting.pricing import load_cost_config
from realtalk_evals.reporting.report import build_report
from realtalk_evals.reporting.runs import load_runs
from realtalk_evals.tasks.memory_probing import memory_probing

WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def score_dict(sample: EvalSample, scorer: str = "llm_judge") -> dict[str, Any]:
    """A sample's dict-valued score."""
    assert sample.scores is not None
    value = sample.scores[scorer].value
    assert isinstance(value, dict)
    return value


def _question(messages: list[ChatMessage]) -> str:
    return messages[-1].text.rsplit("Question: ", 1)[1].split("\n")[0]


def answer_length(question: str) -> int:
    """A length of 1 to 12 words chosen by the question, so every bucket up to 11-20 is used."""
    return 1 + len(question) % 12


def wordy(messages: list[ChatMessage], *_: object) -> ModelOutput:
    return ModelOutput.from_content(
        model="wordy", content=" ".join(WORDS[: answer_length(_question(messages))])
    )


def prediction(messages: list[ChatMessage]) -> str:
    return messages[-1].text.split("Model's prediction: ", 1)[1].split("\n\nAssign")[0]


def long_answer_judge(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Accepts any answer of six words or more: a judge with a pure length bias."""
    score = int(len(prediction(messages).split()) >= 6)
    return ModelOutput.from_content(model="judge", content=f'{{"score": {score}}}')


def odd_judge(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Accepts answers of an odd number of words: disagrees with the length judge on about half."""
    score = len(prediction(messages).split()) % 2
    return ModelOutput.from_content(model="judge2", content=f'{{"score": {score}}}')


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def panel_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log_dir = tmp_path_factory.mktemp("panel")
    eval(
        memory_probing(conversations=1),
        model=get_model("realtalk/wordy", custom_outputs=wordy, memoize=False),
        model_roles={
            "grader": [
                get_model("realtalk/length", custom_outputs=long_answer_judge, memoize=False),
                get_model("realtalk/odd", custom_outputs=odd_judge, memoize=False),
            ]
        },
        log_dir=str(log_dir),
        display="none",
    )
    return log_dir


@pytest.mark.slow
def test_length_bias_table_shows_a_length_loving_judge(panel_logs: Path, tmp_path: Path) -> None:
    runs = load_runs([panel_logs], load_cost_config())
    report = build_report(runs, tmp_path)
    assert "## Length bias (memory probing)" in report.markdown
    rows = _csv(tmp_path / "length_bias.csv")
    [log] = [run.log for run in runs.usable]
    assert log.samples is not None
    lengths = [len(s.output.completion.split()) for s in log.samples]
    panel = [score_dict(s)["llm_accuracy"] for s in log.samples]  # type: ignore[index]
    by_bucket = {row["words"]: row for row in rows}
    assert set(by_bucket) == {"1-2", "3-5", "6-10", "11-20"}
    assert int(by_bucket["1-2"]["n"]) == sum(n <= 2 for n in lengths)
    # 1-2 words: only the odd judge can accept (the 1-word answers): panel mean is half their share
    ones = sum(n == 1 for n in lengths)
    assert float(by_bucket["1-2"]["llm_accuracy"]) == pytest.approx(0.5 * ones / sum(n <= 2 for n in lengths))
    rho = float(rows[0]["rho_length_llm"])
    assert rho == pytest.approx(spearmanr(lengths, panel).statistic)
    assert rho > 0.5


def test_judge_agreement_table_is_krippendorffs_alpha_of_the_panel(panel_logs: Path, tmp_path: Path) -> None:
    runs = load_runs([panel_logs], load_cost_config())
    report = build_report(runs, tmp_path)
    assert "## Judge agreement (memory probing, judge panels)" in report.markdown
    [row] = _csv(tmp_path / "judge_agreement.csv")
    assert row["grader"] == "realtalk/length, realtalk/odd"
    [log] = [run.log for run in runs.usable]
    assert log.samples is not None
    lengths = [len(s.output.completion.split()) for s in log.samples]
    first = [float(n >= 6) for n in lengths]
    second = [float(n % 2) for n in lengths]
    expected = krippendorff.alpha(reliability_data=np.array([first, second]), level_of_measurement="interval")
    assert float(row["alpha_all"]) == pytest.approx(expected)
    assert float(row["unanimous"]) == pytest.approx(np.mean(np.array(first) == np.array(second)))
    temporal = [i for i, s in enumerate(log.samples) if s.metadata["category_name"] == "temporal"]
    expected_temporal = krippendorff.alpha(
        reliability_data=np.array([[first[i] for i in temporal], [second[i] for i in temporal]]),
        level_of_measurement="interval",
    )
    assert float(row["alpha_temporal"]) == pytest.approx(expected_temporal)
