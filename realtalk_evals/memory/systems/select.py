"""The `memory` task parameter as one object: which units of a conversation reach the model for a question.

Any dataset parsed into `Conversation` records (REALTALK, LoCoMo) uses it the same way:

    memory = Memory("bm25", top_k=10)
    memory.prepare(conversations)                  # index once per conversation (task construction)
    units = memory.select(conversation, question, evidence)
    prompt = memory.prompt(conversation, units, question)

The name is resolved once (`registry.memory_system`); what follows asks the system's class what it does.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

import anyio
from inspect_ai.dataset import Sample
from inspect_ai.model import Model

from realtalk_evals.data.records import Conversation
from realtalk_evals.errors import InputError
from realtalk_evals.memory.context import MemoryInput, render_context, render_memory_prompt
from realtalk_evals.memory.systems.base import MemorySettings, MemorySystem
from realtalk_evals.memory.systems.builder import BuildRecord, MemoryBuilder
from realtalk_evals.memory.systems.embeddings import DEFAULT_EMBEDDING_MODEL
from realtalk_evals.memory.systems.registry import memory_system
from realtalk_evals.memory.systems.units import Granularity, Unit, conversation_units, render_units
from realtalk_evals.parameters import choice, whole_number
from realtalk_evals.prompts import MEMORY_QUESTION
from realtalk_evals.tokens import approximate_tokens

SELECTABLE_INPUTS = ("conversation", "events")
"""The inputs that can be cut into units; LoCoMo's `observation` and `summary` are only shown whole."""

RANKING_DEPTH = 50
"""How deep a ranking system's list is recorded per question (recall@k up to k = 50)."""


def check_memory_input(system: type[MemorySystem], memory_input: MemoryInput) -> None:
    """InputError for a memory system the input cannot support."""
    if not system.whole_context and memory_input not in SELECTABLE_INPUTS:
        raise InputError(
            f"memory={system.name} selects turns, sessions or events; LoCoMo's input={memory_input} is only "
            "shown whole: use memory=full, or input=conversation or input=events"
        )
    if memory_input == "events" and system.builds:
        raise InputError(
            f"memory={system.name} is written by a model from the conversation's messages, which the events "
            "input (input=events) does not show; use input=conversation"
        )
    if memory_input == "events" and system.needs_dia_ids:
        raise InputError(
            f"memory={system.name} needs dia_ids, which the events input (input=events) does not have; "
            "use input=conversation"
        )


@dataclass
class Retrieval:
    """What a system chose for one question: the units to show (best first), its ranking when it ranks (the
    top `RANKING_DEPTH`, of which the first `top_k` are shown), repeated results dropped, and the time it took."""

    units: list[Unit]
    ranking: list[Unit] = field(default_factory=list)
    duplicates: int = 0
    milliseconds: float = 0.0


def unique_units(units: Iterable[Unit]) -> tuple[list[Unit], int]:
    """Each unit once, in its first place, and how many repeats were dropped."""
    unique: list[Unit] = []
    seen: set[str] = set()
    repeats = 0
    for unit in units:
        if unit.id in seen:
            repeats += 1
        else:
            seen.add(unit.id)
            unique.append(unit)
    return unique, repeats


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
        bm25_stemming: bool = True,
        memory_tokens: int | None = None,
    ) -> None:
        self.system = memory_system(memory)
        self.settings = MemorySettings(
            unit=choice("unit", unit, get_args(Granularity)),  # type: ignore[arg-type]
            top_k=whole_number("top_k", top_k),
            memory_input=memory_input,
            embedding_model=embedding_model,
            bm25_stemming=bm25_stemming,
        )
        self.memory_tokens = memory_tokens
        """The most tokens (`tokens.approximate_tokens`) a question's prompt may hold; None: no budget."""
        check_memory_input(self.system, memory_input)
        self.system.check(self.settings)
        self._indexed: dict[str, MemorySystem] = {}
        self._conversations: dict[str, Conversation] = {}
        self._built: dict[str, BuildRecord] = {}
        self._building: dict[str, anyio.Lock] = {}

    @property
    def name(self) -> str:
        return self.system.name

    @property
    def memory_input(self) -> MemoryInput:
        return self.settings.memory_input

    @property
    def frame(self) -> MemoryInput:
        """The frame the units are shown in: the system's own (`summary`, `observation`) or the input's."""
        return self.system.shows or self.settings.memory_input

    @property
    def whole_sessions(self) -> bool:
        """Whether each unit is a whole session of the conversation (`unit=session`), showing all its turns."""
        return (
            self.system.uses_unit and self.settings.unit == "session" and self.memory_input == "conversation"
        )

    @property
    def selects(self) -> bool:
        """Whether the model is shown a selection (not the whole context, not an agent's own searches)."""
        return not (self.system.whole_context or self.system.agent)

    def prepare(self, conversations: Iterable[Conversation], probes: Mapping[str, str] | None = None) -> None:
        """Index every conversation now (at task construction), not inside the first question.

        `probes` maps a conversation id to a question searched once right after indexing, so that a system
        whose search fails does so here, before any model call, rather than in every sample. A system a model
        writes has nothing to search before it is built (in the conversation's first sample).
        """
        for conversation in conversations:
            self._conversations[conversation.id] = conversation
            if not self.selects or conversation.id in self._indexed:
                continue
            system = self.system(self.settings)
            system.index(conversation)
            self._indexed[conversation.id] = system
            if probes and conversation.id in probes and not self.system.builds:
                self.retrieve(conversation, probes[conversation.id])

    def conversation(self, conversation_id: str) -> Conversation:
        """A prepared conversation by id (solvers hold the Memory, not a copy of the data: Inspect logs a
        solver's arguments, and a Memory is logged by name)."""
        return self._conversations[conversation_id]

    def units(self, conversation: Conversation) -> list[Unit]:
        """All units of the conversation at this memory's granularity, chronological."""
        return conversation_units(conversation, self.settings.unit, self.settings.memory_input)

    async def build(self, conversation: Conversation, model: Model) -> BuildRecord | None:
        """Have `model` write the conversation's memories, once (other questions of the conversation wait for
        the first); None for a system no model writes."""
        if not self.system.builds:
            return None
        self.prepare([conversation])
        async with self._building.setdefault(conversation.id, anyio.Lock()):
            if conversation.id not in self._built:
                builder = MemoryBuilder(model)
                await self._indexed[conversation.id].build(builder)
                self._built[conversation.id] = builder.record
        return self._built[conversation.id]

    def retrieve(self, conversation: Conversation, question: str, evidence: Sequence[str] = ()) -> Retrieval:
        """The units for `question` (best first) and, for a ranking system, its ranking to `RANKING_DEPTH`."""
        if not self.selects:
            raise ValueError(f"memory={self.name} shows no selection: there is nothing to select")
        self.prepare([conversation])
        system = self._indexed[conversation.id]
        started = time.perf_counter()
        if self.system.ranks:
            ranking, duplicates = unique_units(
                system.search(question, max(self.settings.top_k, RANKING_DEPTH))
            )
            units = ranking[: self.settings.top_k]
        else:
            ranking = []
            units, duplicates = unique_units(system.select(question, evidence))
        elapsed = 1000 * (time.perf_counter() - started)
        return Retrieval(units, ranking[:RANKING_DEPTH], duplicates, elapsed)

    def select(self, conversation: Conversation, question: str, evidence: Sequence[str] = ()) -> list[Unit]:
        """The units shown for `question` (best first; rendering puts them in date order)."""
        return self.retrieve(conversation, question, evidence).units

    def prompt(self, conversation: Conversation, units: Sequence[Unit], question: str) -> str:
        """The D.2 user message showing `units` (the question alone for a system that shows nothing)."""
        if self.system.question_only:
            return MEMORY_QUESTION.format(question=question)
        return render_memory_prompt(render_units(conversation, units, self.frame), question)

    def check_budget(self, samples: Iterable[Sample], conversations: Iterable[Conversation]) -> None:
        """InputError, before any model call, when `memory_tokens` cannot hold some question's prompt: the
        question with no memory at all (a selecting system), or the whole context (`full`, which cannot be
        cut without becoming another system); the agent's context grows with its tool calls instead."""
        budget = self.memory_tokens
        if budget is None:
            return
        if self.system.agent:
            raise InputError(
                f"memory_tokens bounds the prompt a memory system shows; memory={self.name}'s context grows "
                "with its own tool calls: bound it with agent_token_limit instead"
            )
        by_id = {conversation.id: conversation for conversation in conversations}
        for sample in samples:
            metadata = sample.metadata or {}
            conversation = by_id[metadata["conversation_id"]]
            question = str(metadata["question"])
            if self.system.whole_context:
                needed = approximate_tokens(
                    render_memory_prompt(render_context(conversation, self.memory_input), question)
                )
                if needed > budget:
                    raise InputError(
                        f"memory_tokens={budget} cannot hold memory={self.name}: {conversation.id}'s whole "
                        f"context with question {sample.id} is about {needed:,} tokens; choose a memory that "
                        "selects (recent, bm25, ...) or a larger budget"
                    )
                continue
            needed = approximate_tokens(self.prompt(conversation, [], question))
            if needed > budget:
                raise InputError(
                    f"memory_tokens={budget} is below the question's own size: {sample.id} needs about "
                    f"{needed} tokens with no memory at all (four characters a token)"
                )

    def fit(self, conversation: Conversation, units: list[Unit], question: str) -> list[Unit]:
        """The best units whose prompt fits `memory_tokens` (all without a budget): the longest run of
        `units` from the first whose prompt is not over the budget."""
        if self.memory_tokens is None:
            return units
        low, high = 0, len(units)  # the prompt grows with every unit added: a binary search finds the cut
        while low < high:
            middle = (low + high + 1) // 2
            if approximate_tokens(self.prompt(conversation, units[:middle], question)) <= self.memory_tokens:
                low = middle
            else:
                high = middle - 1
        return units[:low]


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


async def retrieve_off_loop(
    memory: Memory, conversation: Conversation, question: str, evidence: Sequence[str] = ()
) -> Retrieval:
    """`memory.retrieve` in a worker thread when the system may block (it ranks, or calls the user's code), so
    that an embedding model or a memory service that answers over the network does not stall the other
    samples' model calls. Its time is measured in the thread: the wait for a free thread is not counted."""
    if not memory.system.blocking:
        return memory.retrieve(conversation, question, evidence)
    return await anyio.to_thread.run_sync(memory.retrieve, conversation, question, evidence)


def shown_metadata(units: Iterable[Unit]) -> dict[str, list[Any]]:
    """Sample metadata naming what reached the model: unit ids, the turns whose text was shown, the turns the
    units cite without showing them (when any), and their sessions."""
    units = list(units)
    metadata: dict[str, list[Any]] = {
        "memory_units": list(dict.fromkeys(unit.id for unit in units)),
        "memory_dia_ids": list(dict.fromkeys(dia_id for unit in units for dia_id in unit.dia_ids)),
        "memory_sessions": sorted({unit.session for unit in units}),
    }
    cited = list(dict.fromkeys(dia_id for unit in units for dia_id in unit.cites))
    if cited:
        metadata["memory_cited_dia_ids"] = cited
    return metadata


def ranking_metadata(ranking: Sequence[Unit], memory: Memory) -> dict[str, Any]:
    """The ranking as sample metadata, compactly: unit ids (dia_ids for turns), their sessions, and the turns a
    unit is credited with where they are neither its own id (a turn) nor its whole session (`unit=session`):
    a user's own units, observations."""
    turns: dict[str, list[str]] = {}
    cites = memory.system.credits_citations
    for unit in ranking if not memory.whole_sessions else ():
        credited = unit.dia_ids + (unit.cites if cites else ())
        if credited and credited != (unit.id,):  # a turn is credited with itself: nothing to write
            turns[unit.id] = list(dict.fromkeys(credited))
    return {
        "memory_ranking": [unit.id for unit in ranking],
        "memory_ranking_sessions": [unit.session for unit in ranking],
        "memory_ranking_turns": turns,
    }


def retrieval_metadata(
    memory: Memory, retrieval: Retrieval, shown: Sequence[Unit], prompt: str, build: BuildRecord | None
) -> dict[str, Any]:
    """Sample metadata on how the units were chosen: retrieval time (ms, in the worker thread), the ranking of
    a ranking system, repeated results dropped, an empty selection (the oracle on a question whose evidence
    names no turn), the prompt's estimated tokens and the units `memory_tokens` cut, and what building the
    conversation's memories took."""
    metadata: dict[str, Any] = {
        "memory_retrieval_ms": round(retrieval.milliseconds, 3),
        "memory_context_tokens": approximate_tokens(prompt),
    }
    if memory.system.ranks:
        metadata |= ranking_metadata(retrieval.ranking, memory)
    if retrieval.duplicates:
        metadata["memory_duplicates"] = retrieval.duplicates
    if not shown and not memory.system.question_only:
        metadata["memory_empty"] = True
    if memory.memory_tokens is not None:
        metadata["memory_cut"] = len(retrieval.units) - len(shown)
    if build is not None:
        metadata["memory_builder"] = build.metadata()
    return metadata
