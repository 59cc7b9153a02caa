"""Majority judging (`-T judge_votes=N`): each judge asked N times, its verdict the median of its votes.

The votes are independent samples at the grader's temperature only if each has its own cache entry: vote 1
keeps the cache key of a single judgement (so caches written before votes existed still hit, and
`judge_votes=1` is exactly the single judge), votes 2..N add the scope `judge_vote=<k>` to Inspect's cache
policy. The median of 0/1 votes is the majority verdict; an even split (an even N, or votes lost to judge
failures) gives 0.5, half credit. N votes cost N times the judge calls.
"""

from __future__ import annotations

import asyncio
import math
import statistics
from collections.abc import Callable, Sequence

from inspect_ai.model import CachePolicy, Model

from realtalk_evals.judging.ask import JUDGE_CACHE, JudgeResult, ask_judge

VOTE_SCOPE = "judge_vote"
"""The cache scope that tells a judge's votes apart (absent for the first vote)."""


def vote_cache(vote: int, policy: CachePolicy = JUDGE_CACHE) -> CachePolicy:
    """The cache policy of vote `vote` (1-based): `policy` itself for the first, a scope of its own after."""
    if vote == 1:
        return policy
    return policy.model_copy(update={"scopes": {**policy.scopes, VOTE_SCOPE: str(vote)}})


async def ask_votes(
    model: Model, prompt: str, parse: Callable[[str], float | None], repair: str, votes: int
) -> list[JudgeResult[float]]:
    """Ask `model` `votes` times, each vote with its own cache entry (and its own repair turn)."""
    return list(
        await asyncio.gather(
            *(ask_judge(model, prompt, parse, repair, vote_cache(vote)) for vote in range(1, votes + 1))
        )
    )


def median_vote(scores: Sequence[float | None]) -> float | None:
    """The median of the votes that gave a score (None: every vote failed)."""
    given = [score for score in scores if score is not None]
    return float(statistics.median(given)) if given else None


def votes_agree(scores: Sequence[float | None]) -> float:
    """1 when every vote that gave a score gave the same one, 0 when they differ; NaN with fewer than two."""
    given = [score for score in scores if score is not None]
    return float(len(set(given)) == 1) if len(given) > 1 else math.nan
