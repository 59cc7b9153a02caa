"""Inspect entry point: registers the suite's tasks as `realtalk_evals/<task>`, the `realtalk` provider and the
hooks that keep API keys out of what a run writes (`realtalk_evals.secrets`)."""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi

from realtalk_evals.secrets import register_hooks
from realtalk_evals.tasks.conversation_simulation import conversation_simulation
from realtalk_evals.tasks.ei_analysis import ei_analysis
from realtalk_evals.tasks.judge_calibration import judge_calibration
from realtalk_evals.tasks.memory_probing import memory_probing
from realtalk_evals.tasks.persona_simulation import persona_simulation

__all__ = [
    "conversation_simulation",
    "ei_analysis",
    "judge_calibration",
    "memory_probing",
    "persona_simulation",
    "realtalk",
]

register_hooks()


@modelapi(name="realtalk")
def realtalk() -> type[ModelAPI]:
    from realtalk_evals.mock_provider import RealtalkMockModel

    return RealtalkMockModel
