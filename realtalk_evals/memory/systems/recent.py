"""`memory=recent`: the last `top_k` sessions, whatever the question (a recency window)."""

from __future__ import annotations

from typing import ClassVar

from realtalk_evals.memory.systems.base import MemorySystem
from realtalk_evals.memory.systems.units import Unit


def recent_units(units: list[Unit], sessions: int) -> list[Unit]:
    """The units of the last `sessions` sessions, in chronological order (units are chronological)."""
    order = list(dict.fromkeys(unit.session for unit in units))
    kept = set(order[-sessions:])
    return [unit for unit in units if unit.session in kept]


class RecentMemory(MemorySystem):
    """The units of the last `top_k` sessions, the latest first (what `memory_tokens` keeps when it must cut);
    no ranking: the question plays no part."""

    name: ClassVar[str] = "recent"
    blocking: ClassVar[bool] = False
    ranks: ClassVar[bool] = False
    top_k_counts: ClassVar[str | None] = "sessions"

    def search(self, question: str, k: int) -> list[Unit]:
        return recent_units(self.units, k)[::-1]
