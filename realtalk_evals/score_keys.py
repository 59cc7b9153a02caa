"""The names under which the scorers log their results: scorers write them, the report and analysis read them.

One home for each name, so a renamed key breaks at import, not as a silently empty column. Scorer names are
the names Inspect logs scores under (`EvalSample.scores[<name>]`); value keys are the keys of a dict-valued
`Score.value`.
"""

from __future__ import annotations

from typing import Literal

from realtalk_evals.ei.record import EI_ATTRIBUTES, EIAttribute

PARTIAL_MATCH = "partial_match"
"""Scorer: memory probing's partial-match F1 (a float value)."""

LLM_JUDGE = "llm_judge"
"""Scorer: memory probing's LLM judge (or panel of judges)."""
LLM_JUDGE_BEFORE_2_2 = "llm_accuracy"
"""The same scorer's name in memory_probing logs before 2.2.0 (it was named after its value key, so Inspect's
viewer showed its whole value under that key)."""
SCORER_ALIASES: dict[str, str] = {LLM_JUDGE: LLM_JUDGE_BEFORE_2_2, LLM_JUDGE_BEFORE_2_2: LLM_JUDGE}
"""A renamed scorer and its other name, either way: reading a score by one name finds it under the other, so
logs of either version, and code that asks by either name, read the same score."""
LLM_ACCURACY = "llm_accuracy"
"""Value key of `llm_judge`: memory probing's LLM-judged accuracy."""
JUDGE_FAILURE = "judge_failure"
"""Value key of `llm_judge`: 1 when the judge gave no readable verdict."""

EMPTY_REPLY = "empty_reply"
"""Scorer (a float value): 1 when the reply of the model under test had no text (memory and persona tasks)."""

CONTENT_SIMILARITY = "content_similarity"
"""Scorer: persona simulation's content similarity."""
ROUGE_1 = "rouge1"
ROUGE_2 = "rouge2"
ROUGE_L = "rougeL"
BERTSCORE = "bertscore"
"""Value keys of `content_similarity` (ROUGE-1, ROUGE-2 and ROUGE-L F, the lexical column being ROUGE-L;
semantic: BERTScore F1). The ROUGE keys are also `rouge-score`'s own names of the measures."""

EI_AGREEMENT = "ei_agreement"
"""Scorer: persona simulation's EI agreement of the simulated and the real message."""

REAL_OR_SIMULATED = "real_or_simulated"
"""Scorer: persona simulation's real-or-simulated discrimination (both candidate orders a sample)."""
DISCRIMINATION = "discrimination"
"""Value key of `real_or_simulated`: the share of the sample's readable verdicts that named the real message."""
POSITION_BIAS = "discrimination_position_bias"
"""Value key of `real_or_simulated`: the share of the sample's readable verdicts that were `A`."""
DISCRIMINATION_FAILURE = "discrimination_failure"
"""Value key of `real_or_simulated`: the sample's verdicts that stayed unreadable (0-2)."""
DISCRIMINATION_VERDICTS = "discrimination_verdicts"
"""`Score.metadata` key of `real_or_simulated`: one record per order (`real_position`, `verdict`,
`judge_replies`)."""

STYLE_FIDELITY = "style_fidelity"
"""Scorer: persona simulation's style statistics of the simulated and the real message."""


def style_key(side: Literal["simulated", "real"], statistic: str) -> str:
    """Value key of `style_fidelity`: one style statistic of the simulated or the real message."""
    return f"{side}_{statistic}"


MESSAGE_EI = "message_ei"
"""Scorer: the EI analysis's message-level labels."""
EI_METADATA = "ei"
"""`Score.metadata` key of `message_ei`: the whole `MessageEI` record."""


def diff_key(attribute: EIAttribute) -> str:
    """Value key of `ei_agreement` for a continuous attribute: the absolute difference."""
    return f"{attribute}_diff"


def failures_key(attribute: EIAttribute) -> str:
    """Value key of `ei_agreement` and `message_ei`: how many of the attribute's labels failed."""
    return f"{attribute}_failures"


FAILURE_KEYS: frozenset[str] = frozenset(
    {JUDGE_FAILURE, DISCRIMINATION_FAILURE, *(failures_key(a) for a in EI_ATTRIBUTES)}
)
"""Every value key that counts judge or classifier failures."""
