"""The suite installs one top-level import name: a user's own `tasks.py` or `scorers/` never shadows ours."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from inspect_ai.log import list_eval_logs, read_eval_log


def test_registered_task_runs_from_a_directory_with_its_own_tasks_and_scorers(tmp_path: Path) -> None:
    # the invoke/celery convention: a project with its own tasks.py, and a scorers package of its own
    (tmp_path / "tasks.py").write_text(
        "raise RuntimeError('the user tasks.py was imported')\n", encoding="utf-8"
    )
    (tmp_path / "scorers").mkdir()
    (tmp_path / "scorers" / "__init__.py").write_text(
        "raise RuntimeError('the user scorers package was imported')\n", encoding="utf-8"
    )
    (tmp_path / "solvers.py").write_text(
        "raise RuntimeError('the user solvers.py was imported')\n", encoding="utf-8"
    )
    logs = tmp_path / "logs"
    grader = "grader={model: realtalk/mock, model_args: {reply: '{\"score\": 1}'}}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspect_ai",
            "eval",
            "realtalk_evals/memory_probing",
            "--model",
            "realtalk/mock",
        ]
        + ["--model-role", grader, "-T", "conversations=1", "--limit", "2", "--log-dir", str(logs)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [info] = list_eval_logs(str(logs))
    log = read_eval_log(info)
    assert log.status == "success" and log.eval.task == "realtalk_evals/memory_probing"
    assert log.samples is not None and len(log.samples) == 2
