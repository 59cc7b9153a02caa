"""A tiny random-weight sentence-transformers encoder, built on the fly, standing in for all-MiniLM-L6-v2.

A 2-layer, 32-wide BERT with a WordPiece vocabulary trained by `tokenizers` on a few sentences, then mean
pooling and normalisation: its embeddings are noise, but loading, encoding, caching and ranking all run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

_CORPUS = [
    "Hey! How are you doing today? I went skiing in Colorado.",
    "I'm taking an Italian cooking class and made pasta with my friends.",
    "What are your hobbies? I love hiking, reading books and painting.",
    "We watched a movie about space and ate tiramisu for dessert.",
]


def build_tiny_sentence_encoder(
    directory: Path, corpus: Sequence[str] = _CORPUS, vocab_size: int = 300
) -> str:
    """Save the encoder under `directory`; return the directory (an `embedding_model` value).

    Train the vocabulary on the texts to be embedded (`corpus`) for embeddings that tell most texts apart.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling, Transformer
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertModel, BertTokenizerFast  # type: ignore[attr-defined]

    base = directory / "bert"
    base.mkdir(parents=True, exist_ok=True)
    wordpiece = BertWordPieceTokenizer(lowercase=True)
    wordpiece.train_from_iterator(corpus, vocab_size=vocab_size, min_frequency=1)
    wordpiece.save_model(str(base))
    tokenizer = BertTokenizerFast(vocab=str(base / "vocab.txt"), model_max_length=64)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(base)
    tokenizer.save_pretrained(base)
    transformer = Transformer(str(base), max_seq_length=64)
    encoder = SentenceTransformer(modules=[transformer, Pooling(32, "mean"), Normalize()], device="cpu")
    encoder.save(str(directory / "encoder"))
    return str(directory / "encoder")
