"""The classifier-measured EI attributes: sentiment, emotion and intimacy (paper section 4.2, appendix C).

The paper uses cardiffnlp's Twitter RoBERTa models (Antypas et al., 2023). Each is a transformers
text-classification pipeline, loaded once per process, fed in batches gathered across concurrent samples
(`MicroBatcher`) in a worker thread, with inputs truncated to the model's maximum length. Outputs are cached
persistently by (kind, model id, text), so the real messages are classified once for all runs.

Reading the outputs:
- sentiment: softmax over negative / neutral / positive, top label;
- emotion: multi-label, a sigmoid per label (11 labels), top label;
- intimacy: a regression, read as the released code reads it: the raw value (`function_to_apply="none"`,
  what a default pipeline gives for a model whose config declares `problem_type="regression"`), no sigmoid.
Ties go to the label that comes first in the model's `id2label` order. An inference error for a text is
recorded as that text's failure (and not cached); a model that cannot be loaded is a configuration error and
raises.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache, partial
from typing import Any

from inspect_ai.util import collect

from realtalk_evals.ei.record import EIFailure, MessageEI
from realtalk_evals.local_models.batching import MicroBatcher, batcher
from realtalk_evals.local_models.cache import classifier_cache, model_key
from realtalk_evals.local_models.inference import classify_texts
from realtalk_evals.local_models.settings import (
    CLASSIFIER_KINDS,
    DEFAULT_BATCH_SIZE,
    ClassifierKind,
    ClassifierSettings,
)

_FUNCTION: dict[ClassifierKind, str] = {"sentiment": "softmax", "emotion": "sigmoid", "intimacy": "none"}


_LOAD_LOCK = threading.Lock()


@cache
def _load(model_id: str) -> Any:
    from transformers import pipeline

    return pipeline("text-classification", model=model_id, tokenizer=model_id)


def load_pipeline(model_id: str) -> Any:
    """The model's text-classification pipeline, loaded once per process (thread-safe)."""
    with _LOAD_LOCK:
        return _load(model_id)


def max_input_tokens(tokenizer: Any, config: Any) -> int:
    """The longest input the model takes: the tokenizer's limit, bounded by the position embeddings."""
    limits = []
    if 0 < tokenizer.model_max_length < 1_000_000:  # unset limits are a huge sentinel
        limits.append(int(tokenizer.model_max_length))
    positions = getattr(config, "max_position_embeddings", None)
    if positions:
        # RoBERTa-style models number positions from pad_token_id + 1, which uses up two embeddings.
        limits.append(int(positions) - 2 if "roberta" in str(config.model_type) else int(positions))
    return min(limits) if limits else 512


def read_output(kind: ClassifierKind, output: list[dict[str, Any]], labels: Sequence[str]) -> dict[str, Any]:
    """One text's pipeline output (all labels, `top_k=None`) as the record cached and used for MessageEI."""
    scores = {str(item["label"]).lower(): float(item["score"]) for item in output}
    if kind == "intimacy":
        if len(scores) != 1:
            raise ValueError(f"intimacy model should output one value, got {sorted(scores)}")
        # Under "raw", the key that held this value before (beside the sigmoid as "value"): cached records of
        # earlier versions are read alike.
        return {"raw": next(iter(scores.values()))}
    best = max((label.lower() for label in labels), key=lambda label: scores[label])
    return {"label": best, "score": scores[best], "scores": scores}


def infer(kind: ClassifierKind, model_id: str, batch_size: int, texts: list[str]) -> list[dict[str, Any]]:
    """Classify `texts` (blocking; runs in a worker thread) and cache the successes.

    The model's forward pass is the pipeline's, in length-sorted batches (`classify_texts`). A failing
    call is retried text by text so that one bad text fails alone, as `{"error": ...}`.
    """
    pipe = load_pipeline(model_id)
    labels = [pipe.model.config.id2label[index] for index in sorted(pipe.model.config.id2label)]
    max_length = max_input_tokens(pipe.tokenizer, pipe.model.config)

    def run(chunk: list[str]) -> list[dict[str, Any]]:
        outputs = classify_texts(pipe, chunk, _FUNCTION[kind], max_length, batch_size)
        return [read_output(kind, output, labels) for output in outputs]

    try:
        records = run(texts)
    except Exception:  # noqa: BLE001 - retried text by text below, where each error is recorded
        records = []
        for text in texts:
            try:
                records += run([text])
            # A model failure on one text is recorded, not raised.
            except Exception as error:  # noqa: BLE001
                records.append({"error": f"{type(error).__name__}: {error}"})
    successes = {text: record for text, record in zip(texts, records, strict=True) if "error" not in record}
    classifier_cache().put_many(kind, model_key(model_id), successes)
    return records


async def classify(
    kind: ClassifierKind, model_id: str, texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE
) -> list[dict[str, Any]]:
    """Records for `texts`: from the cache where present, the rest inferred in a shared micro-batch."""
    key = model_key(model_id)
    found = classifier_cache().get_many(kind, key, texts)
    missing = [text for text in dict.fromkeys(texts) if text not in found]
    if missing:
        runner = batcher(
            ("classifier", kind, key),
            lambda: MicroBatcher(partial(infer, kind, model_id, batch_size), max_batch=batch_size * 4),
        )
        found.update(zip(missing, await runner.submit(missing), strict=True))
    return [found[text] for text in texts]


def _as_record(kind: ClassifierKind, model_id: str, output: dict[str, Any]) -> MessageEI:
    if "error" in output:
        return MessageEI(failures=[EIFailure(attribute=kind, error=f"{model_id}: {output['error']}")])
    if kind == "intimacy":
        return MessageEI(intimacy=output["raw"])
    return MessageEI(**{kind: output["label"]})


async def classify_messages(settings: ClassifierSettings, texts: Sequence[str]) -> list[MessageEI]:
    """Sentiment, emotion and intimacy of each text (the three classifiers run concurrently)."""
    outputs = await collect(
        *(classify(kind, settings.model(kind), texts, settings.batch_size) for kind in CLASSIFIER_KINDS)
    )
    return [
        MessageEI.combined(
            _as_record(kind, settings.model(kind), per_text[index])
            for kind, per_text in zip(CLASSIFIER_KINDS, outputs, strict=True)
        )
        for index in range(len(texts))
    ]
