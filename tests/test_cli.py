"""The `realtalk data` commands as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from realtalk_evals.cli import build_parser, main
from realtalk_evals.task_names import TASK_NAMES


def test_data_info_prints_statistics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    assert "Chat_1_Emi_Elise" in out
    assert "10 conversations, 728 questions" in out
    total = next(line for line in out.splitlines() if line.startswith("total"))
    assert total.split() == ["total", "219", "8944", "313", "301", "319", "108", "600"]


def test_data_info_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["totals"]["questions_temporal"] == 319
    assert info["conversations"][9]["questions"] == {"multi_hop": 30, "temporal": 45, "commonsense": 10}


def test_data_errors_are_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "data"
    shutil.copytree(data_dir, broken)
    (broken / "Chat_4_Emi_Paola.json").chmod(0o644)
    (broken / "Chat_4_Emi_Paola.json").write_text("{", encoding="utf-8")
    monkeypatch.setenv("REALTALK_DATA_DIR", str(broken))
    assert main(["data", "info"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("realtalk: error: REALTALK file ") and "Chat_4_Emi_Paola.json" in err
    assert "Traceback" not in err


def test_data_download_into_a_directory_from_a_mirror(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = data_dir.as_uri()  # httpx does not speak file://, so this must fail cleanly
    assert main(["data", "download", "--dir", str(tmp_path / "d"), "--url", mirror]) == 1
    assert "downloading file://" in capsys.readouterr().err


def test_tasks_lists_the_registered_names_and_help_promises_nothing_unbuilt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["tasks"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    # every task the entry point registers, which is every benchmark of the suite
    assert listed == sorted(f"realtalk_evals/{name}" for name in TASK_NAMES)
    help_text = build_parser().format_help()
    assert "as they land" not in help_text and "report" in help_text
    ignored = (Path(__file__).resolve().parent.parent / ".gitignore").read_text(encoding="utf-8").split()
    assert "reports/" in ignored  # realtalk report's default output directory


def test_tasks_reads_the_tasks_the_entry_point_registers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A task the entry point module holds is listed, with no list to update."""
    from inspect_ai import Task, task

    import realtalk_evals._registry as registry

    @task
    def added_benchmark() -> Task:
        """A benchmark added to the entry point."""
        return Task()

    monkeypatch.setattr(registry, "added_benchmark", added_benchmark, raising=False)
    assert main(["tasks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(
        line.split()[0].endswith("added_benchmark") and "added to the entry point" in line for line in lines
    )


def test_help_names_every_command_and_no_promise(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "as they land" not in out
    assert all(command in out for command in ("data", "report", "analysis", "finetune"))
