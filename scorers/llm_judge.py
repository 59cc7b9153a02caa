"""LLM-judged accuracy of the paper's memory probing (section 6.2.1), by the judges of the `grader` role.

One judge by default (the paper's); a panel when the role is bound to several models (see
`realtalk_evals.judging.panel`). Every judge's reply is read on its own, with its own repair turn and failure.
"""

from __future__ import annotations

import asyncio

from inspect_ai.model import Model
from inspect_ai.scorer import Score, Scorer, Target, grouped, mean, scorer, stderr
from inspect_ai.solver import TaskState

from realtalk_evals.judging.ask import JudgeResult, ask_judge, parse_unit_score
from realtalk_evals.judging.memory_judge import memory_judge_prompt
from realtalk_evals.judging.panel import JUDGE_SCORES, judge_agreement, panel_models, panel_value
from realtalk_evals.memory.locomo_protocol import scored_prediction
from realtalk_evals.metrics import count
from realtalk_evals.parameters import choice
from realtalk_evals.prompts import JUDGE_REPAIR, MEMORY_JUDGES
from realtalk_evals.score_keys import JUDGE_FAILURE, LLM_ACCURACY, LLM_JUDGE

EMPTY_REPLY = "(empty reply: the model returned no text)"
"""Shown in explanations for a prediction with no text (a provider's `content: null`, or an empty string)."""


def shown_prediction(prediction: str) -> str:
    """The prediction as an explanation shows it, an empty one said in words rather than left blank."""
    return repr(prediction) if prediction.strip() else EMPTY_REPLY


def _judge_line(model: Model, result: JudgeResult[float]) -> str:
    if result.value is None:
        return f"{model}: judge failure, no score in reply {result.replies[-1]!r}"
    return f"{model}: {result.value}"


@scorer(
    metrics={
        LLM_ACCURACY: [mean(), stderr(), grouped(mean(), "category_name", all=False)],  # overall first
        JUDGE_FAILURE: [count()],
        "llm_majority": [mean(), grouped(mean(), "category_name", all=False)],
        "llm_accuracy_*": [mean()],
        "judges_agree": [mean(), grouped(judge_agreement(), "category_name")],
    },
    name=LLM_JUDGE,
)
def llm_judge(grader: str | None = None, judge_prompt: str = "released") -> Scorer:
    """Judge score in [0, 1] (a panel's mean); an unreadable judge reply is a counted failure, not a score.

    Args:
        grader: A model to judge with instead of the `grader` role.
        judge_prompt: A key of `MEMORY_JUDGES`: `released` (the released code's prompt) or `suite`.
    """
    choice("judge_prompt", judge_prompt, tuple(MEMORY_JUDGES))

    async def score(state: TaskState, target: Target) -> Score:
        judges = panel_models(grader)
        prediction = scored_prediction(state.output.completion, state.metadata)
        prompt = memory_judge_prompt(judge_prompt, state.metadata, target.text, prediction)
        results = await asyncio.gather(
            *(ask_judge(judge, prompt, parse_unit_score, JUDGE_REPAIR) for judge in judges)
        )
        scores = [result.value for result in results]
        value = panel_value(scores)
        lines = [f"prediction: {shown_prediction(prediction)}", f"gold: {target.text}"]
        lines += [_judge_line(judge, result) for judge, result in zip(judges, results, strict=True)]
        if len(judges) == 1:
            metadata: dict[str, object] = {"grader": str(judges[0]), "judge_replies": results[0].replies}
        else:
            metadata = {"graders": [str(judge) for judge in judges]}
            metadata["judge_replies"] = [result.replies for result in results]
        metadata[JUDGE_SCORES] = scores
        return Score(value=value, answer=prediction, explanation="\n".join(lines), metadata=metadata)

    return score
