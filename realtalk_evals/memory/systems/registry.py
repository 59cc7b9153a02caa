"""The memory systems by name: the `memory` task parameter resolved once into a `MemorySystem` class.

The built-in systems and a user's `module.path:ClassName` come out of `memory_system` alike; everything after
it asks the class (its capabilities), never the name.
"""

from __future__ import annotations

from realtalk_evals.memory.systems.agent import AgentMemory
from realtalk_evals.memory.systems.base import MemorySystem
from realtalk_evals.memory.systems.bm25 import BM25Memory
from realtalk_evals.memory.systems.built import ObservationMemory, SummaryMemory
from realtalk_evals.memory.systems.custom import UserMemory, user_memory
from realtalk_evals.memory.systems.dense import DenseMemory
from realtalk_evals.memory.systems.full import FullContext
from realtalk_evals.memory.systems.hybrid import HybridMemory
from realtalk_evals.memory.systems.none import NoMemory
from realtalk_evals.memory.systems.oracle import OracleMemory
from realtalk_evals.memory.systems.recent import RecentMemory
from realtalk_evals.parameters import choice, text

BUILT_IN: dict[str, type[MemorySystem]] = {
    system.name: system
    for system in (
        FullContext,
        NoMemory,
        RecentMemory,
        BM25Memory,
        DenseMemory,
        HybridMemory,
        SummaryMemory,
        ObservationMemory,
        OracleMemory,
        AgentMemory,
    )
}
"""The built-in systems by name, in the order the docs list them; `full` is the paper's (the default)."""

USER_CLASS = "module.path:ClassName"
"""How a user's own class is named (the part after the colon is a class of the importable module)."""


def memory_system(name: object) -> type[MemorySystem]:
    """The system the `memory` parameter names: a built-in one, or a user's class (imported and checked)."""
    given = text("memory", name, f"one of {', '.join(BUILT_IN)} or {USER_CLASS}")
    if ":" in given:
        return user_memory(given)
    return BUILT_IN[choice("memory", given, [*BUILT_IN, USER_CLASS])]


def logged_system(name: object) -> type[MemorySystem]:
    """The class describing a system named in a log's `memory` task argument (`full` when absent), without
    importing a user's module: a user's class is described by `UserMemory`'s capabilities."""
    return BUILT_IN.get(str(name or FullContext.name), UserMemory)
