"""Every piece of advice an offline message gives works as written (issue 21, point 4): `realtalk models
download|check` cover every model the suite loads by default, the embedding model included; the Hugging Face
cache variable is honoured; `hf download` exists; each parameter or variable a message names is read."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from command_line import INSPECT_EVAL, REALTALK, printed, run_command
from test_local_models import cache_model
from tiny_embedding import build_tiny_sentence_encoder

from realtalk_evals.local_models.settings import (
    LOCAL_MODEL_CHOICES,
    LocalModels,
    embedding_need,
    prepare_hint,
    suite_needs,
)

BIN = Path(sys.executable).parent


def offline_env(hf_home: Path) -> dict[str, str]:
    """No Hub, an own Hugging Face home, and no local-model variable from the calling environment."""
    env = {k: v for k, v in os.environ.items() if k not in {c.env for c in LOCAL_MODEL_CHOICES}}
    return env | {"HF_HOME": str(hf_home), "HF_HUB_OFFLINE": "1"}


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    result = run_command(command, cwd, env)
    return result.returncode, printed(result)


def test_models_check_names_the_embedding_model_and_passes_from_a_copied_hf_home(tmp_path: Path) -> None:
    """The advice "copy the Hugging Face cache (..., or $HF_HOME) here": a cache under $HF_HOME is used."""
    home = tmp_path / "hf-home"
    code, output = run([*REALTALK, "models", "check"], offline_env(home), tmp_path)
    assert (
        code == 1
        and "embedding model (memory=dense|hybrid) 'sentence-transformers/all-MiniLM-L6-v2'" in output
    )
    assert "`realtalk models download`" in output and "$HF_HOME" in output
    for need in suite_needs(LocalModels()):
        cache_model(home / "hub", need.model)
    code, output = run([*REALTALK, "models", "check"], offline_env(home), tmp_path)
    assert code == 0, output
    assert "embedding model (memory=dense|hybrid): sentence-transformers/all-MiniLM-L6-v2 ready" in output


def test_hf_download_is_a_command_of_this_install(tmp_path: Path) -> None:
    code, output = run([str(BIN / "hf"), "download", "--help"], dict(os.environ), tmp_path)
    assert code == 0 and "REPO_ID" in output


def test_every_variable_a_hint_names_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    hint = prepare_hint(suite_needs(LocalModels()))
    for choice in LOCAL_MODEL_CHOICES:
        if f"${choice.env}" in hint:
            value = "7" if choice.field == "bertscore_layers" else f"/models/{choice.field}"
            monkeypatch.setenv(choice.env, value)
            assert str(getattr(LocalModels.resolve(), choice.field)) == value
    embedding = prepare_hint([embedding_need()])
    assert "-T embedding_model at a local model directory" in embedding
    assert "$" not in embedding.replace("$HF_HOME", ""), "the embedding model has no variable to name"


def test_offline_dense_memory_says_to_point_embedding_model_at_a_directory_and_that_works(
    tmp_path: Path,
) -> None:
    command = [*INSPECT_EVAL, "realtalk_evals/memory_probing", "--model"]
    command += [
        "realtalk/mock",
        "--model-role",
        "grader=realtalk/mock",
        "-T",
        "conversations=1",
        "--limit",
        "1",
    ]
    command += ["-T", "memory=dense", "--log-dir", str(tmp_path / "logs")]
    env = offline_env(tmp_path / "empty-hf-home")
    code, output = run(command, env, tmp_path)
    assert code != 0 and "Traceback" not in output, output
    assert "embedding_model 'sentence-transformers/all-MiniLM-L6-v2' cannot be loaded" in output
    assert "point -T embedding_model at a local model directory" in output
    encoder = build_tiny_sentence_encoder(tmp_path / "encoder")
    code, output = run([*command, "-T", f"embedding_model={encoder}"], env, tmp_path)
    assert code == 0, output
