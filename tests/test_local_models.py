"""The local-model settings: one object, one resolution order (task parameter > environment > default)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tiny_models import shared_tiny_models

from realtalk_evals.cli import main
from realtalk_evals.errors import InputError
from realtalk_evals.local_models import settings as local_models
from realtalk_evals.local_models.settings import (
    BERTSCORE_DEFAULT,
    DEFAULT_EMBEDDING_MODEL,
    DEFAULT_MODELS,
    LOCAL_MODEL_CHOICES,
    LocalModelError,
    LocalModels,
    model_problem,
)
from realtalk_evals.scorers.content_similarity import BertScoreSettings
from realtalk_evals.user_paths import user_directory

ENVS = [choice.env for choice in LOCAL_MODEL_CHOICES]


@pytest.fixture(autouse=True)
def _no_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in [*ENVS, "REALTALK_CLASSIFIER_BATCH"]:
        monkeypatch.delenv(env, raising=False)


def test_defaults_are_the_papers_models() -> None:
    models = LocalModels.resolve()
    assert models == LocalModels()
    assert (models.sentiment, models.emotion, models.intimacy) == (
        "cardiffnlp/twitter-roberta-base-sentiment-latest",
        "cardiffnlp/twitter-roberta-large-emotion-latest",
        "cardiffnlp/twitter-roberta-large-intimacy-latest",
    )
    assert (models.bertscore_model, models.bertscore_layers) == (None, None)  # bert-score's English default
    assert BertScoreSettings.of(models) == BertScoreSettings(None, None)
    assert models.classifiers.batch_size == 32


def test_bertscore_default_is_bert_scores_english_model() -> None:
    from bert_score.utils import lang2model, model2layers  # type: ignore[import-untyped]

    assert lang2model["en"] == BERTSCORE_DEFAULT and model2layers[BERTSCORE_DEFAULT] == 17


def test_task_parameter_wins_over_environment_which_wins_over_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REALTALK_SENTIMENT_MODEL", "/models/sentiment")
    monkeypatch.setenv("REALTALK_BERTSCORE_MODEL", "/models/encoder")
    monkeypatch.setenv("REALTALK_BERTSCORE_LAYERS", "4")
    monkeypatch.setenv("REALTALK_CLASSIFIER_BATCH", "8")
    models = LocalModels.resolve(emotion_model="/models/emotion")
    assert models == LocalModels(
        sentiment="/models/sentiment",
        emotion="/models/emotion",
        bertscore_model="/models/encoder",
        bertscore_layers=4,
    )
    assert models.classifiers.batch_size == 8 and models.classifiers.sentiment == "/models/sentiment"
    given = LocalModels.resolve(sentiment_model="a/b", bertscore_model="roberta-base", bertscore_layers="9")
    assert (given.sentiment, given.bertscore_model, given.bertscore_layers) == ("a/b", "roberta-base", 9)
    assert BertScoreSettings.of(given) == BertScoreSettings("roberta-base", 9)


def test_every_choice_is_a_task_parameter_with_its_own_variable() -> None:
    assert [choice.parameter for choice in LOCAL_MODEL_CHOICES] == [
        "sentiment_model",
        "emotion_model",
        "intimacy_model",
        "bertscore_model",
        "bertscore_layers",
    ]
    assert len(set(ENVS)) == 5 and all(env.startswith("REALTALK_") for env in ENVS)


def test_a_scorer_takes_the_object_or_its_logged_dict() -> None:
    models = LocalModels(sentiment="/m/s", bertscore_layers=3)
    assert LocalModels.of(models) is models
    assert LocalModels.of(models.model_dump()) == models  # as `inspect score` passes the logged arguments
    assert LocalModels.of(None) == LocalModels()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"bertscore_layers": "abc"}, "bertscore_layers must be a whole number"),
        ({"bertscore_layers": 0}, "bertscore_layers must be a whole number"),
        ({"bertscore_layers": True}, "bertscore_layers must be a whole number"),
        ({"sentiment_model": 1.0}, "sentiment_model must be a Hugging Face model id"),
        ({"emotion_model": ""}, "emotion_model must be a Hugging Face model id"),
    ],
)
def test_values_of_the_wrong_type_are_input_errors(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        LocalModels.resolve(**arguments)  # type: ignore[arg-type]


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REALTALK_BERTSCORE_LAYERS", "seventeen")
    with pytest.raises(InputError, match=r"\$REALTALK_BERTSCORE_LAYERS"):
        LocalModels.resolve()


# --- the check when a task is built (offline, typos, missing directories) ---


@pytest.fixture
def empty_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty Hugging Face cache and a Hub that refuses connections (port 9 on this machine)."""
    from huggingface_hub import constants

    cache = tmp_path / "hub"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return cache


@contextmanager
def unanswering_hub() -> Iterator[tuple[str, list[str]]]:
    """A Hub address that takes each connection, records its request line and closes it unanswered: the Hub
    cannot be reached, and every attempt is counted, so a retry (minutes of them against a real unreachable
    Hub) shows as a repeated request whatever the machine's speed. Yields (endpoint, request lines)."""
    requests: list[str] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # only how often the loop looks at `stop`
    stop = threading.Event()

    def take_and_close() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(30)
                try:
                    head = connection.recv(65536)
                except OSError:
                    head = b""
                requests.append(head.split(b"\r\n", 1)[0].decode("utf-8", errors="replace"))

    thread = threading.Thread(target=take_and_close, name="unanswering-hub", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", requests
    finally:
        stop.set()
        thread.join()
        listener.close()


def model_info_requests(requests: list[str]) -> list[str]:
    """The paths of the model-info calls among request lines, sorted (other calls, such as the client's
    one-off `/api/agent-harnesses`, left out)."""
    paths = [line.split(" ")[1] for line in requests if line.startswith("GET /api/models/")]
    return sorted(path.split("?")[0] for path in paths)


def cache_model(cache: Path, model: str) -> None:
    """Lay out `model` in a Hugging Face cache as a download would (refs/main -> snapshots/<commit>)."""
    repo = cache / f"models--{model.replace('/', '--')}"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123")
    (repo / "snapshots" / "abc123").mkdir(parents=True)
    (repo / "snapshots" / "abc123" / "config.json").write_text('{"num_hidden_layers": 24}')


def test_local_directories_are_checked_without_the_hub(tmp_path: Path) -> None:
    models = shared_tiny_models()
    assert model_problem(models.sentiment) is None
    missing = tmp_path / "missing"
    assert model_problem(str(missing)) == f"is not an existing local directory ({missing} does not exist)"
    relative = user_directory() / "models" / "sentiment"  # read from where the command runs
    assert (
        model_problem("./models/sentiment")
        == f"is not an existing local directory ({relative} does not exist)"
    )
    assert (
        model_problem(str(tmp_path))
        == "is a directory without a config.json (not a saved transformers model)"
    )


def test_an_uncached_model_with_the_hub_unreachable_names_model_parameter_and_variable(
    empty_hub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import constants

    with unanswering_hub() as (endpoint, requests), pytest.raises(LocalModelError) as error:
        monkeypatch.setattr(constants, "ENDPOINT", endpoint)
        LocalModels(sentiment=shared_tiny_models().sentiment).check()
    message = str(error.value)
    # no minute of download retries: nothing is asked twice, each Hub model once, the local directory never
    assert len(requests) == len(set(requests))
    hub_models = [DEFAULT_MODELS["emotion"], DEFAULT_MODELS["intimacy"], BERTSCORE_DEFAULT]
    assert model_info_requests(requests) == sorted(f"/api/models/{model}" for model in hub_models)
    assert "sentiment classifier" not in message  # the local directory is fine
    assert (
        "'cardiffnlp/twitter-roberta-large-emotion-latest' (chosen by -T emotion_model or $REALTALK_EMOTION_MODEL)"
        in message
    )
    assert "'roberta-large' (chosen by -T bertscore_model or $REALTALK_BERTSCORE_MODEL)" in message
    assert "the Hub cannot be reached" in message and "realtalk models download" in message
    with pytest.raises(LocalModelError) as classifiers_only:
        LocalModels().check(bertscore=False)
    assert "roberta-large'" not in str(classifiers_only.value)


def test_hf_hub_offline_stops_without_trying_the_hub(
    empty_hub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("huggingface_hub.HfApi.model_info", lambda *a, **k: pytest.fail("called the Hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert (
        model_problem("roberta-large") == "is not in the local Hugging Face cache and HF_HUB_OFFLINE is set"
    )


def test_a_cached_model_passes_with_the_hub_unreachable(empty_hub: Path) -> None:
    for model in [*DEFAULT_MODELS.values(), BERTSCORE_DEFAULT, DEFAULT_EMBEDDING_MODEL]:
        cache_model(empty_hub, model)
    LocalModels().check()


def test_a_typo_in_a_model_id_is_named(empty_hub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub.errors import RepositoryNotFoundError

    def not_found(*args: object, **kwargs: object) -> None:
        error = RepositoryNotFoundError.__new__(RepositoryNotFoundError)  # as the Hub raises it for a 404
        Exception.__init__(error, "404 Client Error: Repository Not Found")
        raise error

    monkeypatch.setattr("huggingface_hub.HfApi.model_info", not_found)
    with pytest.raises(
        LocalModelError, match=r"'cardifnlp/sentiment' \(chosen by -T sentiment_model .*a typo"
    ):
        LocalModels(sentiment="cardifnlp/sentiment").check(bertscore=False)


@pytest.mark.slow
def test_inspect_eval_exits_non_zero_in_seconds_with_one_short_message(tmp_path: Path) -> None:
    """Offline without the models: `inspect eval` stops when the task is built, before any sample."""
    env = {key: value for key, value in os.environ.items() if key not in ENVS}
    env |= {"HF_HOME": str(tmp_path / "hf"), "NO_COLOR": "1", "COLUMNS": "200"}
    classifiers = [DEFAULT_MODELS[kind] for kind in ("sentiment", "emotion", "intimacy")]
    for task, hub_models in (
        ("persona_simulation", [*classifiers, BERTSCORE_DEFAULT]),
        ("ei_analysis", classifiers),
    ):
        command = [sys.executable, "-m", "inspect_ai", "eval", f"realtalk_evals/{task}", "--model", "realtalk/mock",
                   "-T", "conversations=1" if task == "ei_analysis" else "speaker=Emi",
                   "--log-dir", str(tmp_path / "logs"), "--display", "plain"]  # fmt: skip
        with unanswering_hub() as (endpoint, requests):
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=900, env=env | {"HF_ENDPOINT": endpoint}
            )
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        # seconds of start-up, not a minute of retries: nothing asked twice, each Hub model once
        assert len(requests) == len(set(requests)), requests
        assert model_info_requests(requests) == sorted(f"/api/models/{model}" for model in hub_models)
        assert "Traceback" not in output and len(output.splitlines()) < 30, output
        assert (
            "-T intimacy_model or $REALTALK_INTIMACY_MODEL" in output and "realtalk models download" in output
        )
        assert ("BERTScore" in output) == (task == "persona_simulation")
    assert not list((tmp_path / "logs").glob("*.eval"))  # no run started


def test_models_download_fetches_every_hub_model_and_leaves_local_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched: list[str] = []

    def fake_snapshot(model: str) -> Path:
        fetched.append(model)
        return tmp_path / model

    monkeypatch.setattr(local_models, "hub_snapshot", fake_snapshot)
    monkeypatch.setenv("REALTALK_INTIMACY_MODEL", shared_tiny_models().intimacy)
    assert main(["models", "download"]) == 0
    assert fetched == [
        DEFAULT_MODELS["sentiment"],
        DEFAULT_MODELS["emotion"],
        BERTSCORE_DEFAULT,
        DEFAULT_EMBEDDING_MODEL,
    ]
    out = capsys.readouterr().out
    assert f"emotion classifier: {DEFAULT_MODELS['emotion']} -> {tmp_path / DEFAULT_MODELS['emotion']}" in out
    assert "intimacy classifier" in out and "a local directory, left as is" in out


def test_models_download_reports_a_network_failure_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def offline(model: str) -> Path:
        raise OSError("Name or service not known")

    monkeypatch.setattr(local_models, "hub_snapshot", offline)
    assert main(["models", "download"]) == 1
    assert (
        "downloading the local models failed: OSError: Name or service not known" in capsys.readouterr().err
    )


def test_models_check_names_what_is_missing_and_passes_when_cached(
    empty_hub: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "check"]) == 1
    assert "realtalk: error: local models cannot be loaded" in capsys.readouterr().err
    for model in [*DEFAULT_MODELS.values(), BERTSCORE_DEFAULT, DEFAULT_EMBEDDING_MODEL]:
        cache_model(empty_hub, model)
    assert main(["models", "check"]) == 0
    assert f"BERTScore model: {BERTSCORE_DEFAULT} ready" in capsys.readouterr().out
