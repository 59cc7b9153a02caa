"""Task versions in the Inspect Evals scheme `N-X`, as each task's eval.yaml declares them.

`N` (comparability) goes up when results stop being comparable with earlier runs: other samples, prompts,
scoring or defaults. `X` (interface, a letter) goes up when the task's interface changes (a parameter added,
renamed or removed) while results stay comparable. Neither part goes back (`2-B` -> `3-B`, never `3-A`).
Logs record `N` as the task version, so runs of one `N` are comparable (and pool in `realtalk report`), and
the whole `N-X` in the task's metadata (`eval_version`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PATTERN = re.compile(r"(\d+)-([A-Z]+)")
METADATA_KEY = "eval_version"


@dataclass(frozen=True)
class TaskVersion:
    text: str
    """`N-X`, e.g. `2-B`."""

    def __post_init__(self) -> None:
        if not PATTERN.fullmatch(self.text):
            raise ValueError(f"a task version is N-X (a number, a dash, capital letters), got {self.text!r}")

    @property
    def comparability(self) -> int:
        """`N`: what Inspect records as the task version."""
        return int(self.text.split("-")[0])

    @property
    def interface(self) -> str:
        return self.text.split("-")[1]

    @property
    def metadata(self) -> dict[str, Any]:
        """The whole version for the task's metadata (and so the log's)."""
        return {METADATA_KEY: self.text}

    def __str__(self) -> str:
        return self.text
