"""Retrieval quality from one ranking: recall@k, recall_all@k and nDCG@10, at turn and session level.

A ranking system's list (its top 50 units, recorded once per question) is scored at every k at once, as
LongMemEval scores its retrievers: k counts units, as `top_k` does, so recall@k at k = top_k is the
`evidence_recall` of a run that showed those units.

- recall@k: the share of the question's known evidence turns (sessions) shown by the first k units;
- recall_all@k: 1 when all of them are, else 0;
- nDCG@10: binary gains, a unit gaining 1 when it shows an evidence turn (session) no unit above it showed,
  discounted by log2(rank + 1), over the ideal: min(#evidence, 10) gains at the top (LongMemEval's
  `ndcg_any`). At the turn level it is not measured for whole-session units (`unit=session`), which would be
  scored against an ideal of one turn per rank; a unit of one's own that shows several evidence turns gains 1.

A ranking shorter than k (BM25 ranks only units sharing a word with the question) is scored as it is: what it
does not rank is never shown. A question with no known evidence has no value (NaN), at either level.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

RANKING_KS = (1, 3, 5, 10, 20, 50)
"""The cut-offs of recall@k and recall_all@k."""

NDCG_AT = 10
LEVELS = ("turn", "session")


def ranking_keys() -> list[str]:
    """Every value name, `turn_recall_at_1` ... `session_ndcg_at_10`, in the order reports show them."""
    return [
        f"{level}_{measure}_at_{k}"
        for level in LEVELS
        for measure, ks in (("recall", RANKING_KS), ("recall_all", RANKING_KS), ("ndcg", (NDCG_AT,)))
        for k in ks
    ]


def ndcg(covered: Sequence[set[str]], relevant: int, at: int = NDCG_AT) -> float:
    """nDCG@`at` of ranked items, each the set of relevant things it shows (first showing counts)."""
    if relevant == 0:
        return math.nan
    seen: set[str] = set()
    gain = 0.0
    for rank, items in enumerate(covered[:at], start=1):
        if items - seen:
            gain += 1.0 / math.log2(rank + 1)
        seen |= items
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(relevant, at) + 1))
    return gain / ideal


def level_scores(
    covered: Sequence[set[str]], relevant: set[str], level: str, with_ndcg: bool
) -> dict[str, float]:
    """recall@k, recall_all@k and nDCG@10 of one level, from what each ranked unit covers of `relevant`."""
    covered = [items & relevant for items in covered]
    scores: dict[str, float] = {}
    for k in RANKING_KS:
        found = set().union(*covered[:k]) & relevant if relevant else set()
        recall = len(found) / len(relevant) if relevant else math.nan
        scores[f"{level}_recall_at_{k}"] = recall
        scores[f"{level}_recall_all_at_{k}"] = float(recall == 1.0) if relevant else math.nan
    scores[f"{level}_ndcg_at_{NDCG_AT}"] = ndcg(covered, len(relevant)) if with_ndcg else math.nan
    return scores


def ranking_scores(
    ranking: Sequence[str],
    sessions: Sequence[int],
    turns: Mapping[str, Sequence[str]],
    evidence: Mapping[str, int | None],
    turn_level: bool = True,
    whole_sessions: bool = False,
) -> dict[str, float]:
    """Every `ranking_keys` value of one question.

    Args:
        ranking: Unit ids, best first (dia_ids for turns).
        sessions: Each ranked unit's session.
        turns: The turns a unit is credited with where they are not its own id (own units, observations).
        evidence: Evidence id -> its session, None for an id naming no turn (left out).
        turn_level: False where units show no turns (the events input): turn values are NaN.
        whole_sessions: Every unit is a whole session: it covers each evidence turn of its session, and
            turn-level nDCG is not measured.
    """
    known = {dia_id: session for dia_id, session in evidence.items() if session is not None}
    if whole_sessions:
        covered_turns = [{e for e, s in known.items() if s == session} for session in sessions]
    else:
        covered_turns = [set(turns.get(unit, [unit])) & set(known) for unit in ranking]
    turn_values = level_scores(
        covered_turns, set(known) if turn_level else set(), "turn", turn_level and not whole_sessions
    )
    session_values = level_scores(
        [{str(session)} for session in sessions], {str(s) for s in known.values()}, "session", True
    )
    return turn_values | session_values
