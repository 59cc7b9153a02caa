"""`memory=agent`: the model searches the chat itself with the tools of `tools.py` and submits its answer."""

from __future__ import annotations

from typing import ClassVar

from realtalk_evals.memory.systems.base import MemorySystem


class AgentMemory(MemorySystem):
    """No selection is shown: the agent's tool calls decide which turns reach the model."""

    name: ClassVar[str] = "agent"
    agent: ClassVar[bool] = True
    needs_dia_ids: ClassVar[bool] = True
    uses_top_k: ClassVar[bool] = False
    ranks: ClassVar[bool] = False
    uses_unit: ClassVar[bool] = False
