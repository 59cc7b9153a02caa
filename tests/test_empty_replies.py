"""A provider that answers `content: null`: the memory judge's explanation says the reply was empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import read_eval_log
from inspect_ai.model import get_model
from openai_server import last_user_text, start_openai_server

from realtalk_evals.scorers.llm_judge import EMPTY_REPLY
from realtalk_evals.tasks.memory_probing import memory_probing


def null_answers(messages: list[dict[str, Any]]) -> str | None:
    """The answering model sends `content: null`; the judge grades normally."""
    return '{"score": 0}' if "ground truth" in last_user_text(messages) else None


def test_content_null_is_recorded_as_an_empty_reply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with start_openai_server(reply=null_answers) as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        [log] = eval(
            memory_probing(conversations=1, categories=3),
            # not memoized: a later test's server must not get this test's (stopped) one
            model=get_model("openai/gpt-4o-mini", memoize=False),
            model_roles={"grader": get_model("openai/gpt-4o", memoize=False)},
            log_dir=str(tmp_path),
            display="none",
            limit=2,
        )
        bodies = [r.body for r in server.chat_requests]
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None and len(log.samples) == 2
    assert sum("ground truth" in str(body) for body in bodies) == 2
    for sample in log.samples:
        assert sample.output.completion == ""
        score = sample.scores["llm_accuracy"]  # type: ignore[index]
        assert score.value == {"llm_accuracy": 0.0, "judge_failure": 0.0}
        assert f"prediction: {EMPTY_REPLY}" in (score.explanation or "")
