"""The grader is made when the task is built: an unusable default judge stops the run before the model under
test answers anything (issue 21, point 1), with one message naming the `--model-role` to bind."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from command_line import INSPECT_EVAL, printed, run_command
from inspect_ai import eval
from inspect_ai.model import get_model
from openai_server import start_openai_server
from tiny_models import TinyModels

from realtalk_evals.errors import InputError
from realtalk_evals.tasks.memory_probing import memory_probing


def without_openai(env: dict[str, str]) -> dict[str, str]:
    """The environment with no OpenAI key or URL: the paper's default judge cannot be made."""
    return {k: v for k, v in env.items() if not k.startswith(("OPENAI_", "AZUREAI_OPENAI"))}


def counted(calls: list[object], reply: str) -> Callable[..., str]:
    """A mock model's outputs that record every call."""

    def answer(*request: object) -> str:
        calls.append(request)
        return reply

    return answer


def test_inspect_eval_without_a_grader_or_openai_key_stops_before_the_model_under_test_answers(
    tmp_path: Path,
) -> None:
    """The model under test is an OpenAI-compatible server under another service name (`openai-api/local/...`),
    so it works without OPENAI_API_KEY; the default grader, openai/gpt-4o-mini, does not."""
    with start_openai_server() as server:
        env = without_openai(dict(os.environ)) | {"LOCAL_API_KEY": "k", "LOCAL_BASE_URL": server.base_url}
        result = run_command(
            [*INSPECT_EVAL, "realtalk_evals/memory_probing", "--model", "openai-api/local/gpt-4o"]
            + ["-T", "conversations=1", "--limit", "3", "--log-dir", str(tmp_path / "logs")],
            tmp_path,
            env,
        )
        asked = len(server.chat_requests)
    output = printed(result)
    assert result.returncode != 0, output
    assert asked == 0, "the model under test was called before the grader was found unusable"
    assert "--model-role grader=PROVIDER/MODEL" in output and "No OPENAI_API_KEY" in output, output
    assert "Traceback" not in output and "[bold]" not in output
    assert len(output) < 400, output  # one message
    assert not list((tmp_path / "logs").glob("*.eval")), "no run started, so no log in error"


def test_a_bound_grader_role_is_not_replaced_by_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [k for k in os.environ if k.startswith("OPENAI_")]:
        monkeypatch.delenv(name)
    [log] = eval(
        "realtalk_evals/memory_probing",
        task_args={"conversations": 1},
        model="realtalk/mock",
        model_roles={"grader": "realtalk/mock/judge"},
        limit=1,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    grader = (log.eval.model_roles or {})["grader"]
    assert not isinstance(grader, list) and grader.model == "realtalk/mock/judge"


def test_persona_simulation_built_by_eval_without_a_usable_grader_stops_with_the_role_to_bind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_model_env: TinyModels
) -> None:
    for name in [k for k in os.environ if k.startswith("OPENAI_")]:
        monkeypatch.delenv(name)
    calls: list[object] = []
    with pytest.raises(InputError, match="--model-role grader="):
        eval(
            "realtalk_evals/persona_simulation",
            task_args={"speaker": "Emi", "max_per_speaker": 2},
            model=get_model("realtalk/counted", custom_outputs=counted(calls, "hi"), memoize=False),
            log_dir=str(tmp_path),
            display="none",
        )
    assert calls == []


def test_a_task_built_before_eval_stops_every_sample_before_its_model_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built in Python, the task cannot know the roles `eval()` will bind; `check_graders` runs first in
    each sample and stops it when no grader is bound and the default cannot be made."""
    for name in [k for k in os.environ if k.startswith("OPENAI_")]:
        monkeypatch.delenv(name)
    calls: list[object] = []
    task = memory_probing(conversations=1)
    [log] = eval(
        task,
        model=get_model("realtalk/counted", custom_outputs=counted(calls, "x"), memoize=False),
        limit=2,
        log_dir=str(tmp_path),
        display="none",
    )
    assert calls == []
    assert log.status == "error" and log.error is not None
    assert "--model-role grader=" in log.error.message


def inspect_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [*INSPECT_EVAL, "realtalk_evals/memory_probing", *args, "--log-dir", str(tmp_path / "logs")]
    return run_command(command, tmp_path)


def test_the_failures_only_inspect_reports_behave_as_docs_failures_md_says(tmp_path: Path) -> None:
    """docs/failures.md lists what the suite cannot check first; if Inspect changes, the page must too."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "failures.md").read_text(encoding="utf-8")
    no_provider = inspect_cli(tmp_path, "--model", "gpt-4o")
    assert no_provider.returncode == 1 and "Traceback" in no_provider.stdout + no_provider.stderr
    assert "`--model gpt-4o`" in page and "`--model openai/gpt-4o`" in page
    bad_role = inspect_cli(tmp_path, "--model", "realtalk/mock", "--model-role", "grader=nosuch/judge")
    assert bad_role.returncode == 1 and "Model API nosuch" in bad_role.stdout + bad_role.stderr
    checked = inspect_cli(tmp_path, "--model", "realtalk/mock", "-T", "graders=nosuch/judge")
    output = printed(checked)
    assert checked.returncode == 1 and "grader 'nosuch/judge' (graders) cannot be resolved" in output
    assert "Traceback" not in output and "`-T graders=nosuch/judge`" in page
    silent = inspect_cli(tmp_path, "--model", "realtalk/mock", "-T", "conversations=99", "--display", "none")
    assert silent.returncode == 1 and silent.stdout + silent.stderr == ""
    json = inspect_cli(
        tmp_path, "--model", "realtalk/mock", "-T", "conversations=99", "--display", "none", "--json"
    )
    assert json.returncode == 1 and "unknown conversation 99" in json.stderr
    assert "`--display none`" in page and "`--json`, which prints the message on stderr" in page
