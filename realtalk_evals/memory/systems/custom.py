"""The user's own memory system, named on the command line as `-T memory=module.path:ClassName`.

Protocol (docs/memory_systems.md): the class is constructed without arguments once per conversation; its
`index(conversation)` receives the whole `Conversation` once, then `search(question, k)` is called per
question and returns up to `k` results, best first, each either a dia_id (a turn of the conversation) or a
`Unit` (lines of the system's own, shown under the date of `unit.session`).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Sequence
from typing import Protocol, cast, runtime_checkable

from realtalk_evals.data.records import Conversation
from realtalk_evals.errors import InputError
from realtalk_evals.memory.systems.units import Unit


@runtime_checkable
class MemorySystem(Protocol):
    """What a memory system offers: index a conversation once, then search it per question."""

    def index(self, conversation: Conversation) -> None: ...

    def search(self, question: str, k: int) -> Sequence[str | Unit]: ...


def is_class_path(memory: str) -> bool:
    return ":" in memory


def load_memory_class(path: str) -> type[MemorySystem]:
    """The class named by `module.path:ClassName`, checked against the protocol by building one instance."""
    module_name, _, class_name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:
        raise InputError(f"memory {path!r}: cannot import module {module_name!r} ({error})") from error
    cls = getattr(module, class_name, None)
    if not inspect.isclass(cls):
        raise InputError(f"memory {path!r}: module {module_name!r} has no class {class_name!r}")
    try:
        instance = cls()
    except Exception as error:
        raise InputError(
            f"memory {path!r}: {class_name}() cannot be constructed without arguments ({error})"
        ) from error
    problems = []
    for method, arguments in (("index", ("conversation",)), ("search", ("question", "k"))):
        function = getattr(instance, method, None)
        if not callable(function):
            problems.append(f"no method {method}({', '.join(arguments)})")
            continue
        try:
            inspect.signature(function).bind(*arguments)
        except TypeError:
            problems.append(f"{method} does not take ({', '.join(arguments)})")
    if problems:
        raise InputError(
            f"memory {path!r} does not follow the memory protocol (index(conversation), search(question, k)): "
            + "; ".join(problems)
        )
    return cast(type[MemorySystem], cls)


def resolve_results(
    results: Sequence[str | Unit], turns: dict[str, Unit], sessions: set[int], name: str
) -> list[Unit]:
    """A custom system's results as units: dia_ids become their turns; units must name a session."""
    units = []
    for item in results:
        if isinstance(item, Unit):
            if item.session not in sessions:
                raise ValueError(
                    f"memory {name}: unit {item.id!r} names session {item.session}, not in the conversation"
                )
            units.append(item)
        elif isinstance(item, str) and item in turns:
            units.append(turns[item])
        else:
            raise ValueError(
                f"memory {name}: search returned {item!r}, neither a dia_id of the conversation nor a Unit"
            )
    return units
