"""Empty replies of the model under test: a reply with no text is scored as the empty answer it is by the other
scorers, and counted here, per run, as judge failures are (the report's runs table shows the count)."""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.metrics import count
from realtalk_evals.replies import is_empty_reply
from realtalk_evals.score_keys import EMPTY_REPLY


@scorer(metrics=[count()], name=EMPTY_REPLY)
def empty_reply() -> Scorer:
    """1 when the model's reply has no text (`content: null`, empty, or blanks only), else 0."""

    async def score(state: TaskState, target: Target) -> Score:
        empty = is_empty_reply(state.output)
        return Score(
            value=float(empty),
            answer=state.output.completion,
            explanation="the reply has no text (e.g. `content: null`)" if empty else "the reply has text",
        )

    return score
