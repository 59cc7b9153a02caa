"""One test per private Inspect name in realtalk_evals/inspect_private.py: each fails if Inspect changes it."""

from __future__ import annotations

import ast
import contextvars
import os
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import Task, eval, task
from inspect_ai.dataset import Sample
from inspect_ai.model import GenerateConfig, get_model
from inspect_ai.scorer import Metric, SampleScore, Score
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import RegistryInfo, registry_create, registry_info

import realtalk_evals
from realtalk_evals.inspect_private import (
    active_generate_config,
    active_model,
    init_model_roles,
    registry_add,
)

ROOT = Path(realtalk_evals.__file__).parent.parent


def test_no_private_inspect_import_outside_the_one_module() -> None:
    for folder in ("realtalk_evals", "tasks", "scorers", "solvers", "benchmarks", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "inspect_private.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                for module in modules:
                    private = module.startswith("inspect_ai") and any(
                        p.startswith("_") for p in module.split(".")
                    )
                    assert not private, f"{path.relative_to(ROOT)} imports {module}"


@pytest.mark.slow
def test_prerequisite_error_is_printed_by_the_cli_as_its_message_alone(tmp_path: Path) -> None:
    task_file = tmp_path / "bad.py"
    task_file.write_text(
        "from inspect_ai import task\n"
        "from realtalk_evals.inspect_private import PrerequisiteError\n"
        "@task\n"
        "def bad():\n"
        "    raise PrerequisiteError('the one line a user sees')\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "inspect_ai", "eval", task_file.name, "--model", "realtalk/mock"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "INSPECT_LOG_DIR": str(tmp_path / "logs")},
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "the one line a user sees" in output and "Traceback" not in output


@solver
def _record_config() -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        config = active_generate_config()
        assert isinstance(config, GenerateConfig)
        state.metadata["temperature"] = config.temperature
        state.metadata["max_tokens"] = config.max_tokens
        return state

    return solve


def test_active_generate_config_holds_the_runs_generation_settings(tmp_path: Path) -> None:
    [log] = eval(
        Task(dataset=[Sample(input="q")], solver=_record_config()),
        model=get_model("realtalk/mock"),
        temperature=0.3,
        max_tokens=17,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success" and log.samples is not None
    assert (log.samples[0].metadata["temperature"], log.samples[0].metadata["max_tokens"]) == (0.3, 17)


def test_init_model_roles_binds_a_role_outside_eval() -> None:
    grader = get_model("realtalk/mock/grader", reply="graded", memoize=False)
    init_model_roles({"grader": grader})
    assert get_model(role="grader") is grader


def test_active_model_is_the_evals_model_while_it_builds_a_task_and_none_outside(tmp_path: Path) -> None:
    """In a fresh context, as a new Python process has it (an earlier `eval()` in this process leaves its model
    bound in the caller's context, so the test does not depend on which tests ran before it)."""
    seen: list[object] = []

    @task
    def probe() -> Task:
        seen.append(active_model())
        return Task(dataset=[Sample(input="q")])

    def fresh_process() -> None:
        assert active_model() is None
        model = get_model("realtalk/mock/probe", memoize=False)
        [log] = eval(probe, model=model, log_dir=str(tmp_path), display="none")
        assert log.status == "success"

    contextvars.Context().run(fresh_process)
    assert len(seen) == 1 and seen[0] is not None and str(seen[0]) == "realtalk/mock/probe"


def test_registry_add_registers_a_metric_under_the_name_given() -> None:
    def total() -> Metric:
        def compute(scores: list[SampleScore]) -> float:
            return sum(s.score.as_float() for s in scores)

        return compute

    registry_add(total, RegistryInfo(type="metric", name="realtalk_test_total"))
    made = registry_create("metric", "realtalk_test_total")
    assert registry_info(total).name == "realtalk_test_total"
    scores = [SampleScore(score=Score(value=2.0)), SampleScore(score=Score(value=1.0))]
    assert made(scores) == 3.0  # type: ignore[arg-type]
