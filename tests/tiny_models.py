"""Tiny random-weight RoBERTa models, built on the fly, standing in for the paper's classifiers and BERTScore.

The real models (cardiffnlp RoBERTa classifiers, roberta-large for BERTScore) cannot be downloaded in CI and
take gigabytes. These have the same shapes of output (3 sentiment labels, 11 multi-label emotions, 1
regression value) with a 32-wide, 2-layer network and a byte-level BPE vocabulary of a few hundred tokens:
their labels are noise, but every code path of loading, truncating, batching and caching is exercised.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from realtalk_evals.local_models.settings import LocalModels

SENTIMENT_LABELS = ("negative", "neutral", "positive")
EMOTION_LABELS = (
    "anger",
    "anticipation",
    "disgust",
    "fear",
    "joy",
    "love",
    "optimism",
    "pessimism",
    "sadness",
    "surprise",
    "trust",
)
MAX_TOKENS = 32
"""The tiny tokenizers' maximum length: short, so that truncation is exercised by ordinary messages."""

_CORPUS = [
    "Hey! How are you doing today?",
    "I'm doing well, thanks for asking. Anything exciting happening on your end?",
    "I feel a bit tired because I stayed up late finishing my essay.",
    "That sounds fun! Where are you going with your friends?",
    "lol yeah I dunno, imo the movie was kinda boring",
    "Can you tell me more about the cooking class?",
    "I'm so sorry to hear that, I hope you feel better soon.",
    "We went hiking and the view was amazing, I took so many pictures.",
]


@dataclass(frozen=True)
class TinyModels:
    """Directories of the three classifiers; `sentiment` doubles as the BERTScore encoder (2 layers)."""

    sentiment: str
    emotion: str
    intimacy: str

    @property
    def bertscore(self) -> str:
        return self.sentiment

    bertscore_layers: int = 2

    @property
    def settings(self) -> LocalModels:
        """These models as the suite's local-model settings."""
        return LocalModels(
            sentiment=self.sentiment,
            emotion=self.emotion,
            intimacy=self.intimacy,
            bertscore_model=self.bertscore,
            bertscore_layers=self.bertscore_layers,
        )


def _tokenizer(directory: Path):  # type: ignore[no-untyped-def]
    from tokenizers import ByteLevelBPETokenizer
    from transformers import RobertaTokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        _CORPUS, vocab_size=400, min_frequency=1, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    )
    directory.mkdir(parents=True, exist_ok=True)
    bpe.save_model(str(directory))
    return RobertaTokenizerFast.from_pretrained(str(directory), model_max_length=MAX_TOKENS)


def build_classifier(
    directory: Path,
    labels: tuple[str, ...],
    problem_type: Literal["regression", "single_label_classification", "multi_label_classification"],
    seed: int = 0,
) -> str:
    """Save a random-weight RobertaForSequenceClassification with its tokenizer; return the directory."""
    import torch
    from transformers import RobertaConfig, RobertaForSequenceClassification

    tokenizer = _tokenizer(directory)
    config = RobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS + 2,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        id2label=dict(enumerate(labels)),
        label2id={label: index for index, label in enumerate(labels)},
        problem_type=problem_type,
        initializer_range=0.5,  # large random weights, so that different texts get different labels
    )
    torch.manual_seed(seed)
    model = RobertaForSequenceClassification(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return str(directory)


def build_tiny_models(root: Path) -> TinyModels:
    """The three classifiers of the EI library, saved under `root`."""
    return TinyModels(
        sentiment=build_classifier(root / "sentiment", SENTIMENT_LABELS, "single_label_classification", 1),
        emotion=build_classifier(root / "emotion", EMOTION_LABELS, "multi_label_classification", 2),
        intimacy=build_classifier(root / "intimacy", ("intimacy",), "regression", 3),
    )


@cache
def shared_tiny_models() -> TinyModels:
    """One set of tiny models per test process (a few seconds to build), removed at exit."""
    root = model_root()
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return build_tiny_models(root)


def model_root() -> Path:
    """A new temporary directory whose path bert-score will not take for a T5 model's (no `t5` in it)."""
    while True:
        root = Path(tempfile.mkdtemp(prefix="realtalk-tiny-models-"))
        if "t5" not in str(root):
            return root
        root.rmdir()
