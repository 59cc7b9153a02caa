"""LLM-judged accuracy of the paper's memory probing (section 6.2.1), by the judges of the `grader` role.

One judge by default (the paper's); a panel when the role is bound to several models (see
`realtalk_evals.judging.panel`). Every judge's reply is read on its own, with its own repair turn and failure.
With `judge_votes=N` each judge is asked N times and its score is the median of its votes
(`realtalk_evals.judging.votes`).
"""

from __future__ import annotations

import asyncio
import math

from inspect_ai.model import Model
from inspect_ai.scorer import Score, Scorer, Target, grouped, mean, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.judging.ask import JudgeResult, parse_unit_score
from realtalk_evals.judging.memory_judge import memory_judge_prompt
from realtalk_evals.judging.panel import JUDGE_SCORES, judge_agreement, panel_models, panel_value
from realtalk_evals.judging.votes import ask_votes, median_vote, votes_agree
from realtalk_evals.memory.locomo_protocol import scored_prediction
from realtalk_evals.metrics import clustered_stderr, count
from realtalk_evals.parameters import choice, whole_number
from realtalk_evals.prompts import JUDGE_REPAIR, MEMORY_JUDGES
from realtalk_evals.score_keys import JUDGE_FAILURE, LLM_ACCURACY, LLM_JUDGE

EMPTY_REPLY = "(empty reply: the model returned no text)"
"""Shown in explanations for a prediction with no text (a provider's `content: null`, or an empty string)."""


def shown_prediction(prediction: str) -> str:
    """The prediction as an explanation shows it, an empty one said in words rather than left blank."""
    return repr(prediction) if prediction.strip() else EMPTY_REPLY


VOTES_AGREE = "votes_agree"
"""Score key (with `judge_votes` of 2 or more): the share of judges whose votes all gave the same score."""

JUDGE_VOTES = "judge_votes"
"""Score metadata key (with `judge_votes` of 2 or more): each judge's votes, in panel order."""


def _judge_line(model: Model, ballot: list[JudgeResult[float]]) -> str:
    scores = [result.value for result in ballot]
    verdict = median_vote(scores)
    if verdict is None:
        return f"{model}: judge failure, no score in reply {ballot[-1].replies[-1]!r}"
    if len(ballot) == 1:
        return f"{model}: {verdict}"
    shown = ", ".join("failed" if s is None else str(s) for s in scores)
    return f"{model}: {verdict} (median of votes {shown})"


@scorer(
    metrics={
        # overall first; the standard error is clustered by conversation (its questions are not independent)
        LLM_ACCURACY: [
            mean(),
            clustered_stderr("conversation_id"),
            grouped(mean(), "category_name", all=False),
        ],
        JUDGE_FAILURE: [count()],
        "llm_majority": [mean(), grouped(mean(), "category_name", all=False)],
        "llm_accuracy_*": [mean()],
        "judges_agree": [mean(), grouped(judge_agreement(), "category_name")],
        VOTES_AGREE: [mean(), grouped(mean(), "category_name", all=False)],
    },
    name=LLM_JUDGE,
)
def llm_judge(grader: str | None = None, judge_prompt: str = "released", judge_votes: int = 1) -> Scorer:
    """Judge score in [0, 1] (a panel's mean); an unreadable judge reply is a counted failure, not a score.

    Args:
        grader: A model to judge with instead of the `grader` role.
        judge_prompt: A key of `MEMORY_JUDGES`: `released` (the released code's prompt) or `suite`.
        judge_votes: Times each judge is asked (its score: the median of its votes); 1 is the single judge.
    """
    choice("judge_prompt", judge_prompt, tuple(MEMORY_JUDGES))
    votes = whole_number("judge_votes", judge_votes)

    async def score(state: TaskState, target: Target) -> Score:
        judges = panel_models(grader)
        prediction = scored_prediction(state.output.completion, state.metadata)
        prompt = memory_judge_prompt(judge_prompt, state.metadata, target.text, prediction)
        ballots = await asyncio.gather(
            *(ask_votes(judge, prompt, parse_unit_score, JUDGE_REPAIR, votes) for judge in judges)
        )
        cast = [[result.value for result in ballot] for ballot in ballots]
        scores = [median_vote(ballot) for ballot in cast]
        value = panel_value(scores)
        lines = [f"prediction: {shown_prediction(prediction)}", f"gold: {target.text}"]
        lines += [_judge_line(judge, ballot) for judge, ballot in zip(judges, ballots, strict=True)]
        replies = [
            [result.replies for result in ballot] if votes > 1 else ballot[0].replies for ballot in ballots
        ]
        if len(judges) == 1:
            metadata: dict[str, object] = {"grader": str(judges[0]), "judge_replies": replies[0]}
        else:
            metadata = {"graders": [str(judge) for judge in judges], "judge_replies": replies}
        metadata[JUDGE_SCORES] = scores
        if votes > 1:
            metadata[JUDGE_VOTES] = cast
            agree = [a for a in map(votes_agree, cast) if not math.isnan(a)]
            value[VOTES_AGREE] = sum(agree) / len(agree) if agree else math.nan
        return Score(value=value, answer=prediction, explanation="\n".join(lines), metadata=metadata)

    return score
