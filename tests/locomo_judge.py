"""A network-free grader for memory-probing tests on both datasets: it judges as a careful reader would."""

from __future__ import annotations

from inspect_ai.model import ChatMessage, ModelOutput


def judge(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Scores 1 when the prediction is the gold answer (with or without the reason after `;`), or, asked the
    adversarial prompt, when it says "not mentioned"."""
    text = messages[-1].text
    prediction = text.split("Predicted answer: ", 1)[1].split("\n")[0]
    if "Tempting wrong answer:" in text:
        right = "not mentioned" in prediction.lower()
    else:
        gold = text.split("Gold answer: ", 1)[1].split("\n")[0]
        right = prediction in (gold, gold.split(";")[0].strip())  # an answer's `; reason` is optional
    return ModelOutput.from_content(model="judge", content=f'{{"score": {int(right)}}}')
