"""`memory=oracle`: exactly the question's evidence, the upper bound of any retriever."""

from __future__ import annotations

from collections.abc import Iterable

from realtalk_evals.memory.systems.units import Unit


def oracle_units(units: list[Unit], evidence: Iterable[str]) -> list[Unit]:
    """The units showing an evidence turn (the evidence turns themselves with `unit=turn`); evidence ids that
    name no turn select nothing."""
    wanted = set(evidence)
    return [unit for unit in units if wanted.intersection(unit.dia_ids)]
