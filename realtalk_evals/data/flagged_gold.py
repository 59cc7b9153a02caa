"""LoCoMo questions whose gold answer an independent audit found wrong, read from the data file beside this one.

The audit (dial481/locomo-audit, February 2026) checked LoCoMo's 1,540 questions of categories 1-4 against the
conversations and lists 99 whose gold answer is wrong in a way that changes scores: hallucinated facts, wrong
date arithmetic, the wrong speaker, ambiguous or incomplete answers. `locomo_flagged_gold.json` carries those
facts (our sample id, the audit's id and error type, the audit file holding its reasoning), not the audit's
text; `-T exclude_flagged=true` of memory_probing leaves these questions out, and the report gives the ceiling
they imply where they are kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FLAGGED_GOLD_FILE = Path(__file__).with_name("locomo_flagged_gold.json")


@dataclass(frozen=True)
class FlaggedGold:
    """One LoCoMo question whose gold answer the audit found wrong."""

    sample_id: str
    """The memory-probing sample id (`Chat_1_Caroline_Melanie-q002`)."""
    audit_id: str
    """The audit's id (`locomo_0_qa2`: conversation index and question index, both from 0)."""
    category: int
    error: str
    """The audit's error type: hallucination, temporal_error, attribution_error, ambiguous or incomplete."""
    source: str
    """The audit file with the reasoning behind the flag."""
    question_sha256: str
    """The first 16 hex digits of the SHA-256 of the question text (checks the mapping to our samples)."""


@dataclass(frozen=True)
class FlaggedGoldList:
    questions: dict[str, FlaggedGold]
    """Sample id -> its flag."""
    source: str
    audited_questions: int


@lru_cache(maxsize=1)
def flagged_gold() -> FlaggedGoldList:
    """The audit's flagged LoCoMo questions by sample id."""
    document = json.loads(FLAGGED_GOLD_FILE.read_text(encoding="utf-8"))
    questions = [FlaggedGold(**item) for item in document["questions"]]
    return FlaggedGoldList(
        {item.sample_id: item for item in questions}, document["source"], document["audited_questions"]
    )
