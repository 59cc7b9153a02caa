"""LLM-judged accuracy of the paper's memory probing (section 6.2.1), by the `grader` model role."""

from __future__ import annotations

from inspect_ai.model import get_model
from inspect_ai.scorer import Score, Scorer, Target, grouped, mean, scorer, stderr
from inspect_ai.solver import TaskState

from realtalk_evals.judging import PAPER_GRADER, ask_judge, parse_unit_score
from realtalk_evals.locomo_protocol import scored_prediction
from realtalk_evals.metrics import count
from realtalk_evals.prompts import JUDGE_REPAIR, MEMORY_JUDGE, MEMORY_JUDGE_ADVERSARIAL


def judge_prompt(state: TaskState, target: Target, prediction: str) -> str:
    """MEMORY_JUDGE against the gold answer; a LoCoMo adversarial question (with its trap answer in the
    metadata) gets MEMORY_JUDGE_ADVERSARIAL. LoCoMo samples show the judge the file's question and answer."""
    metadata = state.metadata
    question = metadata.get("source_question", metadata["question"])
    if "adversarial_answer" in metadata:
        return MEMORY_JUDGE_ADVERSARIAL.format(
            question=question, trap=metadata["adversarial_answer"], prediction=prediction
        )
    return MEMORY_JUDGE.format(
        question=question, answer=metadata.get("answer") or target.text, prediction=prediction
    )


@scorer(
    metrics={
        "llm_accuracy": [grouped(mean(), "category_name"), stderr()],
        "judge_failure": [count()],
    }
)
def llm_accuracy(grader: str | None = None) -> Scorer:
    """Grader-model judgement in [0, 1]; an unreadable judge reply is recorded as a failure, not a score."""

    async def score(state: TaskState, target: Target) -> Score:
        model = get_model(grader, role="grader", default=PAPER_GRADER)
        prediction = scored_prediction(state.output.completion, state.metadata)
        prompt = judge_prompt(state, target, prediction)
        result = await ask_judge(model, prompt, parse_unit_score, JUDGE_REPAIR)
        metadata = {"grader": str(model), "judge_replies": result.replies}
        if result.value is None:
            return Score(
                value={"llm_accuracy": float("nan"), "judge_failure": 1.0},
                answer=prediction,
                explanation=f"judge failure: no score in reply {result.replies[-1]!r}",
                metadata=metadata,
            )
        return Score(
            value={"llm_accuracy": result.value, "judge_failure": 0.0},
            answer=prediction,
            explanation=f"judge score {result.value} (gold: {target.text})",
            metadata=metadata,
        )

    return score
