"""`realtalk finetune openai` against a local OpenAI-compatible server with the files and fine-tuning APIs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai_finetune_server import FineTuneServer, start_finetune_server

from realtalk_evals.cli import main
from realtalk_evals.finetune.export import export_training_data, read_jsonl
from realtalk_evals.finetune.openai_jobs import run_openai_finetune
from realtalk_evals.persona.speaker_models import read_speaker_models


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("finetune-data")
    export_training_data(out, ["Emi", "Kevin", "Akib"], validation_fraction=0.1, hf_dataset=False)
    return out


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FineTuneServer]:
    with start_finetune_server(polls_per_status=2) as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        yield running


def test_uploads_creates_follows_and_records_each_speakers_job(
    data: Path, server: FineTuneServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models_file = tmp_path / "speaker_models.json"
    models_file.write_text(json.dumps({"Paola": "openai/ft:earlier"}))  # an earlier run's entry is kept
    argv = ["finetune", "openai", "--speaker", "Emi,kevin", "--data", str(data)]
    argv += ["--models-file", str(models_file), "--poll-interval", "0.01", "--epochs", "2", "--seed", "7"]
    assert main(argv) == 0

    out = capsys.readouterr()
    assert "Emi: fine-tuning job ftjob-1 created" in out.out
    assert (
        "Kevin: ftjob-2 succeeded openai/ft:gpt-4o-mini-2024-07-18:realtalk-test:realtalk-kevin:2" in out.out
    )
    assert "Step 2/2" in out.err or "succeeded" in out.err  # the progress display (stderr)

    assert json.loads(models_file.read_text()) == {
        "Paola": "openai/ft:earlier",
        "Emi": "openai/ft:gpt-4o-mini-2024-07-18:realtalk-test:realtalk-emi:1",
        "Kevin": "openai/ft:gpt-4o-mini-2024-07-18:realtalk-test:realtalk-kevin:2",
    }
    assert set(read_speaker_models(models_file)) == {"Paola", "Emi", "Kevin"}

    # the uploaded files are the exported ones, byte for byte, with purpose fine-tune
    assert [f.filename for f in server.files.values()] == ["train.jsonl", "validation.jsonl"] * 2
    assert all(f.purpose == "fine-tune" for f in server.files.values())
    assert server.files["file-1"].content == (data / "Emi" / "train.jsonl").read_bytes()
    assert server.files["file-1"].chats() == read_jsonl(data / "Emi" / "train.jsonl")
    job = server.jobs["ftjob-1"]
    assert job["request"] == {
        "model": "gpt-4o-mini-2024-07-18",
        "training_file": "file-1",
        "validation_file": "file-2",
        "suffix": "realtalk-emi",
        "metadata": {"realtalk_speaker": "Emi"},
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}},
        "seed": 7,
    }
    # followed until the end: the job changes status every second poll (validating, running, succeeded)
    retrievals = [
        r for r in server.requests if r.method == "GET" and r.path == "/v1/fine_tuning/jobs/ftjob-1"
    ]
    assert len(retrievals) == 4
    assert [e["message"] for e in server.events["ftjob-1"]] == [
        "Validating training file",
        "Fine-tuning job started",
        "Step 1/2: training loss=0.5",
        "Step 2/2: training loss=0.5",
        "The job has successfully completed",
    ]
    assert all(r.headers["authorization"] == "Bearer test-key" for r in server.requests)


def test_a_failed_job_is_reported_and_not_recorded(
    data: Path, server: FineTuneServer, tmp_path: Path
) -> None:
    server.fail_for = lambda body: "out of capacity" if body["suffix"] == "realtalk-akib" else None
    models_file = tmp_path / "models.json"
    jobs = run_openai_finetune(["Emi", "Akib"], data, models_file, poll_interval=0.01)
    assert [(j.speaker, j.status) for j in jobs] == [("Emi", "succeeded"), ("Akib", "failed")]
    assert jobs[1].error == "server_error: out of capacity" and jobs[1].inspect_model is None
    assert list(json.loads(models_file.read_text())) == ["Emi"]


def test_an_invalid_training_file_fails_validation(server: FineTuneServer, tmp_path: Path) -> None:
    (tmp_path / "Emi").mkdir()
    (tmp_path / "Emi" / "train.jsonl").write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    [job] = run_openai_finetune("Emi", tmp_path, tmp_path / "m.json", poll_interval=0.01)
    assert job.status == "failed" and job.error is not None and "invalid_training_file" in job.error
    assert not (tmp_path / "m.json").exists()


def test_following_an_earlier_job_again(data: Path, server: FineTuneServer, tmp_path: Path) -> None:
    """After an interruption, `--job ID` picks the job up again; its speaker comes from the job's metadata."""
    models_file = tmp_path / "models.json"
    [started] = run_openai_finetune("Kevin", data, models_file, poll_interval=0.01)
    models_file.unlink()
    assert main(["finetune", "openai", "--job", started.job_id, "--models-file", str(models_file)]) == 0
    assert json.loads(models_file.read_text()) == {"Kevin": started.inspect_model}


def test_missing_export_or_server_errors_are_clean_messages(
    server: FineTuneServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["finetune", "openai", "--speaker", "Emi", "--data", str(tmp_path / "none")]) == 1
    assert "run `realtalk finetune export --speaker Emi" in capsys.readouterr().err
    assert server.requests == []  # nothing was uploaded
    assert main(["finetune", "openai", "--job", "ftjob-404", "--models-file", str(tmp_path / "m.json")]) == 1
    assert "OpenAI API" in capsys.readouterr().err
    assert main(["finetune", "openai"]) == 1
    assert "--speaker" in capsys.readouterr().err
