"""The network-free `realtalk/mock` provider: fixed, file-scripted and Python-scripted replies, local token counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import Model, ModelOutput, get_model
from inspect_ai.solver import generate

import realtalk_evals._registry  # noqa: F401  (registers the provider)
from realtalk_evals.errors import InputError

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.anyio


async def test_default_and_fixed_replies_with_usage_counted_offline() -> None:
    default = get_model("realtalk/mock", memoize=False)
    output = await default.generate("What is the capital of France?")
    assert output.completion == "Default output from realtalk/mock"
    assert output.usage is not None and output.usage.input_tokens > 0 and output.usage.output_tokens > 0

    fixed = get_model("realtalk/mock", reply='{"score": 1}', memoize=False)
    assert (await fixed.generate("x")).completion == '{"score": 1}'


async def test_replies_file_is_used_in_order_and_repeated(tmp_path: Path) -> None:
    path = tmp_path / "replies.json"
    path.write_text(json.dumps(["one", "two"]), encoding="utf-8")
    model = get_model("realtalk/mock", replies_file=str(path), memoize=False)
    assert [(await model.generate("q")).completion for _ in range(3)] == ["one", "two", "one"]


async def test_bad_replies_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "replies.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="non-empty JSON list of strings"):
        get_model("realtalk/mock", replies_file=str(path), memoize=False)


async def test_custom_outputs_accept_plain_strings() -> None:
    model = get_model("realtalk/mock", custom_outputs=["a", "b"], memoize=False)
    assert [(await model.generate("q")).completion for _ in range(2)] == ["a", "b"]


def _cached_answer(model: Model, log_dir: Path) -> str:
    """One sample answered through Inspect's generate cache."""
    [log] = eval(
        Task(dataset=[Sample(input="What is the capital of France?")], solver=generate(cache=True)),
        model=model,
        log_dir=str(log_dir),
        display="none",
    )
    assert log.status == "success" and log.samples is not None
    return log.samples[0].output.completion


def test_mocks_with_different_replies_never_share_cached_answers(tmp_path: Path) -> None:
    # both runs share this test's INSPECT_CACHE_DIR (tests/conftest.py)
    assert _cached_answer(get_model("realtalk/mock", reply="Paris", memoize=False), tmp_path) == "Paris"
    assert _cached_answer(get_model("realtalk/mock", reply="Lyon", memoize=False), tmp_path) == "Lyon"
    path = tmp_path / "replies.json"
    path.write_text(json.dumps(["Nice"]), encoding="utf-8")
    assert (
        _cached_answer(get_model("realtalk/mock", replies_file=str(path), memoize=False), tmp_path) == "Nice"
    )
    path.write_text(json.dumps(["Lille"]), encoding="utf-8")
    assert (
        _cached_answer(get_model("realtalk/mock", replies_file=str(path), memoize=False), tmp_path) == "Lille"
    )

    def paris(*_: object) -> ModelOutput:
        return ModelOutput.from_content(model="x", content="scripted Paris")

    def lyon(*_: object) -> ModelOutput:
        return ModelOutput.from_content(model="x", content="scripted Lyon")

    for function, answer in ((paris, "scripted Paris"), (lyon, "scripted Lyon")):
        model = get_model("realtalk/judge", custom_outputs=function, memoize=False)
        assert _cached_answer(model, tmp_path) == answer
    # the same reply is the same mock: its cached answer is reused
    again = get_model("realtalk/mock", reply="Paris", memoize=False)
    assert again.api.base_url == get_model("realtalk/mock", reply="Paris", memoize=False).api.base_url


async def test_a_reply_split_into_a_list_is_refused_with_what_to_do_instead() -> None:
    with pytest.raises(InputError, match="reply must be one text, got list") as error:
        get_model("realtalk/mock", reply=["a", " b"], memoize=False)
    assert "--model-config" in str(error.value) and "replies_file" in str(error.value)
    assert (await get_model("realtalk/mock", reply=42, memoize=False).generate("q")).completion == "42"
    # `-M reply='{"score": 1}'` reaches the provider as a mapping (YAML): it answers the JSON text
    parsed = get_model("realtalk/mock", reply={"score": 1}, memoize=False)
    assert (await parsed.generate("q")).completion == '{"score": 1}'


async def test_only_documented_names_run_the_mock() -> None:
    for name in ("realtalk/gpt-4o", "realtalk/mokc", "realtalk/mock/"):
        with pytest.raises(InputError, match="serves only realtalk/mock"):
            get_model(name, reply="x", memoize=False)
    assert (await get_model("realtalk/mock/a", reply="x", memoize=False).generate("q")).completion == "x"
    scripted = get_model("realtalk/oracle", custom_outputs=["y"], memoize=False)  # a test's scripted model
    assert (await scripted.generate("q")).completion == "y"


@pytest.mark.slow
def test_the_cli_prints_the_mocks_errors_as_one_line(tmp_path: Path) -> None:
    for model_args in (["--model", "realtalk/gpt-4o"], ["--model", "realtalk/mock", "-M", "reply=a, b"]):
        result = subprocess.run(
            [sys.executable, "-m", "inspect_ai", "eval", "tasks/memory_probing.py", *model_args],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
            cwd=REPO,
            env={**os.environ, "INSPECT_LOG_DIR": str(tmp_path)},
        )
        output = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in output
        assert "realtalk/mock" in output and not list(tmp_path.glob("*.eval"))
