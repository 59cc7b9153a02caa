"""Bad input stops cleanly before any model call; bad model output is scored by rule or counted as a failure."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import read_eval_log
from inspect_ai.model import get_model

from realtalk_evals.reporting.runs import score_value
from realtalk_evals.score_keys import JUDGE_FAILURE, LLM_ACCURACY, LLM_JUDGE
from realtalk_evals.tasks.memory_probing import memory_probing


def inspect_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inspect_ai", "eval", *args],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("task_args", "message"),
    [
        (
            ["-T", "conversations=Chat_42"],
            "unknown conversation 'Chat_42'; valid choices: 1 (Chat_1_Emi_Elise)",
        ),
        (["-T", "categories=spatial"], "unknown category 'spatial'; valid choices: 1 (multi_hop)"),
        (["-T", "input=memory"], "unknown input 'memory'; valid choices: conversation, events"),
        (["-T", "conversations=[]"], "conversations is empty: `-T conversations=` selects nothing"),
    ],
)
def test_bad_parameters_print_one_message_and_write_no_log(
    tmp_path: Path, task_args: list[str], message: str
) -> None:
    result = inspect_cli(
        "tasks/memory_probing.py", "--model", "realtalk/mock", "--log-dir", str(tmp_path), *task_args
    )
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert message in output
    assert "Traceback" not in output
    assert not list(tmp_path.glob("*.eval"))


@pytest.mark.slow
def test_corrupt_data_file_prints_one_message_naming_it_and_writes_no_log(
    tmp_path: Path, data_dir: Path
) -> None:
    broken = tmp_path / "data"
    shutil.copytree(data_dir, broken)
    target = broken / "Chat_5_Nicolas_Nebraas.json"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes()[:1000])  # truncated
    logs = tmp_path / "logs"
    result = inspect_cli(
        "tasks/memory_probing.py",
        "--model",
        "realtalk/mock",
        "--log-dir",
        str(logs),
        env={"REALTALK_DATA_DIR": str(broken)},
    )
    output = " ".join((result.stdout + result.stderr).split()).replace(" ", "")
    assert result.returncode != 0
    assert "Chat_5_Nicolas_Nebraas.jsonhasSHA-256" in output
    assert "Traceback" not in output
    assert not logs.exists() or not list(logs.glob("*.eval"))


ODD_ANSWERS = {
    "empty": "",
    "very long": "pasta " * 20000,
    "quotes and newlines": "\"Pasta\"\n\n'tiramisu'\n",
    "markup": "**Answer:** <b>Pasta</b>, `tiramisu`",
    "refusal": "I'm sorry, but I can't help with that.",
    "unicode": "パスタ 🍝 ﬁ\u200b",
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(ODD_ANSWERS))
def test_odd_answers_are_scored_by_the_f1_rule(tmp_path: Path, kind: str) -> None:
    model = get_model("realtalk/mock", reply=ODD_ANSWERS[kind], memoize=False)
    grader = get_model("realtalk/mock", reply='{"score": 0}', memoize=False)
    [log] = eval(
        memory_probing(conversations=1, categories=1),
        model=model,
        model_roles={"grader": grader},
        limit=5,
        log_dir=str(tmp_path),
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None and len(log.samples) == 5
    for sample in log.samples:
        value = sample.scores["partial_match"].value  # type: ignore[index]
        assert isinstance(value, float) and 0.0 <= value <= 1.0
    if kind == "empty":
        assert all(s.scores["partial_match"].value == 0.0 for s in log.samples)  # type: ignore[index]


@pytest.mark.parametrize(
    "reply", ['{"score": 1.5}', '{"score": -0.1}', '{"score": "1"}', '{"score": true}', "Score: 1", "", "{}"]
)
def test_unusable_judge_replies_are_counted_failures_not_scores(tmp_path: Path, reply: str) -> None:
    model = get_model("realtalk/mock", reply="pasta", memoize=False)
    grader = get_model("realtalk/mock", reply=reply, memoize=False)
    [log] = eval(
        memory_probing(conversations=1, categories=3),
        model=model,
        model_roles={"grader": grader},
        limit=3,
        log_dir=str(tmp_path),
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None
    for sample in log.samples:
        assert score_value(sample, LLM_JUDGE, JUDGE_FAILURE) == 1.0
        assert math.isnan(score_value(sample, LLM_JUDGE, LLM_ACCURACY))
    failures = next(s for s in log.results.scores if s.name == "judge_failure")  # type: ignore[union-attr]
    assert failures.metrics["count"].value == 3.0
