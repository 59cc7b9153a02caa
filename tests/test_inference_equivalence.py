"""The optimised local-model path gives the straightforward path's labels and BERTScores, on REALTALK messages.

Straightforward: the transformers pipeline on the texts in their order, 32 at a time (padded to each batch's
longest), and bert-score on all pairs in one batch. Optimised: length-sorted batches, one tokenization,
inference mode (realtalk_evals.local_models.inference); BERTScore from cached reference embeddings
(realtalk_evals.local_models.bertscore). Padding is masked out, so only floating-point noise may differ:
labels must be equal and scores within TOLERANCE.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from tiny_models import shared_tiny_models

import realtalk_evals.local_models.bertscore as cached_bertscore
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.ei.classifiers import (
    _FUNCTION,
    CLASSIFIER_KINDS,
    classify,
    infer,
    load_pipeline,
    max_input_tokens,
    read_output,
)
from realtalk_evals.local_models.batching import LOCAL_MODELS_CONCURRENCY_ENV, MicroBatcher
from realtalk_evals.local_models.cache import classifier_cache
from realtalk_evals.local_models.inference import TORCH_THREADS_ENV, length_sorted_chunks
from realtalk_evals.scorers.content_similarity import (
    BertScoreSettings,
    bertscore_f1,
    load_bertscorer,
    self_f1,
)

TOLERANCE = 1e-5
"""Largest difference allowed in a classifier score or a BERTScore F1 (float32 noise is about 1e-7)."""


def _messages() -> list[str]:
    """Every 20th message of the first two chats: greetings, one-word replies and long merged-size texts."""
    conversations = load_conversations()[:2]
    texts = [m.text for c in conversations for s in c.sessions for m in s.messages if m.text.strip()]
    chosen = texts[::20]
    longest = max(texts, key=len)
    return [*chosen, longest * 3, chosen[0]]  # one over the models' length limit, one repeated


def test_length_sorted_chunks_cover_every_index_once_longest_first() -> None:
    chunks = length_sorted_chunks([3, 9, 1, 9, 5], 2)
    assert chunks == [[1, 3], [4, 0], [2]]
    assert length_sorted_chunks([], 4) == []


@pytest.mark.parametrize("kind", CLASSIFIER_KINDS)
def test_classifier_outputs_match_the_pipeline_in_text_order(kind: str) -> None:
    models = shared_tiny_models()
    model_id = str(getattr(models, kind))
    texts = _messages()
    assert len(texts) > 40
    pipe = load_pipeline(model_id)
    labels = [pipe.model.config.id2label[i] for i in sorted(pipe.model.config.id2label)]
    options = {
        "top_k": None,
        "function_to_apply": _FUNCTION[kind],  # type: ignore[index]
        "truncation": True,
        "max_length": max_input_tokens(pipe.tokenizer, pipe.model.config),
    }
    expected = [
        read_output(kind, output, labels)  # type: ignore[arg-type]
        for start in range(0, len(texts), 32)
        for output in pipe(texts[start : start + 32], batch_size=32, **options)
    ]
    optimised = infer(kind, model_id, 8, texts)  # type: ignore[arg-type]
    assert len(optimised) == len(texts)
    for want, got in zip(expected, optimised, strict=True):
        if kind == "intimacy":
            assert got["raw"] == pytest.approx(want["raw"], abs=TOLERANCE)
        else:
            assert got["label"] == want["label"]
            assert set(got["scores"]) == set(want["scores"])
            for label, score in want["scores"].items():
                assert got["scores"][label] == pytest.approx(score, abs=TOLERANCE)
    if kind != "intimacy":
        assert len({record["label"] for record in optimised}) > 1  # the models tell texts apart


def test_bertscore_matches_one_batch_of_all_pairs() -> None:
    models = shared_tiny_models()
    settings = BertScoreSettings(model=models.bertscore, num_layers=models.bertscore_layers)
    texts = _messages()
    pairs = [(texts[i], texts[i + 1]) for i in range(len(texts) - 1)] + [(texts[3], texts[3])]
    scorer = load_bertscorer(settings)
    _, _, f1 = scorer.score([p for p, _ in pairs], [r for _, r in pairs], batch_size=len(pairs))
    expected = [float(value) for value in f1.tolist()]
    got = bertscore_f1(settings, pairs)
    assert got == pytest.approx(expected, abs=TOLERANCE)
    assert got[-1] == pytest.approx(1.0, abs=TOLERANCE)
    assert got[-1] == 1.0  # a text against itself runs no model
    assert len({round(value, 3) for value in got}) > 5  # distinct pairs, distinct scores


def test_bertscore_with_cached_references_matches_bert_score(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model's run: the references' token embeddings are stored by the first call and read by the next, which
    embeds only the new predictions; both give bert-score's own F1."""
    models = shared_tiny_models()
    settings = BertScoreSettings(model=models.bertscore, num_layers=models.bertscore_layers)
    texts = _messages()
    references = texts[: len(texts) // 2]
    first = [(texts[-2 - i] + "!", reference) for i, reference in enumerate(references)]
    second = [(texts[i + 1] + " indeed", reference) for i, reference in enumerate(references)]
    scorer = load_bertscorer(settings)

    def expected(pairs: list[tuple[str, str]]) -> list[float]:
        _, _, f1 = scorer.score([p for p, _ in pairs], [r for _, r in pairs], batch_size=len(pairs))
        return [float(value) for value in f1.tolist()]

    embedded: list[str] = []
    embed = cached_bertscore.embed

    def counting_embed(scorer: Any, texts: list[str], batch_size: int) -> Any:
        embedded.extend(texts)
        return embed(scorer, texts, batch_size)

    monkeypatch.setattr(cached_bertscore, "embed", counting_embed)
    assert bertscore_f1(settings, first) == pytest.approx(expected(first), abs=TOLERANCE)
    assert set(references) <= set(embedded)
    cache_model = cached_bertscore.embedding_cache_model(scorer.model_type, scorer.num_layers)
    stored = classifier_cache().get_arrays(cached_bertscore.CACHE_KIND, cache_model, references)
    assert set(stored) == set(references)  # the references, not the predictions
    assert not classifier_cache().get_arrays(cached_bertscore.CACHE_KIND, cache_model, [first[0][0]])

    embedded.clear()
    got = bertscore_f1(settings, second)
    assert got == pytest.approx(expected(second), abs=TOLERANCE)
    assert set(embedded) == {prediction for prediction, _ in second}  # no reference embedded again
    assert len({round(value, 3) for value in got}) > 5


def test_the_cache_keeps_arrays_exactly() -> None:
    import numpy as np

    vectors = np.random.default_rng(0).standard_normal((7, 5)).astype(np.float32)
    weights = np.array([0, 1, 1, 1, 1, 1, 0], dtype=np.float32)
    classifier_cache().put_arrays(
        "bertscore", "model#layer=3", {"text": {"vectors": vectors, "weights": weights}}
    )
    [(text, arrays)] = classifier_cache().get_arrays("bertscore", "model#layer=3", ["text", "other"]).items()
    assert text == "text"
    assert arrays["vectors"].dtype == np.float32 and np.array_equal(arrays["vectors"], vectors)
    assert np.array_equal(arrays["weights"], weights)
    assert not classifier_cache().get_arrays("bertscore", "model#layer=4", ["text"])


def test_a_text_against_itself_scores_what_the_model_gives() -> None:
    """The gold side's shortcut (`self_f1`): every message against itself, through the model, is 1."""
    models = shared_tiny_models()
    settings = BertScoreSettings(str(models.bertscore), models.bertscore_layers)
    texts = _messages()
    _, _, f1 = load_bertscorer(settings).score(texts, texts, batch_size=len(texts))
    assert [float(value) for value in f1.tolist()] == pytest.approx([1.0] * len(texts), abs=TOLERANCE)
    assert bertscore_f1(settings, [(text, text) for text in texts]) == [1.0] * len(texts)
    assert self_f1("same", "same") == 1.0
    assert self_f1(" ", " ") is None and self_f1("a", "b") is None


def test_classifier_and_bertscore_batches_side_by_side_give_the_same_results(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """REALTALK_LOCAL_MODELS_CONCURRENCY=2 with one torch thread: a classifier batch and a BERTScore batch run
    in two worker threads at once, and each gives what it gives alone."""
    models = shared_tiny_models()
    settings = BertScoreSettings(str(models.bertscore), models.bertscore_layers)
    texts = _messages()
    pairs = [(texts[i], texts[i + 1]) for i in range(len(texts) - 1)]
    monkeypatch.setenv("REALTALK_CACHE_DIR", str(tmp_path / "alone"))
    alone_labels = infer("sentiment", str(models.sentiment), 8, texts)
    alone_f1 = bertscore_f1(settings, pairs)

    monkeypatch.setenv("REALTALK_CACHE_DIR", str(tmp_path / "side-by-side"))
    monkeypatch.setenv(LOCAL_MODELS_CONCURRENCY_ENV, "2")
    monkeypatch.setenv(TORCH_THREADS_ENV, "1")
    results: dict[str, Any] = {}

    async def side_by_side() -> None:
        bert: MicroBatcher[tuple[str, str], float] = MicroBatcher(lambda items: bertscore_f1(settings, items))
        assert bert.limit == 2

        async def labels() -> None:
            results["labels"] = await classify("sentiment", str(models.sentiment), texts, 8)

        async def f1() -> None:
            results["f1"] = await bert.submit(pairs)

        async with anyio.create_task_group() as group:
            group.start_soon(labels)
            group.start_soon(f1)

    anyio.run(side_by_side)
    assert [record["label"] for record in results["labels"]] == [record["label"] for record in alone_labels]
    for want, got in zip(alone_labels, results["labels"], strict=True):
        for label, score in want["scores"].items():
            assert got["scores"][label] == pytest.approx(score, abs=TOLERANCE)
    assert results["f1"] == pytest.approx(alone_f1, abs=TOLERANCE)
