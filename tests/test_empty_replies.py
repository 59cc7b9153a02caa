"""Replies that are not answers: `content: null` is scored as an empty answer and counted per run (log metric,
report column); `choices: []` ends in one clear, recorded error instead of an IndexError (issue 21, point 14)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import pytest
from command_line import INSPECT_EVAL, printed, run_command
from inspect_ai import eval
from inspect_ai.log import read_eval_log
from inspect_ai.model import get_model
from openai_server import NO_CHOICES, last_user_text, start_openai_server

from realtalk_evals.cli import main as realtalk_main
from realtalk_evals.scorers.llm_judge import EMPTY_REPLY
from realtalk_evals.tasks.memory_probing import memory_probing


def null_answers(messages: list[dict[str, Any]]) -> str | None:
    """The answering model sends `content: null`; the judge grades normally."""
    return '{"score": 0}' if "ground truth" in last_user_text(messages) else None


def test_content_null_is_recorded_as_an_empty_reply_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_openai_server(reply=null_answers) as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        [log] = eval(
            memory_probing(conversations=1, categories=3),
            # not memoized: a later test's server must not get this test's (stopped) one
            model=get_model("openai/gpt-4o-mini", memoize=False),
            model_roles={"grader": get_model("openai/gpt-4o", memoize=False)},
            log_dir=str(tmp_path / "logs"),
            display="none",
            limit=2,
        )
        bodies = [r.body for r in server.chat_requests]
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None and len(log.samples) == 2
    assert sum("ground truth" in str(body) for body in bodies) == 2
    for sample in log.samples:
        assert sample.output.completion == ""
        score = sample.scores["llm_judge"]  # type: ignore[index]
        assert score.value == {"llm_accuracy": 0.0, "judge_failure": 0.0}
        assert f"prediction: {EMPTY_REPLY}" in (score.explanation or "")
        assert sample.scores["empty_reply"].value == 1.0  # type: ignore[index]
    assert log.results is not None
    [counted] = [s for s in log.results.scores if s.name == "empty_reply"]
    assert counted.metrics["count"].value == 2.0

    assert realtalk_main(["report", str(tmp_path / "logs"), "--out", str(tmp_path / "report")]) == 0
    [row] = list(csv.DictReader((tmp_path / "report" / "runs.csv").open(encoding="utf-8")))
    assert row["empty replies"] == "2" and row["judge failures"] == "0"


def test_a_reply_without_choices_ends_in_one_recorded_message_not_an_index_error(tmp_path: Path) -> None:
    def no_choices(messages: list[dict[str, Any]]) -> str:
        return '{"score": 1}' if "ground truth" in last_user_text(messages) else NO_CHOICES

    with start_openai_server(reply=no_choices) as server:
        result = run_command(
            [*INSPECT_EVAL, "realtalk_evals/memory_probing", "--model", "openai/gpt-4o"]
            + ["--model-role", "grader=openai/gpt-4o-mini", "-T", "conversations=1"]
            + ["--limit", "2", "--log-dir", str(tmp_path), "--display", "plain"],
            tmp_path,
            {**os.environ, **server.env()},
        )
    [path] = tmp_path.glob("*.eval")
    log = read_eval_log(str(path))
    assert log.status == "error" and log.error is not None
    assert "openai/gpt-4o sent a reply without any choice (`choices: []`" in log.error.message
    assert "IndexError" not in log.error.message
    assert "sent a reply without any choice" in printed(result)
