"""Data loading fails loudly and by name: checksums, missing files, malformed JSON, and the download path."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from realtalk_evals.data import files as data_files
from realtalk_evals.data.files import data_directory, download, expected_checksums
from realtalk_evals.data.realtalk import load_conversation_file
from realtalk_evals.errors import DatasetError


@pytest.fixture
def data_copy(tmp_path: Path, data_dir: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir, target)
    for path in target.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return target


@pytest.fixture
def file_server(data_dir: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve a directory over HTTP on 127.0.0.1, recording requested paths."""
    requested: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            requested.append(self.path)

    handler = functools.partial(Handler, directory=str(data_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def test_the_packaged_checksums_cover_the_20_upstream_files() -> None:
    sums = expected_checksums()
    assert len(sums) == 20
    assert "Chat_1_Emi_Elise.json" in sums and "locomo/Chat_1_Caroline_Melanie.json" in sums


def test_local_directory_is_used_after_verification(monkeypatch: pytest.MonkeyPatch, data_copy: Path) -> None:
    monkeypatch.setenv("REALTALK_DATA_DIR", str(data_copy))
    assert data_directory() == data_copy


def test_checksum_mismatch_names_the_file(monkeypatch: pytest.MonkeyPatch, data_copy: Path) -> None:
    target = data_copy / "Chat_3_Kevin_Paola.json"
    target.write_text(target.read_text(encoding="utf-8").replace("Kevin", "Kevyn", 1), encoding="utf-8")
    monkeypatch.setenv("REALTALK_DATA_DIR", str(data_copy))
    with pytest.raises(DatasetError, match="Chat_3_Kevin_Paola.json has SHA-256"):
        data_directory()


def test_missing_file_names_the_file(monkeypatch: pytest.MonkeyPatch, data_copy: Path) -> None:
    (data_copy / "locomo" / "Chat_9_Evan_Sam.json").unlink()
    monkeypatch.setenv("REALTALK_DATA_DIR", str(data_copy))
    with pytest.raises(DatasetError, match="missing: .*Chat_9_Evan_Sam.json"):
        data_directory()


def test_missing_override_directory_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REALTALK_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(DatasetError, match="is not a directory"):
        data_directory()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"name": {"speaker_1": "A"', "not valid JSON"),
        ("[1, 2, 3]", "expected a JSON object"),
        ('{"session_1": []}', "missing or malformed field 'name'"),
        ('{"name": {"speaker_1": "A", "speaker_2": "B"}, "session_1": "hi"}', "session_1 is not a list"),
        (
            (
                '{"name": {"speaker_1": "A", "speaker_2": "B"}, "session_1": [{"speaker": "A"}],'
                ' "session_1_date_time": "01.01.2024, 10:00:00"}'
            ),
            "malformed record",
        ),
        (
            (
                '{"name": {"speaker_1": "A", "speaker_2": "B"}, "session_1": [{"speaker": "C", "clean_text": "x",'
                ' "dia_id": "D1:1"}], "session_1_date_time": "01.01.2024, 10:00:00"}'
            ),
            "speaker 'C' is neither",
        ),
    ],
)
def test_malformed_files_raise_a_dataset_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "Chat_1_A_B.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message) as error:
        load_conversation_file(path)
    assert "Chat_1_A_B.json" in str(error.value)


def test_download_verifies_and_caches(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, file_server: tuple[str, list[str]]
) -> None:
    url, requested = file_server
    monkeypatch.delenv("REALTALK_DATA_DIR")
    monkeypatch.setenv("REALTALK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("REALTALK_DATA_URL", url)
    directory = data_directory()
    assert directory == data_files.cache_directory()
    assert len(requested) == 20
    assert (
        json.loads((directory / "Chat_1_Emi_Elise.json").read_text(encoding="utf-8"))["name"]["speaker_1"]
        == "Emi"
    )
    # a second call finds the verified cache and downloads nothing
    assert data_directory() == directory
    assert len(requested) == 20


def test_download_of_a_corrupt_file_fails_and_leaves_nothing(tmp_path: Path, data_copy: Path) -> None:
    (data_copy / "Chat_2_Kevin_Elise.json").write_text("{}", encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(data_copy))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        target = tmp_path / "cache"
        with pytest.raises(DatasetError, match="Chat_2_Kevin_Elise.json has SHA-256"):
            download(target, base_url=f"http://127.0.0.1:{server.server_address[1]}", progress=False)
        assert not (target / "Chat_2_Kevin_Elise.json").exists()
        assert not list(target.rglob("*.part"))
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_mirror_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="downloading http://127.0.0.1:9/Chat_"):
        download(tmp_path, base_url="http://127.0.0.1:9", progress=False)


def test_offline_without_a_data_directory_the_error_says_to_set_realtalk_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REALTALK_DATA_DIR")
    monkeypatch.setenv("REALTALK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("REALTALK_DATA_URL", "http://127.0.0.1:9")
    with pytest.raises(
        DatasetError, match="Without internet, set REALTALK_DATA_DIR to a copy of upstream data/"
    ):
        data_directory()


@pytest.mark.parametrize("subdirectory", ["", "locomo"])
def test_only_files_in_the_checksum_list_become_samples(
    monkeypatch: pytest.MonkeyPatch,
    data_copy: Path,
    data_dir: Path,
    caplog: pytest.LogCaptureFixture,
    subdirectory: str,
) -> None:
    """An edited copy under another name cannot shadow the verified file; an extra chat adds nothing."""
    from realtalk_evals.data.locomo import load_locomo_conversations
    from realtalk_evals.data.realtalk import load_conversations

    load = load_locomo_conversations if subdirectory else load_conversations
    before = load(data_dir / subdirectory)
    monkeypatch.setenv("REALTALK_DATA_DIR", str(data_copy))
    directory = data_copy / subdirectory
    verified = sorted(directory.glob("Chat_1_*.json"))[0]
    edited = json.loads(verified.read_text(encoding="utf-8"))
    sessions = edited.get("conversation", edited)  # LoCoMo nests the sessions in `conversation`
    sessions["session_1"] = sessions["session_1"][:1]  # an edited copy of chat 1 under another name
    edited["qa"] = edited["qa"][:1]
    for name in (f"{verified.stem}_edited.json", "Chat_0_Edited_Copy.json", "Chat_11_Extra_Chat.json"):
        (directory / name).write_text(json.dumps(edited), encoding="utf-8")
    data_directory()  # the checksummed files are untouched: verification passes
    with caplog.at_level("WARNING"):
        after = load(directory)
    assert [c.id for c in after] == [c.id for c in before] and len(after) == 10
    assert after == before  # same messages and questions: nothing of the copies was loaded
    warning = caplog.text
    assert "Chat_11_Extra_Chat.json" in warning and f"{verified.stem}_edited.json" in warning
    assert "not in the checksum list" in warning
