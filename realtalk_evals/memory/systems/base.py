"""What a memory system is: the protocol a user's class follows, and the capabilities every system declares.

The task, the solvers and the report ask a system's class what it does (`whole_context`, `agent`,
`needs_dia_ids`, ...), never its name; `registry.memory_system` turns the `memory` parameter into the class,
once. Each built-in system is a subclass of `MemorySystem` in its own module; a user's class (the protocol
below) is wrapped by `custom.user_memory` into one, so both go through the same path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from realtalk_evals.data.records import Conversation
from realtalk_evals.memory.context import MemoryInput
from realtalk_evals.memory.systems.embeddings import DEFAULT_EMBEDDING_MODEL
from realtalk_evals.memory.systems.units import Granularity, Unit, conversation_units

if TYPE_CHECKING:
    from realtalk_evals.memory.systems.builder import MemoryBuilder


@runtime_checkable
class MemoryProtocol(Protocol):
    """What a user's memory class offers (docs/memory_systems.md): constructed without arguments once per
    conversation, `index` receives the whole conversation once, `search` answers one question with up to `k`
    results, best first, each a dia_id of the conversation or a `Unit` of the system's own."""

    def index(self, conversation: Conversation) -> None: ...

    def search(self, question: str, k: int) -> Sequence[str | Unit]: ...


@dataclass(frozen=True)
class MemorySettings:
    """The task parameters a memory system may use (`unit`, `top_k`, `input`, `embedding_model`,
    `bm25_stemming`)."""

    unit: Granularity = "turn"
    top_k: int = 10
    memory_input: MemoryInput = "conversation"
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    bm25_stemming: bool = True


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
    top_k_counts: ClassVar[str | None] = None
    """What `top_k` counts where it is not units (`recent`: sessions), for the report's label."""
    blocking: ClassVar[bool] = True
    """Selecting may take a while (ranking, a model, a service): it runs in a worker thread."""
    ranks: ClassVar[bool] = True
    """`search` ranks units for the question: its top `RANKING_DEPTH` are recorded once per question and
    scored at several k (recall@k, nDCG@10); the first `top_k` are shown."""
    question_only: ClassVar[bool] = False
    """The model gets the question alone, with no context at all (`none`)."""
    builds: ClassVar[bool] = False
    """A model (the `memory_builder` role) writes the units from the conversation, once per conversation,
    before its first question (`build`); works only on the conversation input."""
    credits_citations: ClassVar[bool] = False
    """Evidence recall counts the turns its units cite (`Unit.cites`: an observation's sources), not only the
    turns whose text it shows."""
    shows: ClassVar[MemoryInput | None] = None
    """The frame its units are shown in (`summary`, `observation`: the LoCoMo headers and labels); None:
    the task's `input`."""

    def __init__(self, settings: MemorySettings | None = None) -> None:
        self.settings = settings or MemorySettings()
        self.units: list[Unit] = []

    @classmethod
    def check(cls, settings: MemorySettings) -> None:
        """Raise InputError for settings this system cannot use; runs once, at task construction."""

    def index(self, conversation: Conversation) -> None:
        """Cut the conversation into units at the settings' granularity."""
        self.units = conversation_units(conversation, self.settings.unit, self.settings.memory_input)

    async def build(self, builder: MemoryBuilder) -> None:
        """Write the units with the builder model (systems that `build`); called once per conversation."""

    def search(self, question: str, k: int) -> Sequence[Unit]:
        """Up to `k` units for the question, best first."""
        raise NotImplementedError(f"memory={self.name} does not search")

    def select(self, question: str, evidence: Sequence[str] = ()) -> list[Unit]:
        """The units shown for `question`, the one to keep first when `memory_tokens` cuts (its `evidence`
        dia_ids are known to the oracle alone)."""
        return list(self.search(question, self.settings.top_k))
