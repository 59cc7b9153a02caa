"""Shared test set-up: the real dataset from ../shared, and Inspect caches and logs kept out of $HOME."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from eval_set_logs import eval_set_logs  # noqa: F401  (a session fixture: the mock eval-set's logs)
from hypothesis import settings
from tiny_models import TinyModels, shared_tiny_models

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "realtalk" / "data"

if SHARED_DATA.is_dir():
    os.environ.setdefault("REALTALK_DATA_DIR", str(SHARED_DATA))


@pytest.fixture(autouse=True)
def _isolated_inspect_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own generate cache, so cache hits are only ever the ones a test makes itself."""
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path_factory.mktemp("inspect-cache")))
    monkeypatch.setenv("REALTALK_CACHE_DIR", str(tmp_path_factory.mktemp("realtalk-cache")))


@pytest.fixture
def tiny_model_env(monkeypatch: pytest.MonkeyPatch) -> TinyModels:
    """Every local-model variable pointed at a tiny local model, for tests that build a task with defaults
    (offline, the default models would stop the task when it is built)."""
    from realtalk_evals.local_models.settings import LOCAL_MODEL_CHOICES

    models = shared_tiny_models()
    for choice in LOCAL_MODEL_CHOICES:
        monkeypatch.setenv(choice.env, str(getattr(models.settings, choice.field)))
    return models


@pytest.fixture
def data_dir() -> Path:
    return Path(os.environ["REALTALK_DATA_DIR"])


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked `pytest.mark.anyio`) run on asyncio, as Inspect does."""
    return "asyncio"


# Property tests check behaviour, not speed: no per-example deadline on a loaded 2-core CI machine.
settings.register_profile("realtalk", deadline=None)
settings.load_profile("realtalk")
