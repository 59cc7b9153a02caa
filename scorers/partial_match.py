"""Partial-match F1 of the paper (section 6.2.1), per question category: the scorer of
`realtalk_evals.memory.answer_f1`, which holds the metric as the released evaluation code computes it."""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, grouped, mean, scorer, stderr
from inspect_ai.solver import TaskState

from realtalk_evals.memory.answer_f1 import partial_match_f1, preload_stemmer
from realtalk_evals.memory.locomo_protocol import scored_prediction
from realtalk_evals.score_keys import PARTIAL_MATCH


# The overall mean first: Inspect's log list shows a scorer's first metric as its headline.
@scorer(metrics=[mean(), stderr(), grouped(mean(), "category_name", all=False)], name=PARTIAL_MATCH)
def partial_match() -> Scorer:
    """Partial-match F1 of the model's answer against the gold answer, per question category."""
    preload_stemmer()  # import nltk now, at task construction, not while the first answers are being scored

    async def score(state: TaskState, target: Target) -> Score:
        prediction = scored_prediction(state.output.completion, state.metadata)
        value = partial_match_f1(prediction, target.text, int(state.metadata["category"]))
        return Score(value=value, answer=prediction, explanation=f"gold: {target.text}")

    return score
