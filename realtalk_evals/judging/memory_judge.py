"""The memory judge's prompt for one question and prediction: one home, so that `llm_accuracy` and
`judge_calibration` send a judge exactly the same text."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from realtalk_evals.prompts import MEMORY_JUDGE_ADVERSARIAL, MEMORY_JUDGES

FENCE_CLOSE = "</predicted_answer>"
"""How a judge prompt that puts the texts between markers closes the prediction's (the suite's prompts)."""


def fenced(text: str) -> str:
    """Text for the inside of a marker: `&`, `<` and `>` written as `&amp;`, `&lt;` and `&gt;`, so that nothing
    inside (an answer that writes `</predicted_answer>`, say) can close its marker or open another."""
    return html.escape(text, quote=False)


def memory_judge_prompt(judge_prompt: str, metadata: Mapping[str, Any], gold: str, prediction: str) -> str:
    """`MEMORY_JUDGES[judge_prompt]` filled against the gold answer; a LoCoMo adversarial question (its trap
    answer in the metadata) gets MEMORY_JUDGE_ADVERSARIAL whatever the judge prompt. LoCoMo samples show the
    judge the file's question and answer (`source_question`, `answer`), not the question as asked.

    Prompts with markers (the suite's and the adversarial one) get every text `fenced`; the released prompt,
    which has none, gets them as they are (its text stays the released code's, byte for byte)."""
    question = metadata.get("source_question", metadata["question"])
    if "adversarial_answer" in metadata:
        template = MEMORY_JUDGE_ADVERSARIAL
        fields = {"question": question, "trap": metadata["adversarial_answer"], "prediction": prediction}
    else:
        template = MEMORY_JUDGES[judge_prompt]
        fields = {"question": question, "answer": metadata.get("answer") or gold, "prediction": prediction}
    if FENCE_CLOSE in template:
        fields = {name: fenced(str(value)) for name, value in fields.items()}
    return template.format(**fields)
