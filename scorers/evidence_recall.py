"""Evidence recall of a memory system: did the question's evidence turns (and sessions) reach the model?

Reads the sample metadata the memory solvers write (`memory_dia_ids`, `memory_sessions`) and the evidence with
its sessions (`evidence_sessions`, added at task construction). Evidence ids that name no turn are counted
(`unknown_evidence`) and left out of both denominators; a question with no known evidence scores NaN, which
the means leave out.
"""

from __future__ import annotations

import math

from inspect_ai.scorer import Score, Scorer, Target, grouped, mean, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.metrics import count


@scorer(
    metrics={
        # overall first: Inspect's log list shows the first metric as the headline
        "turn_recall": [mean(), grouped(mean(), "category_name", all=False)],
        "session_recall": [mean(), grouped(mean(), "category_name", all=False)],
        "unknown_evidence": [count()],
    }
)
def evidence_recall(turn_level: bool = True) -> Scorer:
    """Fraction of the evidence turns, and of their sessions, that reached the model.

    Args:
        turn_level: False where the units shown carry no dia_ids (the events input): turn recall is NaN.
    """

    async def score(state: TaskState, target: Target) -> Score:
        evidence: dict[str, int | None] = state.metadata["evidence_sessions"]
        known = {dia_id: session for dia_id, session in evidence.items() if session is not None}
        unknown = sorted(dia_id for dia_id, session in evidence.items() if session is None)
        shown_turns = set(state.metadata.get("memory_dia_ids", []))
        shown_sessions = set(state.metadata.get("memory_sessions", []))
        sessions = set(known.values())
        turn = (
            sum(dia_id in shown_turns for dia_id in known) / len(known) if known and turn_level else math.nan
        )
        session = len(sessions & shown_sessions) / len(sessions) if sessions else math.nan
        return Score(
            value={"turn_recall": turn, "session_recall": session, "unknown_evidence": float(len(unknown))},
            explanation=(
                f"{sum(dia_id in shown_turns for dia_id in known)} of {len(known)} evidence turns and "
                f"{len(sessions & shown_sessions)} of {len(sessions)} evidence sessions reached the model"
                + (f"; evidence naming no turn: {', '.join(unknown)}" if unknown else "")
            ),
        )

    return score
