"""The `memory` task parameter as one object: which units of a conversation reach the model for a question.

Any dataset parsed into `Conversation` records (REALTALK, LoCoMo) uses it the same way:

    memory = Memory("bm25", top_k=10)
    memory.prepare(conversations)                  # index once per conversation (task construction)
    units = memory.select(conversation, question, evidence)
    prompt_context = render_units(conversation, units, memory.memory_input)

The name is resolved once (`registry.memory_system`); what follows asks the system's class what it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, get_args

import anyio
from inspect_ai.dataset import Sample

from realtalk_evals.data.records import Conversation
from realtalk_evals.errors import InputError
from realtalk_evals.memory.context import MemoryInput
from realtalk_evals.memory.systems.base import MemorySettings, MemorySystem
from realtalk_evals.memory.systems.embeddings import DEFAULT_EMBEDDING_MODEL
from realtalk_evals.memory.systems.registry import memory_system
from realtalk_evals.memory.systems.units import Granularity, Unit, conversation_units
from realtalk_evals.parameters import choice, whole_number

SELECTABLE_INPUTS = ("conversation", "events")
"""The inputs that can be cut into units; LoCoMo's `observation` and `summary` are only shown whole."""


def check_memory_input(system: type[MemorySystem], memory_input: MemoryInput) -> None:
    """InputError for a memory system the input cannot support."""
    if not system.whole_context and memory_input not in SELECTABLE_INPUTS:
        raise InputError(
            f"memory={system.name} selects turns, sessions or events; LoCoMo's input={memory_input} is only "
            "shown whole: use memory=full, or input=conversation or input=events"
        )
    if memory_input == "events" and system.needs_dia_ids:
        raise InputError(
            f"memory={system.name} needs dia_ids, which the events input (input=events) does not have; "
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
        self.system = memory_system(memory)
        self.settings = MemorySettings(
            unit=choice("unit", unit, get_args(Granularity)),  # type: ignore[arg-type]
            top_k=whole_number("top_k", top_k),
            memory_input=memory_input,
            embedding_model=embedding_model,
        )
        check_memory_input(self.system, memory_input)
        self.system.check(self.settings)
        self._indexed: dict[str, MemorySystem] = {}
        self._conversations: dict[str, Conversation] = {}

    @property
    def name(self) -> str:
        return self.system.name

    @property
    def memory_input(self) -> MemoryInput:
        return self.settings.memory_input

    @property
    def selects(self) -> bool:
        """Whether the model is shown a selection (not the whole context, not an agent's own searches)."""
        return not (self.system.whole_context or self.system.agent)

    def prepare(self, conversations: Iterable[Conversation], probes: Mapping[str, str] | None = None) -> None:
        """Index every conversation now (at task construction), not inside the first question.

        `probes` maps a conversation id to a question searched once right after indexing, so that a system
        whose search fails does so here, before any model call, rather than in every sample.
        """
        for conversation in conversations:
            self._conversations[conversation.id] = conversation
            if not self.selects or conversation.id in self._indexed:
                continue
            system = self.system(self.settings)
            system.index(conversation)
            self._indexed[conversation.id] = system
            if probes and conversation.id in probes:
                system.select(probes[conversation.id])

    def conversation(self, conversation_id: str) -> Conversation:
        """A prepared conversation by id (solvers hold the Memory, not a copy of the data: Inspect logs a
        solver's arguments, and a Memory is logged by name)."""
        return self._conversations[conversation_id]

    def units(self, conversation: Conversation) -> list[Unit]:
        """All units of the conversation at this memory's granularity, chronological."""
        return conversation_units(conversation, self.settings.unit, self.settings.memory_input)

    def select(self, conversation: Conversation, question: str, evidence: Sequence[str] = ()) -> list[Unit]:
        """The units shown for `question` (ranked order for retrievers; rendering puts them in date order)."""
        if not self.selects:
            raise ValueError(f"memory={self.name} shows no selection: there is nothing to select")
        self.prepare([conversation])
        return self._indexed[conversation.id].select(question, evidence)


def search_query(metadata: Mapping[str, Any]) -> str:
    """What a system searches for a sample: the question itself. LoCoMo asks it with additions (answer
    options, a date hint) that would otherwise be search terms."""
    return str(metadata.get("source_question", metadata["question"]))


def probe_questions(samples: Iterable[Sample]) -> dict[str, str]:
    """Each conversation's first search query, to probe its system once at task construction."""
    probes: dict[str, str] = {}
    for sample in samples:
        metadata = sample.metadata or {}
        probes.setdefault(str(metadata["conversation_id"]), search_query(metadata))
    return probes


async def select_off_loop(
    memory: Memory, conversation: Conversation, question: str, evidence: Sequence[str] = ()
) -> list[Unit]:
    """`memory.select` in a worker thread when the system may block (it ranks, or calls the user's code), so
    that an embedding model or a memory service that answers over the network does not stall the other
    samples' model calls."""
    if not memory.system.blocking:
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
