"""The memory judge's prompt for one question and prediction: one home, so that `llm_accuracy` and
`judge_calibration` send a judge exactly the same text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from realtalk_evals.prompts import MEMORY_JUDGE_ADVERSARIAL, MEMORY_JUDGES


def memory_judge_prompt(judge_prompt: str, metadata: Mapping[str, Any], gold: str, prediction: str) -> str:
    """`MEMORY_JUDGES[judge_prompt]` filled against the gold answer; a LoCoMo adversarial question (its trap
    answer in the metadata) gets MEMORY_JUDGE_ADVERSARIAL whatever the judge prompt. LoCoMo samples show the
    judge the file's question and answer (`source_question`, `answer`), not the question as asked."""
    question = metadata.get("source_question", metadata["question"])
    if "adversarial_answer" in metadata:
        return MEMORY_JUDGE_ADVERSARIAL.format(
            question=question, trap=metadata["adversarial_answer"], prediction=prediction
        )
    return MEMORY_JUDGES[judge_prompt].format(
        question=question, answer=metadata.get("answer") or gold, prediction=prediction
    )
