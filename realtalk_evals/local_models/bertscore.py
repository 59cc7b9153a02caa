"""BERTScore F1 from bert-score's own functions, with the real messages' token embeddings kept on disk.

`BERTScorer.score` embeds every sentence of every call, so each model's persona run embeds every real message
again, though its embedding does not depend on the model under test. Here each text is embedded by
bert-score's `get_bert_embedding` (the same tokenization, layer and masking as `score`), in batches of similar
token length; the references' embeddings are read from and written to the local-model cache
(`realtalk_evals.local_models.cache`, by model, layer and text), and each pair is scored by bert-score's
`greedy_cos_idf`, as `score` does. A text's embedding does not depend on the texts batched with it (attention
masks hide the padding), so the F1 equals `score`'s up to float32 noise (tests/test_inference_equivalence.py).
Without idf weighting (the suite's setting) every token weighs 1 except the start and end tokens (0).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from realtalk_evals.local_models.cache import classifier_cache, model_key
from realtalk_evals.local_models.inference import length_sorted_chunks

CACHE_KIND = "bertscore"
"""The cache's kind for BERTScore token embeddings (its model part names the model and the layer)."""

TokenEmbeddings = tuple[Any, Any]
"""One text's (tokens x width) embedding and (tokens,) weights, as float32 CPU tensors."""


def embedding_cache_model(model: str, num_layers: int) -> str:
    """The cache key's model part: the model (a local directory by its absolute path) and the layer used."""
    return f"{model_key(model)}#layer={num_layers}"


def _weights(tokenizer: Any) -> defaultdict[int, float]:
    """Token weights without idf, as `BERTScorer.score` sets them: 1, the start and end tokens 0."""
    weights: defaultdict[int, float] = defaultdict(lambda: 1.0)
    weights[tokenizer.sep_token_id] = 0.0
    weights[tokenizer.cls_token_id] = 0.0
    return weights


def embed(scorer: Any, texts: Sequence[str], batch_size: int) -> dict[str, TokenEmbeddings]:
    """Each distinct text's token embeddings, computed in batches of `batch_size` texts of similar length."""
    from bert_score.utils import get_bert_embedding, sent_encode  # type: ignore[import-untyped]

    model, tokenizer = scorer._model, scorer._tokenizer  # bert-score keeps them private; score() uses these
    unique = list(dict.fromkeys(texts))
    lengths = [len(sent_encode(tokenizer, text)) for text in unique]
    weights = _weights(tokenizer)
    embedded: dict[str, TokenEmbeddings] = {}
    for chunk in length_sorted_chunks(lengths, batch_size):
        batch = [unique[index] for index in chunk]
        vectors, mask, padded_weights = get_bert_embedding(
            batch, model, tokenizer, weights, device=scorer.device
        )
        vectors, mask, padded_weights = vectors.cpu(), mask.cpu(), padded_weights.cpu()
        for row, text in enumerate(batch):
            length = int(mask[row].sum())
            embedded[text] = (vectors[row, :length].float(), padded_weights[row, :length].float())
    return embedded


def _padded(embeddings: Sequence[TokenEmbeddings]) -> tuple[Any, Any, Any]:
    """Embeddings, mask and weights of several texts padded to the longest, as bert-score pads them."""
    import torch
    from torch.nn.utils.rnn import pad_sequence

    lengths = torch.tensor([vectors.size(0) for vectors, _ in embeddings])
    mask = torch.arange(int(lengths.max())).expand(len(lengths), -1) < lengths.unsqueeze(1)
    vectors = pad_sequence([vectors for vectors, _ in embeddings], batch_first=True, padding_value=2.0)
    return vectors, mask, pad_sequence([weights for _, weights in embeddings], batch_first=True)


def pair_f1(
    embeddings: dict[str, TokenEmbeddings], pairs: Sequence[tuple[str, str]], batch_size: int
) -> list[float]:
    """BERTScore F1 of each (prediction, reference) pair from the texts' token embeddings."""
    from bert_score.utils import greedy_cos_idf

    f1: list[float] = []
    for start in range(0, len(pairs), batch_size):
        chunk = pairs[start : start + batch_size]
        references = _padded([embeddings[reference] for _, reference in chunk])
        predictions = _padded([embeddings[prediction] for prediction, _ in chunk])
        _, _, values = greedy_cos_idf(*references, *predictions)  # normalises the padded copies in place
        f1 += [float(value) for value in values.tolist()]
    return f1


def cached_bertscore_f1(
    scorer: Any, cache_model: str, pairs: Sequence[tuple[str, str]], batch_size: int
) -> list[float]:
    """BERTScore F1 of (prediction, reference) pairs; the references' embeddings come from, or go to, the cache.

    `scorer` is a `bert_score.BERTScorer` without idf weighting or baseline rescaling (the suite's settings).
    """
    if scorer.idf or scorer.rescale_with_baseline or scorer.all_layers:
        raise ValueError("cached BERTScore supports no idf, no baseline rescaling and one layer only")
    cache = classifier_cache()
    references = list(dict.fromkeys(reference for _, reference in pairs))
    stored = cache.get_arrays(CACHE_KIND, cache_model, references)
    embeddings: dict[str, TokenEmbeddings] = {}
    if stored:
        import torch

        embeddings = {
            text: (torch.tensor(arrays["vectors"]), torch.tensor(arrays["weights"]))
            for text, arrays in stored.items()
        }
    texts = [prediction for prediction, _ in pairs] + references
    computed = embed(scorer, [text for text in texts if text not in embeddings], batch_size)
    embeddings.update(computed)
    cache.put_arrays(
        CACHE_KIND,
        cache_model,
        {
            text: {"vectors": np.asarray(computed[text][0]), "weights": np.asarray(computed[text][1])}
            for text in references
            if text in computed
        },
    )
    return pair_f1(embeddings, pairs, max(batch_size, 64))
