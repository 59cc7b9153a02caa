"""The user's own memory system, named on the command line as `-T memory=module.path:ClassName`.

The class follows `base.MemoryProtocol` (docs/memory_systems.md). `user_memory` imports and checks it and
wraps it in a `MemorySystem` subclass, so it goes through the same path as the built-in systems. Everything the
class does wrong (raises in `index` or `search`, returns something that is not a list of dia_ids and Units) is
reported as one message naming the class and the method: at task construction, where `index` runs for every
conversation and `search` once per conversation (a probe), an InputError stops the run before any model call.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, ClassVar, cast

from realtalk_evals.data.records import Conversation
from realtalk_evals.errors import InputError
from realtalk_evals.memory.systems.base import MemoryProtocol, MemorySystem
from realtalk_evals.memory.systems.units import Unit, turn_units


class MemoryClassError(InputError):
    """The user's memory class did something the protocol does not allow; the message names class and method."""


def load_memory_class(path: str) -> type[MemoryProtocol]:
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
    return cast(type[MemoryProtocol], cls)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def credited(unit: Unit, texts: dict[str, str], where: str) -> Unit:
    """A user's unit with recall credit only for the turns whose text it shows: each of its `dia_ids` whose
    message text (or image caption) is not in its lines moves to `cites`, which evidence recall does not
    count for a user's class. A dia_id naming no turn of the conversation is refused."""
    unknown = [dia_id for dia_id in unit.dia_ids if dia_id not in texts]
    if unknown:
        raise MemoryClassError(
            f"{where} returned unit {unit.id!r} with dia_ids {', '.join(map(repr, unknown))}, not turns of "
            "the conversation"
        )
    shown = unit.text
    verbatim = tuple(dia_id for dia_id in unit.dia_ids if texts[dia_id] in shown)
    if verbatim == unit.dia_ids:
        return unit
    moved = tuple(dia_id for dia_id in unit.dia_ids if dia_id not in verbatim)
    return replace(unit, dia_ids=verbatim, cites=tuple(dict.fromkeys(unit.cites + moved)))


def resolve_results(
    results: object, turns: dict[str, Unit], sessions: set[int], texts: dict[str, str], where: str
) -> list[Unit]:
    """A user system's search results as units: dia_ids become their turns; units must name a session.

    A unit whose id is a dia_id (other than that very turn), or two different units under one id, would be
    merged when shown, so both are refused; a result repeated as is stays, to be counted once
    (`select.unique_units`); `texts` (`turn_texts`) tells which of a unit's turns it shows.
    `where` names the class and method (`MyMemory.search()`) in the MemoryClassError raised.
    """
    if isinstance(results, str | bytes | dict) or not isinstance(results, Sequence):
        raise MemoryClassError(
            f"{where} returned {_shown(results)}, not a list of results (dia_ids of the conversation or Units)"
        )
    units: list[Unit] = []
    by_id: dict[str, Unit] = {}
    for item in results:
        if isinstance(item, Unit):
            if item.session not in sessions:
                raise MemoryClassError(
                    f"{where} returned unit {item.id!r} of session {item.session}, not in the conversation"
                )
            if item.id in turns and item != turns[item.id]:
                raise MemoryClassError(
                    f"{where} returned a unit of its own with id {item.id!r}, a dia_id of the conversation: "
                    "give your units ids of their own (a turn is returned as its dia_id)"
                )
            unit = credited(item, texts, where)
        elif isinstance(item, str) and item in turns:
            unit = turns[item]
        else:
            raise MemoryClassError(
                f"{where} returned {_shown(item)}, neither a dia_id of the conversation nor a Unit"
            )
        if by_id.setdefault(unit.id, unit) != unit:
            raise MemoryClassError(f"{where} returned two different units with the id {unit.id!r}")
        units.append(unit)
    return units


def turn_texts(conversation: Conversation) -> dict[str, str]:
    """dia_id -> what a unit must show to be credited with that turn: its text, or its image caption."""
    return {
        message.dia_id: message.text.strip() or (message.image_caption or "").strip()
        for message in conversation.messages
    }


class UserMemory(MemorySystem):
    """A user's class behind the `MemorySystem` interface: its own instance per conversation, its results
    checked and turned into units. `user_memory` makes one subclass per class."""

    user_class: ClassVar[type[MemoryProtocol]]
    uses_unit: ClassVar[bool] = False

    def index(self, conversation: Conversation) -> None:
        self.system: Any = self.user_class()
        self.turns = {unit.id: unit for unit in turn_units(conversation)}
        self.texts = turn_texts(conversation)
        self.sessions = {session.number for session in conversation.sessions}
        self.conversation_id = conversation.id
        self._call("index", conversation)

    def search(self, question: str, k: int) -> list[Unit]:
        results = self._call("search", question, k)
        where = f"{self.name}: {self.user_class.__name__}.search() for {self.conversation_id}"
        if isinstance(results, Iterator):  # a generator: its order is kept
            results = list(results)
        if isinstance(results, Sequence) and not isinstance(results, str | bytes):
            results = list(results)[:k]
        return resolve_results(results, self.turns, self.sessions, self.texts, where)

    def _call(self, method: str, *arguments: object) -> Any:
        try:
            return getattr(self.system, method)(*arguments)
        except Exception as error:  # the user's code: whatever it raises is reported as theirs, in one line
            raise MemoryClassError(
                f"{self.name}: {self.user_class.__name__}.{method}() raised {type(error).__name__}: {error} "
                f"(conversation {self.conversation_id})"
            ) from error


def user_memory(path: str) -> type[MemorySystem]:
    """The `MemorySystem` for the class named by `module.path:ClassName` (imported and checked now)."""
    cls = load_memory_class(path)
    return type(f"UserMemory[{cls.__name__}]", (UserMemory,), {"name": path, "user_class": cls})
