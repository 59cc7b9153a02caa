"""One home per concept: the persona prompt, the cache root and conversation-id parsing each live in one place."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from inspect_ai.model import ModelName
from inspect_ai.solver import TaskState

import realtalk_evals
from realtalk_evals.caches import cache_root
from realtalk_evals.data.files import cache_directory
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.data.records import parse_conversation_id
from realtalk_evals.finetune.export import example_from_sample
from realtalk_evals.local_models.cache import classifier_cache_path
from realtalk_evals.persona.samples import PERSONA_SPLITS, persona_dataset
from realtalk_evals.solvers.persona import persona_prompt

ROOT = Path(realtalk_evals.__file__).parent.parent
SOURCES = [
    path
    for folder in ("realtalk_evals", "tasks", "scorers", "solvers")
    for path in (ROOT / folder).rglob("*.py")
]


def _modules_mentioning(text: str) -> set[str]:
    return {str(p.relative_to(ROOT)) for p in SOURCES if text in p.read_text(encoding="utf-8")}


def test_solver_sends_exactly_the_chat_the_export_trains_on() -> None:
    [sample, *_] = persona_dataset(load_conversations(), PERSONA_SPLITS[:1], "train", 3)
    state = TaskState(
        model=ModelName("realtalk/mock"),
        sample_id=sample.id or 0,
        epoch=1,
        input=sample.input,
        messages=[],
        metadata=sample.metadata,
    )
    solved = asyncio.run(persona_prompt()(state, None))  # type: ignore[arg-type]
    example = example_from_sample(sample)
    sent = [{"role": m.role, "content": m.text} for m in solved.messages]
    assert sent == example.messages[:-1] and example.messages[-1]["content"] == sample.target
    assert "PERSONA_SYSTEM" not in (ROOT / "realtalk_evals/finetune/export.py").read_text(encoding="utf-8")
    assert _modules_mentioning("SYSTEM_PROMPTS[prompt].format") == {"realtalk_evals/persona/samples.py"}
    assert _modules_mentioning("PERSONA_SYSTEM") == {
        "realtalk_evals/persona/samples.py",
        "realtalk_evals/prompts.py",
    }
    assert _modules_mentioning("PERSONA_NEXT_SPEAKER.format") == {"realtalk_evals/persona/samples.py"}


def test_every_cache_lies_under_the_one_cache_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REALTALK_CACHE_DIR", str(tmp_path))
    assert cache_root() == tmp_path
    assert classifier_cache_path().parent.parent == tmp_path
    assert cache_directory().parent == tmp_path
    assert _modules_mentioning("user_cache_dir(") == {"realtalk_evals/caches.py"}
    assert _modules_mentioning('"REALTALK_CACHE_DIR"') == {"realtalk_evals/caches.py"}


def test_conversation_ids_are_parsed_in_one_place() -> None:
    assert parse_conversation_id("Chat_10_Fahim_Muhhamed") == (10, "Fahim_Muhhamed")
    assert parse_conversation_id("conv-26") is None and parse_conversation_id("Chat_x_A_B") is None
    assert [c.number for c in load_conversations()] == list(range(1, 11))
    assert _modules_mentioning('split("_")') == set()
    assert _modules_mentioning("Chat_(") == {"realtalk_evals/data/records.py"}


def test_the_papers_numbers_live_in_one_module() -> None:
    from realtalk_evals.ei import SPEAKER_METRICS
    from realtalk_evals.paper import TABLE_7_COLUMNS

    assert TABLE_7_COLUMNS == SPEAKER_METRICS
    defining = {
        str(path.relative_to(ROOT))
        for path in SOURCES
        if re.search(r"^PAPER_(TABLE|SUMMARY)\w*(: .*)? = ", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert defining == {"realtalk_evals/paper.py"}
