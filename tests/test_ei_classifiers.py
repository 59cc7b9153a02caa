"""EI classifiers on tiny local models: labels, intimacy as released, truncation, batching, caching, failures."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from inspect_ai.util import collect
from tiny_models import EMOTION_LABELS, SENTIMENT_LABELS, shared_tiny_models

from realtalk_evals.ei import ClassifierSettings, classify_messages
from realtalk_evals.ei import classifiers as classifiers_module
from realtalk_evals.ei.classifiers import (
    load_pipeline,
    max_input_tokens,
    model_key,
    read_output,
)
from realtalk_evals.local_models.batching import batcher_stats
from realtalk_evals.local_models.cache import classifier_cache, classifier_cache_path

pytestmark = pytest.mark.anyio

TEXTS = ["I feel so happy today!", "ugh, the bus was late again", "Can you tell me more about the class?"]


def _settings() -> ClassifierSettings:
    return shared_tiny_models().settings.classifiers


def _inferred(kind: str, model: str) -> int:
    stats = batcher_stats().get(("classifier", kind, model_key(model)))
    return stats.items if stats else 0


def test_intimacy_output_is_kept_as_the_raw_regression_value() -> None:
    record = read_output("intimacy", [{"label": "LABEL_0", "score": -3.0}], ["LABEL_0"])
    assert record == {"raw": -3.0}  # no sigmoid (that would give 0.047)


def _released_pipeline(model_dir: str) -> Any:
    """The released `utils_hf_models.HFModel`'s pipeline: model and tokenizer loaded, every setting default."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    model = AutoModelForSequenceClassification.from_pretrained(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return pipeline("text-classification", model=model, tokenizer=tokenizer)


async def test_intimacy_equals_the_released_pipelines_value_on_the_tiny_model() -> None:
    """The released code's intimacy is `pipeline(text)[0]["score"]` with default settings; for a config that
    declares `problem_type="regression"` (as cardiffnlp's intimacy model's does) that is the raw value."""
    settings = _settings()
    released = _released_pipeline(settings.intimacy)
    assert released.model.config.problem_type == "regression" and released.model.config.num_labels == 1
    texts = [
        *TEXTS,
        "omg I miss you so much, we have to meet soon",
        "k",
    ]  # short: the released code does not truncate
    expected = [released(text)[0]["score"] for text in texts]
    records = await classify_messages(settings, texts)
    assert [record.intimacy for record in records] == pytest.approx(expected, abs=1e-5)
    assert len(set(expected)) == len(texts)  # the tiny model tells the texts apart


async def test_intimacy_records_cached_by_earlier_versions_give_the_raw_value() -> None:
    """Before 3.0.0 the cache held `{"value": sigmoid, "raw": raw}`; the raw value is what is read."""
    settings = _settings()
    text = "a message cached by persona_simulation 2.0.0"
    classifier_cache().put_many(
        "intimacy", model_key(settings.intimacy), {text: {"value": 0.8808, "raw": 2.0}}
    )
    [record] = await classify_messages(settings, [text])
    assert record.intimacy == 2.0


def test_top_label_ties_go_to_the_first_label_in_model_order() -> None:
    output = [
        {"label": "positive", "score": 0.4},
        {"label": "Negative", "score": 0.4},
        {"label": "neutral", "score": 0.2},
    ]
    record = read_output("sentiment", output, ["negative", "neutral", "positive"])
    assert record["label"] == "negative" and record["scores"]["positive"] == 0.4


def test_maximum_input_length_respects_tokenizer_and_position_embeddings() -> None:
    def limit(tokens: int, positions: int, model_type: str) -> int:
        tokenizer = SimpleNamespace(model_max_length=tokens)
        return max_input_tokens(
            tokenizer, SimpleNamespace(max_position_embeddings=positions, model_type=model_type)
        )

    assert limit(32, 34, "roberta") == 32
    assert limit(int(1e30), 514, "roberta") == 512  # an unset tokenizer limit falls back on the positions
    assert limit(int(1e30), 512, "bert") == 512
    assert limit(128, 514, "roberta") == 128


async def test_tiny_models_give_labels_of_the_paper_sets_and_truncate_long_texts() -> None:
    settings = _settings()
    long_text = "I think I feel really tired because of all the work " * 100
    records = await classify_messages(settings, [*TEXTS, long_text])
    for record in records:
        assert record.failures == []
        assert record.sentiment in SENTIMENT_LABELS and record.emotion in EMOTION_LABELS
        assert record.intimacy is not None
    raw = load_pipeline(settings.intimacy)(TEXTS[0], function_to_apply="none")[0]["score"]
    assert records[0].intimacy == pytest.approx(raw, abs=1e-6)
    assert len({record.emotion for record in records} | {record.sentiment for record in records}) > 2


async def test_concurrent_requests_share_one_batch_and_repeats_come_from_the_cache() -> None:
    settings = _settings()
    texts = [f"message number {n} about hiking" for n in range(8)]
    before = batcher_stats().get(("classifier", "emotion", model_key(settings.emotion)))
    batches_before = before.batches if before else 0
    inferred_before = _inferred("emotion", settings.emotion)

    first = await collect(*(classify_messages(settings, [text]) for text in texts))
    emotion_stats = batcher_stats()[("classifier", "emotion", model_key(settings.emotion))]
    assert emotion_stats.batches == batches_before + 1  # eight samples, one forward pass
    assert _inferred("emotion", settings.emotion) == inferred_before + 8
    assert classifier_cache_path().is_file()

    again = await classify_messages(settings, texts)
    assert _inferred("emotion", settings.emotion) == inferred_before + 8  # nothing inferred a second time
    assert [record for [record] in first] == again


class _FailingPipeline:
    """Stands in for a transformers pipeline: its model's labels and length limits."""

    model = SimpleNamespace(
        config=SimpleNamespace(
            id2label={0: "negative", 1: "neutral", 2: "positive"},
            max_position_embeddings=514,
            model_type="roberta",
        )
    )
    tokenizer = SimpleNamespace(model_max_length=512)


def _failing_forward(pipe: Any, texts: list[str], *_: Any) -> list[list[dict[str, Any]]]:
    """Stands in for the model's forward pass (`classify_texts`); fails on any input containing `boom`."""
    if any("boom" in text for text in texts):
        raise RuntimeError("cannot classify")
    return [
        [
            {"label": "positive", "score": 0.9},
            {"label": "neutral", "score": 0.05},
            {"label": "negative", "score": 0.05},
        ]
        for _ in texts
    ]


async def test_an_inference_error_fails_only_its_text_and_is_not_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(classifiers_module, "load_pipeline", lambda model_id: _FailingPipeline())
    monkeypatch.setattr(classifiers_module, "classify_texts", _failing_forward)
    settings = ClassifierSettings(
        sentiment="fake/failing", emotion="fake/failing-e", intimacy="fake/failing-i"
    )
    records = await classifiers_module.classify(
        "sentiment", settings.sentiment, ["fine", "boom", "also fine"]
    )
    assert records[0]["label"] == "positive" and records[2]["label"] == "positive"
    assert records[1] == {"error": "RuntimeError: cannot classify"}
    assert set(classifier_cache().get_many("sentiment", "fake/failing", ["fine", "boom"])) == {"fine"}
    [record] = await classify_messages(settings, ["boom"])
    assert (record.sentiment, record.emotion, record.intimacy) == (None, None, None)
    assert [failure.attribute for failure in record.failures] == ["sentiment", "emotion", "intimacy"]
    assert record.failures[0].error == "fake/failing: RuntimeError: cannot classify"
