"""The speed benchmark still runs against the current code (its timings are not checked here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "memory_probing_speed.py"


@pytest.mark.slow
def test_data_part_of_the_speed_benchmark_builds_every_prompt() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--data-child"],
        check=False,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert any("build 728 samples + prompts" in stage for stage in figures["stages"])
    assert figures["first"] > 0 and figures["warm"] > 0
