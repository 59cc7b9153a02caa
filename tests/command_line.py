"""Running the suite's commands as a user does, in a subprocess: `inspect eval ...`, `realtalk ...`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

INSPECT_EVAL = [sys.executable, "-m", "inspect_ai", "eval"]
REALTALK = [str(Path(sys.executable).parent / "realtalk")]


def run_command(
    command: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`command` in `cwd` with `env` (default: this process's environment) and a console wide enough that
    messages are not wrapped mid-word."""
    return subprocess.run(
        list(command),
        cwd=cwd,
        env={**(os.environ if env is None else env), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def printed(result: subprocess.CompletedProcess[str]) -> str:
    """Everything the command printed, as one line (the console may still wrap long messages)."""
    return " ".join((result.stdout + result.stderr).split())
