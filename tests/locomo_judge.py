"""A network-free grader for memory-probing tests on both datasets: it judges as a careful reader would."""

from __future__ import annotations

import re

from inspect_ai.model import ChatMessage, ModelOutput

_FIELDS = {
    # the released code's judge prompt (the default); the suite's delimited one and the adversarial one
    "prediction": (
        r"Model's prediction: (.*)",
        r"<predicted_answer>\n(.*)\n</predicted_answer>",
    ),
    "gold": (r"Ground truth: (.*)", r"<gold_answer>\n(.*)\n</gold_answer>"),
}


def _field(text: str, name: str) -> str:
    for pattern in _FIELDS[name]:
        if found := re.search(pattern, text):
            return found.group(1)
    raise ValueError(f"no {name} in the judge prompt: {text[:300]!r}")


def judge(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Scores 1 when the prediction is the gold answer (with or without the reason after `;`), or, asked the
    adversarial prompt, when it says "not mentioned"."""
    text = messages[-1].text
    prediction = _field(text, "prediction")
    if "<tempting_wrong_answer>" in text:
        right = "not mentioned" in prediction.lower()
    else:
        gold = _field(text, "gold")
        right = prediction in (gold, gold.split(";")[0].strip())  # an answer's `; reason` is optional
    return ModelOutput.from_content(model="judge", content=f'{{"score": {int(right)}}}')
