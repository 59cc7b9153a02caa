"""`memory=oracle`: exactly the question's evidence, the upper bound of any retriever."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from realtalk_evals.memory.systems.base import MemorySystem
from realtalk_evals.memory.systems.units import Unit


def oracle_units(units: list[Unit], evidence: Iterable[str]) -> list[Unit]:
    """The units showing an evidence turn (the evidence turns themselves with `unit=turn`); evidence ids that
    name no turn select nothing."""
    wanted = set(evidence)
    return [unit for unit in units if wanted.intersection(unit.dia_ids)]


class OracleMemory(MemorySystem):
    """The units (turns, or their sessions with `unit=session`) holding the question's evidence."""

    name: ClassVar[str] = "oracle"
    needs_dia_ids: ClassVar[bool] = True
    uses_top_k: ClassVar[bool] = False
    ranks: ClassVar[bool] = False
    blocking: ClassVar[bool] = False

    def select(self, question: str, evidence: Sequence[str] = ()) -> list[Unit]:
        return oracle_units(self.units, evidence)
