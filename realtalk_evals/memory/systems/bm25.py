"""BM25 ranking of a conversation's units against the question, with the maintained `rank-bm25` library.

The tokenizer (docs/memory_systems.md, "BM25"): lower-cased runs of letters and digits, English stop words
dropped, each word reduced to its Porter stem (NLTK's `PorterStemmer`, which needs no download; `-T
bm25_stemming=false` keeps whole words, memory_probing 2-C's tokenizer). Only units sharing a word with the
question are ranked: a unit scoring 0 is never shown to fill up `top_k`. Ties keep the chronological order (the
earlier unit first), so a cut-off between equal scores falls the same way in every run.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, ClassVar

import numpy as np
from rank_bm25 import BM25Okapi

from realtalk_evals.data.records import Conversation
from realtalk_evals.memory.systems.base import MemorySystem
from realtalk_evals.memory.systems.units import Unit

_WORD = re.compile(r"[a-z0-9]+")


@cache
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop-word list, imported on first use: importing scikit-learn takes over a second,
    which every `inspect` command would otherwise pay through the entry point (see docs/memory_systems.md)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@cache
def _stemmer() -> Any:
    from nltk.stem import PorterStemmer

    return PorterStemmer()


@cache
def _stem(word: str) -> str:
    return str(_stemmer().stem(word))


def tokenize(text: str, stemming: bool = True) -> list[str]:
    """Lower-cased runs of letters and digits, without English stop words (scikit-learn's list), each Porter
    stemmed when `stemming`.

    Chat turns are short, so words like `what` or `did` occur in few enough turns to keep a real IDF, and a
    short turn made of them would outrank a long turn holding the question's one rare word.
    """
    stop_words = english_stop_words()
    words = [word for word in _WORD.findall(text.lower()) if word not in stop_words]
    return [_stem(word) for word in words] if stemming else words


class BM25Index:
    """Okapi BM25 (k1 = 1.5, b = 0.75, rank-bm25's defaults) over a fixed list of units."""

    def __init__(self, units: list[Unit], stemming: bool = True) -> None:
        self.units = units
        self.stemming = stemming
        # rank-bm25 divides by the mean document length: an empty corpus or all-empty documents need a token
        self._bm25 = BM25Okapi([tokenize(unit.text, stemming) or ["\0"] for unit in units] or [["\0"]])

    def ranked(self, query: str, k: int | None = None) -> list[int]:
        """Indices of the best `k` units (all when None) that share a word with the query, best first; ties
        keep chronological order (a stable sort of the scores)."""
        if not self.units:
            return []
        scores = self._bm25.get_scores(tokenize(query, self.stemming))
        order = np.argsort(-scores, kind="stable")
        return order[scores[order] > 0][:k].tolist()

    def search(self, query: str, k: int) -> list[Unit]:
        return [self.units[index] for index in self.ranked(query, k)]


class BM25Memory(MemorySystem):
    """`memory=bm25`: the `top_k` units with the highest BM25 score for the question."""

    name: ClassVar[str] = "bm25"

    def index(self, conversation: Conversation) -> None:
        super().index(conversation)
        self.bm25 = BM25Index(self.units, self.settings.bm25_stemming)

    def search(self, question: str, k: int) -> list[Unit]:
        return self.bm25.search(question, k)
