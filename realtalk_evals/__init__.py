"""REALTALK benchmarks for Inspect: dataset, prompts and rendering shared by the tasks."""

import os

try:
    LAUNCH_DIRECTORY = os.getcwd()
except OSError:  # started in a directory that has since been removed: relative paths cannot be read anyway
    LAUNCH_DIRECTORY = os.path.abspath(os.sep)
"""The directory the process was in when the suite was first imported: where the user runs `inspect` from.

Inspect loads the suite's entry point before it moves into a task file's folder to build a task, so relative
paths in task parameters are read from here (realtalk_evals.user_paths)."""
