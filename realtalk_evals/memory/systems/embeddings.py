"""Sentence embeddings for dense retrieval: the model is loaded once (checked at task construction) and every
(model, text) embedding is computed once, then kept in the project's on-disk cache beside the classifier labels.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from realtalk_evals.errors import InputError
from realtalk_evals.local_models.cache import check_classifier_cache, classifier_cache
from realtalk_evals.local_models.settings import (
    DEFAULT_EMBEDDING_MODEL,
    embedding_need,
    model_problem,
    prepare_hint,
)

__all__ = ["DEFAULT_EMBEDDING_MODEL", "check_embeddings", "embed", "load_embedding_model"]

CACHE_KIND = "embedding"
"""The `kind` of embedding records in the cache shared with the classifier labels (`ei/cache.py`)."""


@lru_cache(maxsize=4)
def _load(name: str) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(name, device="cpu" if not _has_cuda() else None)


def _has_cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def load_embedding_model(name: str) -> Any:
    """The sentence-transformers model `name` (a hub id or a local directory); InputError naming
    `embedding_model` when it cannot be loaded. The one check of the parameter, run at task construction.

    The local-model check comes first (local cache, then the Hub with a short timeout), so that an offline
    machine gets the message in seconds rather than after sentence-transformers' download retries."""
    problem = model_problem(name)
    if problem is not None:
        hint = prepare_hint([embedding_need(name)])
        raise InputError(f"embedding_model {name!r} cannot be loaded: it {problem}. {hint}")
    try:
        return _load(name)
    except Exception as error:  # any failure to load (missing, offline, not a model) is the user's to fix
        raise InputError(
            f"embedding_model {name!r} cannot be loaded ({type(error).__name__}: {error}); give a "
            "sentence-transformers model id that is downloaded or reachable, or a local model directory"
        ) from error


def check_embeddings(name: str) -> None:
    """At task construction: the embedding cache can be written (every indexed conversation and question writes
    to it) and the model `name` loads; each failure is one InputError naming what to set or give."""
    check_classifier_cache("The embedding cache (shared with the classifier labels)")
    load_embedding_model(name)


def embed(name: str, texts: list[str]) -> np.ndarray:
    """Unit-length float32 embeddings of `texts` (one row each), read from the cache or computed and stored."""
    cache = classifier_cache()
    found = cache.get_many(CACHE_KIND, name, texts)
    missing = [text for text in dict.fromkeys(texts) if text not in found]
    if missing:
        vectors = load_embedding_model(name).encode(missing, batch_size=64, normalize_embeddings=True)
        records = {
            text: {"vector": [float(x) for x in vector]}
            for text, vector in zip(missing, vectors, strict=True)
        }
        cache.put_many(CACHE_KIND, name, records)
        found.update(records)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray([found[text]["vector"] for text in texts], dtype=np.float32)
