"""Unwritable caches: a clear message saying what to set, when the task is built or the data is fetched.

Tests run as root, which writes through any permission bits, so a cache is made unusable the way that binds
root too: its path runs through a regular file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from command_line import INSPECT_EVAL, printed, run_command
from tiny_models import TinyModels

from realtalk_evals.caches import check_cache_directory
from realtalk_evals.data.files import data_directory
from realtalk_evals.errors import DatasetError, InputError
from realtalk_evals.tasks.ei_analysis import ei_analysis
from realtalk_evals.tasks.memory_probing import memory_probing
from realtalk_evals.tasks.persona_simulation import persona_simulation


@pytest.fixture
def unusable(tmp_path: Path) -> Path:
    """A directory path no one can create: its parent is a regular file."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    return blocker / "cache"


def test_a_read_only_data_cache_says_to_set_realtalk_cache_dir(
    monkeypatch: pytest.MonkeyPatch, unusable: Path
) -> None:
    monkeypatch.delenv("REALTALK_DATA_DIR")
    monkeypatch.setenv("REALTALK_CACHE_DIR", str(unusable))
    monkeypatch.setenv("REALTALK_DATA_URL", "http://127.0.0.1:9")  # never reached
    with pytest.raises(
        DatasetError, match="cannot write the REALTALK data cache .*set REALTALK_CACHE_DIR to a writable"
    ):
        data_directory()


@pytest.mark.slow
def test_an_unusable_inspect_cache_stops_every_task_with_what_to_set(
    monkeypatch: pytest.MonkeyPatch, unusable: Path, tiny_model_env: TinyModels
) -> None:
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(unusable))
    message = r"Inspect's generate cache \(the judges' answers\) cannot be created at .*set INSPECT_CACHE_DIR"
    for build in (
        lambda: memory_probing(conversations=1),
        lambda: persona_simulation(speaker="Emi"),
        lambda: ei_analysis(conversations=1, sessions=1),
    ):
        with pytest.raises(InputError, match=message):
            build()


def test_an_unusable_classifier_cache_stops_the_classifier_tasks(
    monkeypatch: pytest.MonkeyPatch, unusable: Path, tiny_model_env: TinyModels
) -> None:
    monkeypatch.setenv("REALTALK_CACHE_DIR", str(unusable))  # the data comes from REALTALK_DATA_DIR
    with pytest.raises(
        InputError, match="The classifier cache cannot be created at .*set REALTALK_CACHE_DIR"
    ):
        ei_analysis(conversations=1, sessions=1)
    assert memory_probing(conversations=1) is not None  # it classifies nothing


def test_a_cache_that_exists_but_cannot_be_written_warns_or_stops(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def read_only() -> Path:  # as a non-root user sees a chmod 555 directory
        return tmp_path / "missing-so-unwritable"

    with caplog.at_level(logging.WARNING):
        check_cache_directory(read_only, "Inspect's generate cache", "INSPECT_CACHE_DIR")
    assert (
        "is not writable" in caplog.text and "running without caching; set INSPECT_CACHE_DIR" in caplog.text
    )
    with pytest.raises(InputError, match="is not writable .*set REALTALK_CACHE_DIR"):
        check_cache_directory(read_only, "The classifier cache", "REALTALK_CACHE_DIR", required=True)


@pytest.mark.parametrize("memory", ["dense", "hybrid"])
def test_an_unusable_embedding_cache_stops_inspect_eval_with_one_message(
    tmp_path: Path, unusable: Path, memory: str
) -> None:
    """From the command line, as a user meets it: the cache is checked before the embedding model loads."""
    result = run_command(
        [*INSPECT_EVAL, "realtalk_evals/memory_probing", "--model", "realtalk/mock"]
        + ["--model-role", "grader=realtalk/mock", "-T", "conversations=1", "-T", f"memory={memory}"]
        + ["--limit", "1", "--log-dir", str(tmp_path / "logs")],
        tmp_path,
        {**os.environ, "REALTALK_CACHE_DIR": str(unusable)},
    )
    output = printed(result)
    assert result.returncode != 0, output
    assert "The embedding cache (shared with the classifier labels) cannot be created at" in output, output
    assert "set REALTALK_CACHE_DIR to a writable directory" in output and "Traceback" not in output
