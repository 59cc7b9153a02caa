"""`realtalk report --evaluation-report`: the Evaluation Report, a function of the logs alone.

From the mock eval-set's logs (eval_set_logs.py): generated twice, from the logs and from copies in another
order, it is the same bytes; it equals the checked-in tests/expected/evaluation_report.md but for the run
dates (`REALTALK_UPDATE_EXPECTED=1 pytest tests/test_evaluation_report.py` rewrites that file after an
intended change); each run's rebuilt command runs as written and logs the same run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log
from inspect_ai.model import ModelUsage
from test_docs import anchors

from realtalk_evals.cli import main
from realtalk_evals.reporting.commands import cli_value, eval_command
from realtalk_evals.reporting.evaluation_report import DEVIATIONS, FIDELITY, REGENERATE, status_note
from realtalk_evals.reporting.runs import load_runs
from realtalk_evals.tasks.memory_probing import TASK_VERSION as MEMORY_PROBING_VERSION

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = Path(__file__).parent / "expected" / "evaluation_report.md"
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def generate(logs: Path, path: Path, out: Path) -> bytes:
    assert main(["report", str(logs), "--out", str(out), "--evaluation-report", str(path)]) == 0
    return path.read_bytes()


@pytest.fixture(scope="module")
def report(eval_set_logs: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("evaluation-report")
    return generate(eval_set_logs, folder / "evaluation_report.md", folder / "out")


def test_the_same_logs_give_the_same_bytes(report: bytes, eval_set_logs: Path, tmp_path: Path) -> None:
    """Copies of the logs, listed in the opposite order (newest file first), elsewhere on disk."""
    copies = tmp_path / "copies"
    copies.mkdir()
    logs = sorted(eval_set_logs.glob("*.eval"))
    for age, log in enumerate(logs):
        shutil.copyfile(log, copies / log.name)
        os.utime(copies / log.name, (1_700_000_000 - age * 100, 1_700_000_000 - age * 100))
    assert generate(copies, tmp_path / "again.md", tmp_path / "out") == report


def test_it_matches_the_checked_in_report_but_for_the_dates(report: bytes) -> None:
    text = DATE.sub("YYYY-MM-DD", report.decode("utf-8"))
    if os.environ.get("REALTALK_UPDATE_EXPECTED"):
        EXPECTED.parent.mkdir(exist_ok=True)
        EXPECTED.write_text(text, encoding="utf-8")
    assert text == EXPECTED.read_text(encoding="utf-8"), (
        "the evaluation report changed: if intended, rerun with REALTALK_UPDATE_EXPECTED=1 and review the diff"
    )


def test_it_names_models_commands_dates_samples_and_the_papers_numbers(report: bytes) -> None:
    text = report.decode("utf-8")
    assert "**No real provider has been run.**" in text
    for model in ("realtalk/mock/a", "realtalk/mock/b"):
        assert f"--model {model}" in text
    assert (
        f"| memory_probing | {MEMORY_PROBING_VERSION} | realtalk/mock/b |" in text
        and "| 4 of 728 | 1 |" in text
    )
    assert len(DATE.findall(text)) >= 12  # a date per run, in the table and beside its command
    assert "| paper: gpt-4o-mini |" in text and "0.301" in text  # table 3's printed numbers
    assert "| paper: w/o fine-tune |" in text  # table 2's
    assert f"]({FIDELITY}#" in text


def test_every_deviation_links_a_section_of_fidelity_md() -> None:
    sections = anchors(ROOT / "docs" / "fidelity.md")
    for task, items in DEVIATIONS.items():
        for _, anchor in items:
            assert anchor in sections, f"{task}: docs/fidelity.md has no #{anchor}"


def test_a_real_provider_is_named_instead(eval_set_logs: Path) -> None:
    runs = load_runs([eval_set_logs]).usable
    assert status_note(runs).startswith("**No real provider has been run.**")
    real = runs[0].log.model_copy(deep=True)
    real.stats.model_usage = {"openai/gpt-4o": ModelUsage(input_tokens=5, output_tokens=1, total_tokens=6)}
    runs[0].log = real
    assert status_note(runs) == (
        "Providers: `openai` (and the suite's offline mock, `realtalk/mock`, where a row names it)."
    )


@pytest.mark.parametrize(
    "value",
    [
        1,
        0.5,
        True,
        None,
        "Emi",
        "1",
        "true",
        "null",
        "",
        " padded",
        ["a", "b"],
        ["only"],
        [1, 2],
        {"score": 1},
        '{"score": 1}',
    ],
)
def test_a_value_reads_back_as_logged(value: object) -> None:
    """Inspect reads `-T`/`-M` values with YAML and splits plain text at commas (lists: `a,b`)."""
    text = cli_value(value)
    parsed = yaml.safe_load(text)
    if isinstance(parsed, str) and "," in parsed and not text.startswith('"'):
        parsed = parsed.split(",")
    assert parsed == value


def roles_of(log: EvalLog) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    return {
        role: [(config.model, config.args) for config in (bound if isinstance(bound, list) else [bound])]
        for role, bound in (log.eval.model_roles or {}).items()
    }


@pytest.mark.slow
def test_the_rebuilt_command_runs_the_same_evaluation(eval_set_logs: Path, tmp_path: Path) -> None:
    """memory_probing on realtalk/mock/b: the command, run in a shell, logs the same task, model, arguments,
    roles and samples."""
    original = next(
        log
        for info in list_eval_logs(str(eval_set_logs))
        if (log := read_eval_log(info.name)).eval.task.endswith("memory_probing")
        and log.eval.model == "realtalk/mock/b"
    )
    command = eval_command(original) + f" --log-dir {tmp_path} --display none"
    env = {**os.environ, "INSPECT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    again = read_eval_log(list_eval_logs(str(tmp_path))[0].name)
    assert again.status == "success"
    for field in ("task", "task_version", "model", "model_args", "task_args", "task_args_passed"):
        assert getattr(again.eval, field) == getattr(original.eval, field), field
    assert roles_of(again) == roles_of(original)
    assert again.eval.config.limit == original.eval.config.limit
    assert [s.id for s in again.samples or []] == [s.id for s in original.samples or []]
    assert [s.scores for s in again.samples or []] == [s.scores for s in original.samples or []]


def test_the_committed_report_is_generated_and_says_no_provider_ran() -> None:
    """docs/evaluation_report.md comes from the suite's model-free runs (regenerate it, never edit it); it and
    the README say plainly that no real provider has been run."""
    page = (ROOT / "docs" / "evaluation_report.md").read_text(encoding="utf-8")
    assert page.startswith("# Evaluation report\n\n## Runs\n\n**No real provider has been run.**")
    assert page.rstrip().endswith(REGENERATE)
    assert "-T solver=gold" in page and "-T memory=bm25" in page and "-T dataset=locomo" in page
    assert "**No real provider has been run yet**" in (ROOT / "README.md").read_text(encoding="utf-8")
