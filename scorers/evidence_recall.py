"""Evidence recall of a memory system: did the question's evidence turns (and sessions) reach the model?

Reads the sample metadata the memory solvers write (`memory_dia_ids`, `memory_cited_dia_ids`,
`memory_sessions`) and the evidence with its sessions (`evidence_sessions`, added at task construction).
Evidence ids that name no turn are counted (`unknown_evidence`) and left out of both denominators; a question
with no known evidence has no recall (NaN, left out of the means) and is counted (`no_known_evidence`).
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
        "no_known_evidence": [count()],
    }
)
def evidence_recall(turn_level: bool = True, credit_citations: bool = False) -> Scorer:
    """Fraction of the evidence turns, and of their sessions, that reached the model.

    Args:
        turn_level: False where the units shown carry no dia_ids (the events input, summaries): turn recall
            is NaN.
        credit_citations: Also credit the turns the shown units cite without showing their text (the
            observations a model wrote, each naming the turns it came from).
    """

    async def score(state: TaskState, target: Target) -> Score:
        evidence: dict[str, int | None] = state.metadata["evidence_sessions"]
        known = {dia_id: session for dia_id, session in evidence.items() if session is not None}
        unknown = sorted(dia_id for dia_id, session in evidence.items() if session is None)
        shown_turns = set(state.metadata.get("memory_dia_ids", []))
        if credit_citations:
            shown_turns |= set(state.metadata.get("memory_cited_dia_ids", []))
        shown_sessions = set(state.metadata.get("memory_sessions", []))
        sessions = set(known.values())
        found = sum(dia_id in shown_turns for dia_id in known)
        turn = found / len(known) if known and turn_level else math.nan
        session = len(sessions & shown_sessions) / len(sessions) if sessions else math.nan
        explanation = (
            f"{found} of {len(known)} evidence turns and {len(sessions & shown_sessions)} of {len(sessions)} "
            "evidence sessions reached the model"
            if known
            else "no evidence id names a turn: no recall is measured"
        )
        return Score(
            value={
                "turn_recall": turn,
                "session_recall": session,
                "unknown_evidence": float(len(unknown)),
                "no_known_evidence": float(not known),
            },
            explanation=explanation + (f"; evidence naming no turn: {', '.join(unknown)}" if unknown else ""),
        )

    return score
