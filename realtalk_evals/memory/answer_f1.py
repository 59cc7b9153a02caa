"""Partial-match F1 of the paper (section 6.2.1), as in its released evaluation code.

Inspect's built-in `f1()` compares word sets and does not stem; the paper counts Porter-stemmed tokens and
applies per-category rules, so the metric is written out here. The rules are LoCoMo's `evaluation.py`, which
also scores LoCoMo's categories 4 (single-hop) and 5 (adversarial, by "not mentioned"). The `partial_match`
scorer wraps it; judge calibration uses it to pick wrong answers that share no words with the gold.
"""

from __future__ import annotations

import string
from collections import Counter
from functools import lru_cache
from typing import Any

import regex

from realtalk_evals.memory.locomo_protocol import says_not_mentioned

_PUNCTUATION = set(string.punctuation)
# The `regex` module, as the released code (REALTALK's `qa_tool.py`, LoCoMo's `evaluation.py`): its `\b` differs
# from `re`'s next to combining marks, superscripts and joiners (`a² b` keeps its `a` under `re`), and F1 follows.
_DROPPED_WORDS = regex.compile(r"\b(a|an|the|and)\b")


def normalize_answer(text: str) -> str:
    """Lower-case, delete commas, strip punctuation, drop a/an/the/and, collapse whitespace."""
    text = text.replace(",", "").lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _DROPPED_WORDS.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """nltk's Porter stemmer, imported on first use: importing nltk takes about a second."""
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=65536)
def _stem(token: str) -> str:
    return str(_stemmer().stem(token))


def preload_stemmer() -> None:
    """Import nltk now (at task construction), not while the first answers are being scored."""
    _stemmer()


def stemmed_tokens(text: str) -> list[str]:
    return [_stem(token) for token in normalize_answer(text).split()]


def token_f1(prediction: str, answer: str) -> float:
    """F1 over the multisets of stemmed tokens; 0 when nothing is shared (or either side is empty)."""
    predicted = stemmed_tokens(prediction)
    gold = stemmed_tokens(answer)
    shared = sum((Counter(predicted) & Counter(gold)).values())
    if shared == 0:
        return 0.0
    precision = shared / len(predicted)
    recall = shared / len(gold)
    return 2 * precision * recall / (precision + recall)


def multi_answer_f1(prediction: str, answer: str) -> float:
    """Mean over the comma-separated gold parts of the best F1 against any comma-separated predicted part."""
    predictions = [part.strip() for part in prediction.split(",")]
    golds = [part.strip() for part in answer.split(",")]
    return sum(max(token_f1(p, g) for p in predictions) for g in golds) / len(golds)


def partial_match_f1(prediction: str, answer: str, category: int) -> float:
    """The paper's per-category F1: 1 = multi-hop (comma parts), 2 = temporal, 3 = commonsense (gold before `;`);
    LoCoMo's 4 = single-hop (token F1) and 5 = adversarial (1 when the prediction says "not mentioned")."""
    if category == 1:
        return multi_answer_f1(prediction, answer)
    if category == 5:
        return 1.0 if says_not_mentioned(prediction) else 0.0
    if category == 3:
        answer = answer.split(";")[0].strip()
    elif category not in (2, 4):
        raise ValueError(f"unknown question category {category!r}; valid: 1, 2, 3, 4, 5")
    return token_f1(prediction, answer)
