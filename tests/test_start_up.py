"""A light start-up: every `inspect` command imports the suite's entry point, so it must not load the heavy
libraries that only some tasks, scorers or reports use (they are imported where they are needed)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "transformers", "sklearn", "matplotlib", "scipy", "pandas")

LOAD_ENTRY_POINT = f"""
import json, sys
from importlib.metadata import entry_points

[entry_point] = [e for e in entry_points(group="inspect_ai") if e.name == "realtalk_evals"]
registry = entry_point.load()
assert registry.__name__ == "realtalk_evals._registry", registry.__name__
print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def test_loading_the_inspect_entry_point_imports_no_heavy_library() -> None:
    # a fresh interpreter: in this one the other tests have long imported all of them
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD_ENTRY_POINT], capture_output=True, text=True, check=True, timeout=900
    )
    assert json.loads(loaded.stdout) == []
