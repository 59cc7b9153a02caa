"""A provider that echoes the API key in its 401 (as OpenAI's does) leaves the key nowhere the run writes: not
in the console, any member of the .eval log, Inspect's trace log, or `realtalk report` (issue 21, point 17)."""

from __future__ import annotations

import gzip
import json
import os
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from command_line import INSPECT_EVAL, run_command
from inspect_ai.log import read_eval_log
from openai_server import FailurePlan, start_openai_server

from realtalk_evals.cli import main as realtalk_main
from realtalk_evals.secrets import known_keys, scrub, scrub_log_file


def texts_under(root: Path) -> Iterator[tuple[str, bytes]]:
    """(where, bytes) of every file below `root`, each .eval member and each gzip (trace log) decompressed."""
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield str(path), data
        if path.suffix == ".gz":
            yield f"{path} (decompressed)", gzip.decompress(data)
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{path}:{name}", archive.read(name)


def test_an_echoed_key_reaches_no_console_log_trace_or_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = f"sk-test-{secrets.token_hex(24)}"
    logs, data_home, reports = tmp_path / "logs", tmp_path / "data-home", tmp_path / "reports"
    with start_openai_server(failures=FailurePlan(first=10**6, faults=(401,)), echo_key=True) as server:
        result = run_command(
            [*INSPECT_EVAL, "realtalk_evals/memory_probing", "--model", "openai/gpt-4o"]
            + ["--model-role", "grader=openai/gpt-4o-mini", "-T", "conversations=1", "--limit", "2"]
            + ["--log-dir", str(logs), "--display", "plain", "--log-level", "info"],
            tmp_path,
            {**os.environ, **server.env(key), "XDG_DATA_HOME": str(data_home)},
        )
        echoed = [r for r in server.chat_requests if r.outcome == 401]
    assert echoed, "the provider was asked and refused the key"
    console = result.stdout + result.stderr
    assert "Incorrect API key provided: <OPENAI_API_KEY redacted>" in " ".join(console.split()), console
    [path] = logs.glob("*.eval")
    log = read_eval_log(str(path))  # still a valid log after the rewrite
    assert log.status == "error" and log.error is not None
    assert "<OPENAI_API_KEY redacted>" in log.error.message
    assert realtalk_main(["report", str(logs), "--out", str(reports)]) == 1  # the errored run is its only log
    printed = capsys.readouterr()
    assert "no usable run" in printed.err and (reports / "left_out.csv").exists()

    assert key not in console + printed.out + printed.err
    for root in (logs, data_home, reports):
        for where, data in texts_under(root):
            assert key.encode() not in data, f"the key is in {where}"
    assert any("traces" in where for where, _ in texts_under(data_home)), "Inspect wrote its trace log"


def test_only_long_values_of_key_variables_are_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-0123456789abcdef")
    monkeypatch.setenv("HF_TOKEN", "hf_abcdefghijklmnopqrstu")
    monkeypatch.setenv("SHORT_API_KEY", "1")  # a flag, not a key: `1` stays wherever it appears
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1234/v1/some-long-path")
    keys = known_keys()
    assert (
        keys["sk-ant-0123456789abcdef"] == "ANTHROPIC_API_KEY"
        and keys["hf_abcdefghijklmnopqrstu"] == "HF_TOKEN"
    )
    assert "1" not in keys and "http://127.0.0.1:1234/v1/some-long-path" not in keys
    assert scrub("key sk-ant-0123456789abcdef, 1 try") == "key <ANTHROPIC_API_KEY redacted>, 1 try"


def test_a_json_log_is_scrubbed_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
    path = tmp_path / "run.json"
    path.write_text(
        json.dumps({"error": {"message": "Incorrect API key provided: sk-test-0123456789abcdef"}})
    )
    assert scrub_log_file(path)
    assert (
        json.loads(path.read_text())["error"]["message"]
        == "Incorrect API key provided: <OPENAI_API_KEY redacted>"
    )
    assert not scrub_log_file(path)  # nothing left to replace: the file is not rewritten
