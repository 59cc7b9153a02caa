"""`memory=recent`: the last `top_k` sessions, whatever the question (a recency window)."""

from __future__ import annotations

from realtalk_evals.memory.systems.units import Unit


def recent_units(units: list[Unit], sessions: int) -> list[Unit]:
    """The units of the last `sessions` sessions, in chronological order (units are chronological)."""
    order = list(dict.fromkeys(unit.session for unit in units))
    kept = set(order[-sessions:])
    return [unit for unit in units if unit.session in kept]
