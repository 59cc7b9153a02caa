"""Majority judging (`-T judge_votes=N`): distinct cache keys per vote, the median taken, agreement reported;
and memory probing's standard error clustered by conversation."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import cast

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import ChatMessage, ModelOutput, get_model
from inspect_ai.scorer import MetricProtocol, SampleScore, Score, Value

from realtalk_evals.errors import InputError
from realtalk_evals.judging.ask import JUDGE_CACHE
from realtalk_evals.judging.votes import VOTE_SCOPE, median_vote, vote_cache, votes_agree
from realtalk_evals.metrics import clustered_stderr
from realtalk_evals.score_keys import LLM_ACCURACY, LLM_JUDGE
from realtalk_evals.scorers.llm_judge import JUDGE_VOTES, VOTES_AGREE
from realtalk_evals.tasks.memory_probing import memory_probing

CALLS: list[str] = []
"""Every prompt the grader got (module level: a closure's contents are part of the mock's cache identity)."""


def alternating_grader(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Accepts on every other call, so a question's votes can disagree."""
    CALLS.append(messages[-1].text)
    return ModelOutput.from_content(model="judge", content=f'{{"score": {len(CALLS) % 2}}}')


def values(value: Value) -> dict[str, float]:
    """A dict-valued score's values."""
    assert isinstance(value, dict)
    return cast(dict[str, float], value)


def run(tmp_path: Path, **task_args: object) -> EvalLog:
    [log] = eval(
        memory_probing(conversations=1, categories=3, solver="gold", **task_args),  # type: ignore[arg-type]
        model="realtalk/mock",
        model_roles={"grader": get_model("realtalk/votes", custom_outputs=alternating_grader, memoize=False)},
        log_dir=str(tmp_path),
        limit=6,
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None
    return log


def test_the_first_vote_keeps_the_single_judges_cache_key_and_the_others_get_their_own() -> None:
    assert vote_cache(1) is JUDGE_CACHE
    assert vote_cache(2).scopes == {**JUDGE_CACHE.scopes, VOTE_SCOPE: "2"}
    assert vote_cache(3).scopes[VOTE_SCOPE] == "3" and vote_cache(2).expiry == JUDGE_CACHE.expiry


def test_median_and_agreement_of_votes() -> None:
    assert median_vote([1.0, 0.0, 1.0]) == 1.0
    assert median_vote([1.0, 0.0]) == 0.5  # an even split: half credit
    assert median_vote([None, 0.0, None]) == 0.0 and median_vote([None, None]) is None
    assert votes_agree([1.0, 1.0, None]) == 1.0 and votes_agree([1.0, 0.0]) == 0.0
    assert math.isnan(votes_agree([1.0, None]))


def test_votes_are_separate_calls_and_the_first_hits_the_cache_of_a_single_judge_run(tmp_path: Path) -> None:
    CALLS.clear()
    single = run(tmp_path / "one")
    assert len(CALLS) == 6 and single.samples is not None
    assert all(JUDGE_VOTES not in ((s.scores or {})[LLM_JUDGE].metadata or {}) for s in single.samples)
    assert all(VOTES_AGREE not in values((s.scores or {})[LLM_JUDGE].value) for s in single.samples)

    CALLS.clear()
    voted = run(tmp_path / "three", judge_votes=3)
    assert len(CALLS) == 2 * 6  # vote 1 of every question came from the cache the single-judge run wrote
    assert voted.samples is not None
    for before, after in zip(single.samples, voted.samples, strict=True):
        score = (after.scores or {})[LLM_JUDGE]
        votes = (score.metadata or {})[JUDGE_VOTES][0]
        assert len(votes) == 3 and votes[0] == values((before.scores or {})[LLM_JUDGE].value)[LLM_ACCURACY]
        assert values(score.value)[LLM_ACCURACY] == statistics.median(votes)
        assert values(score.value)[VOTES_AGREE] == float(len(set(votes)) == 1)
    assert voted.results is not None
    metrics = {(s.name, name) for s in voted.results.scores for name in s.metrics}
    assert (VOTES_AGREE, "mean") in metrics

    CALLS.clear()
    run(tmp_path / "again", judge_votes=3)
    assert CALLS == []  # every vote cached


@pytest.mark.parametrize("votes", [0, "three", -1])
def test_a_bad_vote_count_is_refused_when_the_task_is_built(votes: object) -> None:
    with pytest.raises(InputError, match="judge_votes must be a whole number of at least 1"):
        memory_probing(conversations=1, judge_votes=votes)  # type: ignore[arg-type]


def _scores(values: list[float], conversations: list[str]) -> list[SampleScore]:
    return [
        SampleScore(score=Score(value=v), sample_metadata={"conversation_id": c})
        for v, c in zip(values, conversations, strict=True)
    ]


def test_the_standard_error_is_clustered_by_conversation() -> None:
    """Two conversations, one all right, one all wrong: clustered, the error is large; one conversation: NaN."""
    metric = cast(MetricProtocol, clustered_stderr("conversation_id"))
    accepted = [1.0] * 5 + [0.0] * 5
    clustered = metric(_scores(accepted, ["a"] * 5 + ["b"] * 5))
    assert clustered == pytest.approx(math.sqrt((2.5**2 + 2.5**2) * 2) / 10)
    assert math.isnan(cast(float, metric(_scores(accepted, ["a"] * 10))))
