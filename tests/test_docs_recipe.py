"""docs/human_likeness.md's recipe for the human-likeness gap runs as written, from a fresh copy of the
repository, on the mock model: it ends in a gap against the real pairs' band, not in a silent nothing."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log
from test_readme_commands import ROOT, Block, bash_blocks, fresh_environment, repository_copy
from tiny_models import TinyModels

PAGE = ROOT / "docs" / "human_likeness.md"


def recipe() -> Block:
    """The first bash block under the page's `### Recipe` heading."""
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("### Recipe")
    [block, *_] = bash_blocks(text[start:])
    return block


def on_the_mock(script: str) -> str:
    """The script with every `--model` pointed at `realtalk/mock` and the `# needs:` line dropped."""
    lines = [line for line in script.splitlines() if not line.startswith("# needs:")]
    return "\n".join(re.sub(r"--model \S+", "--model realtalk/mock", line) for line in lines) + "\n"


def test_the_recipe_simulates_labels_both_and_analyses() -> None:
    commands = recipe().commands
    assert [command[:3] for command in commands] == [
        ["inspect", "eval", "realtalk_evals/conversation_simulation"],
        ["inspect", "eval", "realtalk_evals/ei_analysis"],
        ["inspect", "eval", "realtalk_evals/ei_analysis"],
        ["realtalk", "analysis", "logs/human/labels"],
    ]
    assert "-T dataset=realtalk -T sessions=10" in recipe().script  # the human reference, on the same day
    assert on_the_mock("# needs: X\ninspect eval t --model openai/gpt-4o -T a=1\n") == (
        "inspect eval t --model realtalk/mock -T a=1\n"
    )


@pytest.mark.slow
def test_the_recipe_runs_as_written_on_the_mock_model(tmp_path: Path, tiny_model_env: TinyModels) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to copy the repository's files from")
    repository = repository_copy(tmp_path / "repository")
    environment = fresh_environment(tmp_path)  # with the tiny local models' variables set by the fixture
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", on_the_mock(recipe().script)],
        cwd=repository,
        env=environment,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    output = (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, output
    logs = sorted((repository / "logs" / "human").rglob("*.eval"))
    assert len(logs) == 3, output
    for log in logs:
        header = read_eval_log(str(log), header_only=True)
        assert header.status == "success", f"{log.name} ended {header.status}: {header.error}"
    assert "## Human-likeness gap" in result.stdout and "No gap" not in result.stdout
    gap = repository / "reports" / "human_likeness" / "human_likeness_gap.csv"
    rows = {row["group"]: row for row in csv.DictReader(gap.read_text(encoding="utf-8").splitlines())}
    assert set(rows) == {"realtalk", "simulated/realtalk/mock"}
    assert rows["realtalk"]["pairs"] == "10" and rows["simulated/realtalk/mock"]["pairs"] == "1"
    assert rows["simulated/realtalk/mock"]["within_human_range"] in ("yes", "no")
