"""LLM-judged accuracy of the paper's memory probing (section 6.2.1), by the `grader` model role."""

from __future__ import annotations

from inspect_ai.model import get_model
from inspect_ai.scorer import Score, Scorer, Target, grouped, mean, scorer, stderr
from inspect_ai.solver import TaskState

from realtalk_evals.judging import PAPER_GRADER, ask_judge, parse_unit_score
from realtalk_evals.metrics import count
from realtalk_evals.prompts import JUDGE_REPAIR, MEMORY_JUDGE


@scorer(
    metrics={
        "llm_accuracy": [mean(), stderr(), grouped(mean(), "category_name", all=False)],  # overall first
        "judge_failure": [count()],
    }
)
def llm_accuracy(grader: str | None = None) -> Scorer:
    """Grader-model judgement in [0, 1]; an unreadable judge reply is recorded as a failure, not a score."""

    async def score(state: TaskState, target: Target) -> Score:
        model = get_model(grader, role="grader", default=PAPER_GRADER)
        prediction = state.output.completion
        prompt = MEMORY_JUDGE.format(
            question=state.metadata["question"], answer=target.text, prediction=prediction
        )
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
