"""What a memory system is: the protocol a user's class follows, and the capabilities every system declares.

The task, the solvers and the report ask a system's class what it does (`whole_context`, `agent`,
`needs_dia_ids`, ...), never its name; `registry.memory_system` turns the `memory` parameter into the class,
once. Each built-in system is a subclass of `MemorySystem` in its own module; a user's class (the protocol
below) is wrapped by `custom.user_memory` into one, so both go through the same path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from realtalk_evals.data.records import Conversation
from realtalk_evals.memory.context import MemoryInput
from realtalk_evals.memory.systems.embeddings import DEFAULT_EMBEDDING_MODEL
from realtalk_evals.memory.systems.units import Granularity, Unit, conversation_units


@runtime_checkable
class MemoryProtocol(Protocol):
    """What a user's memory class offers (docs/memory_systems.md): constructed without arguments once per
    conversation, `index` receives the whole conversation once, `search` answers one question with up to `k`
    results, best first, each a dia_id of the conversation or a `Unit` of the system's own."""

    def index(self, conversation: Conversation) -> None: ...

    def search(self, question: str, k: int) -> Sequence[str | Unit]: ...


@dataclass(frozen=True)
class MemorySettings:
    """The task parameters a memory system may use (`unit`, `top_k`, `input`, `embedding_model`)."""

    unit: Granularity = "turn"
    top_k: int = 10
    memory_input: MemoryInput = "conversation"
    embedding_model: str = DEFAULT_EMBEDDING_MODEL


class MemorySystem:
    """A memory system: one instance per conversation, `index`ed once, then asked per question.

    The class attributes are its capabilities, with the values of a system that ranks units per question.
    """

    name: ClassVar[str] = ""
    """What `-T memory=` calls it (a user's class: its `module.path:ClassName`)."""
    whole_context: ClassVar[bool] = False
    """Shows the paper's whole context (C or E) as the paper renders it: no selection, no memory metadata,
    no evidence recall; the only system that works on LoCoMo's `observation` and `summary` inputs."""
    agent: ClassVar[bool] = False
    """The model searches the conversation itself through tools instead of being shown a selection."""
    needs_dia_ids: ClassVar[bool] = False
    """Works only on the conversation input (the events input has no dia_ids)."""
    needs_embeddings: ClassVar[bool] = False
    """Loads `embedding_model` (checked once at task construction)."""
    uses_top_k: ClassVar[bool] = True
    """What it shows depends on `top_k`."""
    uses_unit: ClassVar[bool] = True
    """What it shows depends on `unit`."""
    blocking: ClassVar[bool] = True
    """Selecting may take a while (ranking, a model, a service): it runs in a worker thread."""

    def __init__(self, settings: MemorySettings | None = None) -> None:
        self.settings = settings or MemorySettings()
        self.units: list[Unit] = []

    @classmethod
    def check(cls, settings: MemorySettings) -> None:
        """Raise InputError for settings this system cannot use; runs once, at task construction."""

    def index(self, conversation: Conversation) -> None:
        """Cut the conversation into units at the settings' granularity."""
        self.units = conversation_units(conversation, self.settings.unit, self.settings.memory_input)

    def search(self, question: str, k: int) -> Sequence[Unit]:
        """Up to `k` units for the question, best first."""
        raise NotImplementedError(f"memory={self.name} does not search")

    def select(self, question: str, evidence: Sequence[str] = ()) -> list[Unit]:
        """The units shown for `question` (its `evidence` dia_ids are known to the oracle alone)."""
        return list(self.search(question, self.settings.top_k))
