"""The LoCoMo audit's flagged gold answers: the data file maps onto our samples, `-T exclude_flagged=true` leaves
them out (LoCoMo only), and the report gives the ceiling they imply."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

from realtalk_evals.data.flagged_gold import flagged_gold
from realtalk_evals.errors import InputError
from realtalk_evals.reporting.pricing import load_cost_config
from realtalk_evals.reporting.report import build_report
from realtalk_evals.reporting.runs import load_runs
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


def test_the_report_gives_the_ceiling_the_flagged_questions_imply(tmp_path: Path) -> None:
    for exclude in (False, True):
        [log] = eval(
            memory_probing(
                dataset="locomo", conversations=1, categories="1,2", solver="gold", exclude_flagged=exclude
            ),
            model="realtalk/mock",
            model_roles={"grader": get_model("realtalk/mock/judge", reply='{"score": 1}')},
            log_dir=str(tmp_path / f"logs_{exclude}"),
            display="none",
        )
        assert log.status == "success" and log.samples is not None
        asked = {str(s.id) for s in log.samples}
        report = build_report(
            load_runs([tmp_path / f"logs_{exclude}"], load_cost_config()), tmp_path / f"out_{exclude}"
        )
        flagged = set(flagged_gold().questions)
        lines = [
            line
            for line in report.markdown.splitlines()
            if line.startswith("- realtalk/mock") and "all " in line
        ]
        [line] = lines
        for name, number in (("multi-hop", 1), ("temporal", 2)):
            ids = {str(s.id) for s in log.samples if (s.metadata or {})["category"] == number}
            wrong = len(ids & flagged)
            assert f"{name} {1 - wrong / len(ids):.3f} ({wrong} of {len(ids)})" in line
            assert (wrong == 0) == exclude
        assert f"all {1 - len(asked & flagged) / len(asked):.3f}" in line
