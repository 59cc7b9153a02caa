"""The LoCoMo audit's flagged gold answers: the data file maps onto our samples, `-T exclude_flagged=true` leaves
them out (LoCoMo only), and the report gives the ceiling they imply."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from realtalk_evals.data.flagged_gold import flagged_gold
from realtalk_evals.errors import InputError
from realtalk_evals.tasks.judge_calibration import locomo_questions
from realtalk_evals.tasks.memory_probing import memory_probing

AUDIT_CATEGORY_ERRORS = {1: 28, 2: 26, 3: 9, 4: 36}
"""The audit report's score-corrupting errors per category (AUDIT_REPORT.md, 99 of 1,540)."""


def test_every_flagged_question_is_the_audits_question_in_our_samples() -> None:
    flagged = flagged_gold()
    assert len(flagged.questions) == 99 and flagged.audited_questions == 1540
    assert Counter(item.category for item in flagged.questions.values()) == AUDIT_CATEGORY_ERRORS
    samples = {str(s.id): s for s in locomo_questions("all", "1,2,3,4")}
    assert len(samples) == 1540
    for item in flagged.questions.values():
        sample = samples[item.sample_id]
        meta = sample.metadata or {}
        assert meta["category"] == item.category
        digest = hashlib.sha256(str(meta["source_question"]).strip().encode()).hexdigest()[:16]
        assert digest == item.question_sha256, item.audit_id
        conversation, question = item.audit_id.removeprefix("locomo_").split("_qa")
        assert sample.id == f"{sorted_conversations()[int(conversation)]}-q{int(question):03d}"
        assert item.source.endswith(f"/audit/errors_conv_{conversation}.json")
        assert item.error in {
            "hallucination",
            "temporal_error",
            "attribution_error",
            "ambiguous",
            "incomplete",
        }


def sorted_conversations() -> list[str]:
    """LoCoMo's conversations in the audit's order (locomo10.json's order: our chat numbers)."""
    ids = {str((s.metadata or {})["conversation_id"]) for s in locomo_questions("all", "1")}
    return sorted(ids, key=lambda name: int(name.split("_")[1]))


def test_exclude_flagged_leaves_out_the_flagged_questions_of_the_selection() -> None:
    full = memory_probing(dataset="locomo", conversations=1, solver="gold")
    kept = memory_probing(dataset="locomo", conversations=1, solver="gold", exclude_flagged=True)
    flagged = {str(s.id) for s in full.dataset} & set(flagged_gold().questions)
    assert len(flagged) == 15  # the audit's count for conv-26
    assert {str(s.id) for s in kept.dataset} == {str(s.id) for s in full.dataset} - flagged


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"exclude_flagged": True}, "exclude_flagged is for -T dataset=locomo"),
        ({"dataset": "locomo", "exclude_flagged": "yes"}, "exclude_flagged must be true or false"),
    ],
)
def test_exclude_flagged_is_refused_where_it_has_no_meaning(args: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        memory_probing(conversations=1, **args)  # type: ignore[arg-type]
