"""`memory=none`: the question alone, no conversation at all.

The prior-knowledge baseline (MemoryAgentBench's point that some questions can be answered without the chat):
what a model answers from the question and D.2's instruction alone. A system is worth its context only by
what it adds above this row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from realtalk_evals.data.records import Conversation
from realtalk_evals.memory.systems.base import MemorySystem
from realtalk_evals.memory.systems.units import Unit


class NoMemory(MemorySystem):
    """Shows nothing: the model gets D.2's question instruction and the question."""

    name: ClassVar[str] = "none"
    question_only: ClassVar[bool] = True
    ranks: ClassVar[bool] = False
    uses_top_k: ClassVar[bool] = False
    uses_unit: ClassVar[bool] = False
    blocking: ClassVar[bool] = False

    def index(self, conversation: Conversation) -> None:
        self.units = []

    def select(self, question: str, evidence: Sequence[str] = ()) -> list[Unit]:
        return []
