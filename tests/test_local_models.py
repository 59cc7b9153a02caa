"""The local-model settings: one object, one resolution order (task parameter > environment > default)."""

from __future__ import annotations

import pytest

from realtalk_evals.errors import InputError
from realtalk_evals.local_models import BERTSCORE_DEFAULT, LOCAL_MODEL_CHOICES, LocalModels
from realtalk_evals.scorers.content_similarity import BertScoreSettings

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
