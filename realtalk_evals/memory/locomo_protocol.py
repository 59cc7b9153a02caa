"""LoCoMo's released QA protocol: what it adds to a question, and how it reads the reply and scores category 5.

LoCoMo's `task_eval/evaluate_gpts.py` appends a date hint to temporal questions and asks adversarial ones as a
two-way choice between "Not mentioned in the conversation" and the trap answer, in a random order, mapping a
reply that is just a letter back to the option's text. Here the order comes from a seed derived from the
sample id, so a run is reproducible. `evaluation.py` then scores category 5 as right when the prediction
says "no information available" or "not mentioned".
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Mapping
from typing import Any

from realtalk_evals.prompts import LOCOMO_ADVERSARIAL_CHOICE, LOCOMO_NOT_MENTIONED, LOCOMO_TEMPORAL_SUFFIX

ADVERSARIAL = 5
TEMPORAL = 2

_LETTER_REPLY = re.compile(r"^\(?([ab])\)?\.?$")
_NOT_MENTIONED_PHRASES = ("no information available", "not mentioned")
_WORD = re.compile(r"\w+")


def adversarial_options(sample_id: str, trap: str) -> dict[str, str]:
    """Options `a` and `b`: "Not mentioned in the conversation" and the trap, in an order seeded by the id."""
    seed = int.from_bytes(hashlib.sha256(sample_id.encode("utf-8")).digest()[:8], "big")
    if random.Random(seed).random() < 0.5:
        return {"a": LOCOMO_NOT_MENTIONED, "b": trap}
    return {"a": trap, "b": LOCOMO_NOT_MENTIONED}


def asked_question(question: str, category: int, options: Mapping[str, str] | None = None) -> str:
    """The question as LoCoMo's code asks it: date hint for category 2, the two options for category 5."""
    if category == TEMPORAL:
        return question + LOCOMO_TEMPORAL_SUFFIX
    if category == ADVERSARIAL:
        if options is None:
            raise ValueError("an adversarial question is asked with its two options")
        return question + LOCOMO_ADVERSARIAL_CHOICE.format(a=options["a"], b=options["b"])
    return question


def chosen_option(reply: str, options: Mapping[str, str]) -> str:
    """The option's text when the reply is only its letter (`a`, `(b)`, `B.`); any other reply unchanged."""
    match = _LETTER_REPLY.match(reply.strip().lower())
    return options[match.group(1)] if match else reply


def scored_prediction(completion: str, metadata: Mapping[str, Any]) -> str:
    """What the scorers compare: the completion, with a letter mapped back for a two-way-choice sample."""
    options = metadata.get("options")
    return chosen_option(completion, options) if options else completion


def says_not_mentioned(prediction: str) -> bool:
    """LoCoMo's category-5 rule: the prediction contains "no information available" or "not mentioned"."""
    text = prediction.lower()
    return any(phrase in text for phrase in _NOT_MENTIONED_PHRASES)


def gives_trap_answer(prediction: str, trap: str) -> bool:
    """The prediction offers the trap: it contains the trap's words in order (case and punctuation aside),
    whether or not it also says "not mentioned". A hedge ("Not mentioned in the conversation, but probably
    <trap>") took the bait; LoCoMo's category-5 F1 (`says_not_mentioned`) credits it, as the released code does,
    so the trap rate is what shows it."""
    trap_words = " ".join(_WORD.findall(trap.lower()))
    return bool(trap_words) and f" {trap_words} " in f" {' '.join(_WORD.findall(prediction.lower()))} "
