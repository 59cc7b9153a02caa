"""The `memory` task parameter as one object: which units of a conversation reach the model for a question.

Any dataset parsed into `Conversation` records (REALTALK, LoCoMo) uses it the same way:

    memory = Memory("bm25", top_k=10)
    memory.prepare(conversations)                  # index once per conversation (task construction)
    units = memory.select(conversation, question, evidence)
    prompt_context = render_units(conversation, units, memory.memory_input)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, get_args

import anyio

from realtalk_evals.data.records import Conversation
from realtalk_evals.errors import InputError, check_choice
from realtalk_evals.memory.context import MemoryInput
from realtalk_evals.memory.systems.bm25 import BM25Memory
from realtalk_evals.memory.systems.custom import is_class_path, load_memory_class, resolve_results
from realtalk_evals.memory.systems.dense import DenseMemory
from realtalk_evals.memory.systems.embeddings import DEFAULT_EMBEDDING_MODEL, check_embeddings
from realtalk_evals.memory.systems.hybrid import HybridMemory
from realtalk_evals.memory.systems.oracle import oracle_units
from realtalk_evals.memory.systems.recent import recent_units
from realtalk_evals.memory.systems.units import Granularity, Unit, conversation_units, turn_units

MEMORY_SYSTEMS = ("full", "recent", "bm25", "dense", "hybrid", "oracle", "agent")
"""Built-in memories; `module.path:ClassName` names the user's own."""

RETRIEVERS = ("bm25", "dense", "hybrid")
EMBEDDING_MEMORIES = ("dense", "hybrid")


def check_memory_parameters(memory: str, unit: str, top_k: int, memory_input: MemoryInput) -> None:
    """InputError for a bad `memory`, `unit` or `top_k`, or a memory the input cannot support."""
    if not is_class_path(memory):
        check_choice("memory", memory, (*MEMORY_SYSTEMS, "module.path:ClassName"))
    check_choice("unit", unit, get_args(Granularity))
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise InputError(f"top_k must be a whole number of at least 1, got {top_k!r}")
    if memory != "full" and memory_input not in ("conversation", "events"):
        raise InputError(
            f"memory={memory} selects turns, sessions or events; LoCoMo's input={memory_input} is only shown "
            "whole: use memory=full, or input=conversation or input=events"
        )
    if memory_input == "events" and memory in ("oracle", "agent"):
        raise InputError(
            f"memory={memory} needs dia_ids, which the events input (input=events) does not have; "
            "use input=conversation"
        )


class Memory:
    """Chooses the units shown for a question under one configuration of the memory parameters."""

    def __init__(
        self,
        memory: str = "full",
        *,
        unit: Granularity = "turn",
        top_k: int = 10,
        memory_input: MemoryInput = "conversation",
        embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    ) -> None:
        check_memory_parameters(memory, unit, top_k, memory_input)
        self.memory = memory
        self.unit = unit
        self.top_k = top_k
        self.memory_input = memory_input
        self.embedding_model = embedding_model
        self._custom = load_memory_class(memory) if is_class_path(memory) else None
        if memory in EMBEDDING_MEMORIES:
            check_embeddings(embedding_model)
        self._systems: dict[str, Any] = {}
        self._units: dict[str, list[Unit]] = {}
        self._conversations: dict[str, Conversation] = {}

    def _new_system(self) -> Any:
        if self._custom is not None:
            return self._custom()
        if self.memory == "bm25":
            return BM25Memory(self.unit, self.memory_input)
        if self.memory == "dense":
            return DenseMemory(self.unit, self.memory_input, self.embedding_model)
        return HybridMemory(self.unit, self.memory_input, self.embedding_model)

    def prepare(self, conversations: Iterable[Conversation]) -> None:
        """Cut and index every conversation now (at task construction), not inside the first question."""
        for conversation in conversations:
            self._conversations[conversation.id] = conversation
            self.units(conversation)
            if self.memory == "agent":
                continue
            if (
                self._custom is not None or self.memory in RETRIEVERS
            ) and conversation.id not in self._systems:
                system = self._new_system()
                system.index(conversation)
                self._systems[conversation.id] = system

    def conversation(self, conversation_id: str) -> Conversation:
        """A prepared conversation by id (solvers hold the Memory, not a copy of the data: Inspect logs a
        solver's arguments, and a Memory is logged by name)."""
        return self._conversations[conversation_id]

    def units(self, conversation: Conversation) -> list[Unit]:
        """All units of the conversation at this memory's granularity, chronological."""
        if conversation.id not in self._units:
            self._units[conversation.id] = conversation_units(conversation, self.unit, self.memory_input)
        return self._units[conversation.id]

    def select(self, conversation: Conversation, question: str, evidence: Sequence[str] = ()) -> list[Unit]:
        """The units shown for `question` (ranked order for retrievers; rendering puts them in date order)."""
        if self.memory == "agent":
            raise ValueError(
                "memory=agent chooses its own units through its tools; there is nothing to select"
            )
        units = self.units(conversation)
        if self.memory == "full":
            return units
        if self.memory == "recent":
            return recent_units(units, self.top_k)
        if self.memory == "oracle":
            return oracle_units(units, evidence)
        self.prepare([conversation])
        results = self._systems[conversation.id].search(question, self.top_k)
        if self._custom is None:
            return list(results)
        turns = {unit.id: unit for unit in turn_units(conversation)}
        sessions = {session.number for session in conversation.sessions}
        return resolve_results(list(results)[: self.top_k], turns, sessions, self.memory)


async def select_off_loop(
    memory: Memory, conversation: Conversation, question: str, evidence: Sequence[str] = ()
) -> list[Unit]:
    """`memory.select` in a worker thread when it ranks or calls the user's system, so that an embedding model
    or a memory service that answers over the network does not stall the other samples' model calls."""
    if memory.memory in ("full", "recent", "oracle"):
        return memory.select(conversation, question, evidence)
    return await anyio.to_thread.run_sync(memory.select, conversation, question, evidence)


def shown_metadata(units: Iterable[Unit]) -> dict[str, list[Any]]:
    """Sample metadata naming what reached the model: unit ids, their dia_ids and sessions."""
    units = list(units)
    return {
        "memory_units": list(dict.fromkeys(unit.id for unit in units)),
        "memory_dia_ids": list(dict.fromkeys(dia_id for unit in units for dia_id in unit.dia_ids)),
        "memory_sessions": sorted({unit.session for unit in units}),
    }
