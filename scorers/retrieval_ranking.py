"""Retrieval quality of a ranking memory system from its one recorded ranking per question: recall@k and
recall_all@k (k = 1, 3, 5, 10, 20, 50) and nDCG@10, at turn and session level, overall and per category
(`realtalk_evals.memory.ranking`). Questions with no known evidence are left out (NaN, which Inspect drops
before any metric), as in evidence_recall.
"""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, grouped, mean, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.memory.ranking import ranking_keys, ranking_scores


@scorer(metrics={key: [mean(), grouped(mean(), "category_name", all=False)] for key in ranking_keys()})
def retrieval_ranking(turn_level: bool = True, whole_sessions: bool = False) -> Scorer:
    """Scores the ranking the memory solver recorded (`memory_ranking`, `memory_ranking_sessions`,
    `memory_ranking_turns`) against the question's evidence.

    Args:
        turn_level: False where units show no turns (the events input): turn values are NaN.
        whole_sessions: Units are whole sessions (`unit=session`).
    """

    async def score(state: TaskState, target: Target) -> Score:
        metadata = state.metadata
        ranking = list(metadata.get("memory_ranking", []))
        values = ranking_scores(
            ranking,
            list(metadata.get("memory_ranking_sessions", [])),
            dict(metadata.get("memory_ranking_turns", {})),
            metadata["evidence_sessions"],
            turn_level=turn_level,
            whole_sessions=whole_sessions,
        )
        return Score(value=values, explanation=f"{len(ranking)} units ranked")

    return score
