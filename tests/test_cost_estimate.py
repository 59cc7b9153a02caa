"""`realtalk cost`: calls, tokens and dollars of a run before it starts, with no model called (issue 21, point
11). Checked against the same run on the OpenAI-compatible test server, which counts tokens by the same rule."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from command_line import INSPECT_EVAL, REALTALK, run_command
from inspect_ai.log import read_eval_log
from openai_server import last_user_text, start_openai_server
from tiny_models import TinyModels

from realtalk_evals.cli import main as realtalk_main
from realtalk_evals.cost_estimate import REPLY_TOKENS, recorded_reply
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.tasks.ei_analysis import ei_analysis

PRICES = """\
openai/gpt-4o: {input: 2.5, output: 10.0, input_cache_write: 2.5, input_cache_read: 1.25}
openai/gpt-4o-mini: {input: 0.15, output: 0.6, input_cache_write: 0.15, input_cache_read: 0.075}
"""
ROW = re.compile(r"^(model|grader|builder)\s+(\S+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+(\S+)", re.MULTILINE)


def rows(output: str) -> dict[str, tuple[int, int, int, str]]:
    """Model -> (calls, input tokens, output tokens, dollars) from the printed table."""
    number = lambda text: int(text.replace(",", ""))  # noqa: E731
    return {m[2]: (number(m[3]), number(m[4]), number(m[5]), m[6]) for m in ROW.finditer(output)}


def test_the_estimate_matches_the_run_it_estimates_and_calls_no_model(tmp_path: Path) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text(PRICES)
    task = ["-T", "conversations=1", "-T", "categories=temporal", "--limit", "3"]
    roles = ["--model", "openai/gpt-4o", "--model-role", "grader=openai/gpt-4o-mini"]

    def reply(messages: list[dict[str, Any]]) -> str:  # the replies the estimate assumes
        return recorded_reply(last_user_text(messages))

    with start_openai_server(reply=reply) as server:
        env = {**os.environ, **server.env()}
        command = ["cost", "memory_probing", *task, *roles, "--model-cost-config", str(prices)]
        estimate = run_command([*REALTALK, *command], tmp_path, env)
        assert estimate.returncode == 0, estimate.stderr
        assert server.chat_requests == [], "the estimate called the provider"
        logs = ["--log-dir", str(tmp_path / "logs"), "--display", "none"]
        run = run_command(
            [*INSPECT_EVAL, "realtalk_evals/memory_probing", *task, *roles, *logs], tmp_path, env
        )
    assert run.returncode == 0, run.stderr
    [path] = (tmp_path / "logs").glob("*.eval")
    usage = read_eval_log(str(path)).stats.model_usage
    estimated = rows(estimate.stdout)
    assert set(estimated) == {"openai/gpt-4o", "openai/gpt-4o-mini"}
    for model, (calls, input_tokens, output_tokens, dollars) in estimated.items():
        actual = usage[model]
        sent = actual.input_tokens + (actual.input_tokens_cache_read or 0)  # cached or not, all were sent
        assert calls == 3
        # the server counts characters // 4, the estimate rounds up: at most one token apart per call
        assert sent <= input_tokens <= sent + calls
        assert abs(output_tokens - actual.output_tokens) <= calls
        price_in, price_out = (2.5, 10.0) if model == "openai/gpt-4o" else (0.15, 0.6)
        expected = (input_tokens * price_in + output_tokens * price_out) / 1e6
        assert float(dollars) == pytest.approx(expected, abs=6e-5)
    answers = usage["openai/gpt-4o"]
    assert answers.output_tokens == pytest.approx(3 * REPLY_TOKENS, abs=3)
    assert "total: US$" in estimate.stdout


def test_grader_calls_follow_the_task_and_a_missing_price_is_said(
    tiny_model_env: TinyModels, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["-T", "speaker=Emi", "-T", "max_per_speaker=2", "-T", "discrimination=true"]
    assert realtalk_main(["cost", "persona_simulation", *args, "--model", "openai/gpt-4o"]) == 0
    out = capsys.readouterr().out
    estimated = rows(out)
    # per sample: one reply; three EI judges on each of the simulated and the real message, two discrimination
    # prompts (both orders)
    assert estimated["openai/gpt-4o"][0] == 2 and estimated["openai/gpt-4o-mini"][0] == 2 * 8
    assert estimated["openai/gpt-4o"][3] == "no" and "(give --model-cost-config FILE)" in out

    messages = len(ei_analysis(conversations=1, sessions=1).dataset)
    assert (
        realtalk_main(["cost", "ei_analysis", "-T", "conversations=1", "-T", "sessions=1", "--model", "m/x"])
        == 0
    )
    [(calls, *_)] = rows(capsys.readouterr().out).values()
    assert calls == 3 * messages  # the model under test is the EI judge: three calls a message

    memory = ["-T", "conversations=1", "--limit", "2", "--model", "m/x", "--model-role", "grader=g/y"]
    assert realtalk_main(["cost", "memory_probing", *memory, "-T", "judge_votes=3"]) == 0
    assert rows(capsys.readouterr().out)["g/y"][0] == 3 * 2  # each of the judge's votes is a call


def test_memory_builder_calls_are_their_own_row_and_the_builder_is_never_called(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # a builder that fails if called: no server listens on port 9
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-used")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    args = ["-T", "memory=summary", "-T", "conversations=1", "-T", "memory_builder=openai/gpt-4.1-mini"]
    assert realtalk_main(["cost", "memory_probing", *args, "--model", "m/x", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    sessions = len(next(c for c in load_conversations() if c.id.startswith("Chat_1_")).sessions)
    assert re.search(rf"^builder\s+openai/gpt-4.1-mini\s+{sessions}\s", out, re.MULTILINE), out
    assert rows(out)["m/x"][0] == 2  # the two answers; building is not counted as the model's


def test_provider_extras_install_the_packages_inspects_providers_need() -> None:
    """`pip install -e ".[anthropic]"` (or `.[openai]`) gives the provider package at the minimum version Inspect
    0.3.285's providers check (`validate_anthropic_client`: 2.0.0, `validate_openai_client`: 3.4.0)."""
    import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    extras = pyproject["project"]["optional-dependencies"]
    assert extras["anthropic"] == ["anthropic>=2.0.0"] and extras["openai"] == ["openai>=3.4.0"]
