"""Paths the user gives (task parameters, environment variables) read from the directory the user runs from.

Inspect builds a task from a task file inside that file's folder (`inspect eval tasks/ei_analysis.py` builds it
in `tasks/`), so the current directory while a task is built is not the user's. The suite records the
directory the process was in when it was first imported (`realtalk_evals.LAUNCH_DIRECTORY`: Inspect loads the
suite's entry point before it changes directory) and reads every relative path from there.
"""

from __future__ import annotations

import os
from pathlib import Path

import realtalk_evals


def user_directory() -> Path:
    """The directory the user runs from: where the process was when the suite was first imported."""
    return Path(realtalk_evals.LAUNCH_DIRECTORY)


def user_path(value: str | os.PathLike[str]) -> Path:
    """`value` as an absolute path: `~` expanded, a relative path read from `user_directory()`."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else user_directory() / path
