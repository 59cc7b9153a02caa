"""REALTALK benchmarks for Inspect: dataset, prompts and rendering shared by the tasks."""

import os

LAUNCH_DIRECTORY = os.getcwd()
"""The directory the process was in when the suite was first imported: where the user runs `inspect` from.

Inspect loads the suite's entry point before it moves into a task file's folder to build a task, so relative
paths in task parameters are read from here (realtalk_evals.parameters.user_directory)."""
