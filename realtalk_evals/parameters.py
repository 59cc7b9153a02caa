"""Every task parameter parsed and checked in one place, so one `-T` input means the same thing in every task.

Inspect reads each `-T name=value` as YAML: `1` arrives as an int, `1,2` as a string, `[1, 2]` as a list,
`true` as a bool, and an empty value (`-T name=`) as None. Here:

- a selection (`conversations`, `categories`, `sessions`, `pairs`, `speaker`, `judge_prompts`) is names or
  whole numbers, comma-separated or a list; `all` selects everything; an empty value is refused everywhere
  (it would otherwise read as "all" and start the most expensive run);
- a choice is one of a fixed list of names; a number is a whole number with a lower bound; a boolean is
  `true` or `false`;
- a path is read from the directory the command was started in (`user_directory`), never from the folder
  Inspect moves into while it builds a task from a task file; a missing path names the absolute path
  looked up;
- an unknown parameter name is refused, naming the closest one (`refuse_unknown`).

Every message is an InputError: Inspect prints it as one line and stops before any model call.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from realtalk_evals.errors import InputError
from realtalk_evals.user_paths import user_directory, user_path

T = TypeVar("T")

ALL = "all"
"""Selects everything in a selecting parameter, and is its default."""

Selection = str | int | list[str | int] | None
"""What a selecting parameter accepts: a name or number, comma-separated names, a list, or `all`."""

_INTEGER = re.compile(r"^-?\d+$")


def closest(word: str, candidates: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the candidate nearest `word`, or nothing when none is near (or `word` is a
    number: `11` is not a misspelt `1`)."""
    if _INTEGER.match(str(word).strip()):
        return ""
    found = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {found[0]!r}?)" if found else ""


def refuse_unknown(task: Callable[..., object], given: Mapping[str, object]) -> None:
    """Stop a task given a parameter it does not have (`-T memroy=bm25`), naming the closest one.

    Inspect only warns about an unknown `-T` name and runs the task with its defaults; a task takes the
    unknown names through `**kwargs` and passes them here first.
    """
    if not given:
        return
    known = [
        parameter.name
        for parameter in inspect.signature(task).parameters.values()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = ", ".join(f"{name!r}{closest(name, known)}" for name in given)
    noun = "parameter" if len(given) == 1 else "parameters"
    raise InputError(f"{task.__name__} has no {noun} {unknown}; its parameters are: {', '.join(known)}")


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _items(name: str, value: object) -> list[str | int]:
    """A selection's items: comma-separated text split, a single value as a list; wrong types refused."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    items: list[object] = list(value) if isinstance(value, list | tuple) else [value]
    bad = [item for item in items if isinstance(item, bool) or not isinstance(item, str | int)]
    if bad:
        raise InputError(
            f"{name} must be names or whole numbers (`1`, `1,2`, a list), got {', '.join(map(repr, bad))}"
        )
    return [item.strip() if isinstance(item, str) else item for item in items]  # type: ignore[misc]


def selection(name: str, value: object) -> list[str | int] | None:
    """A selecting parameter as a list of names or numbers; None means all (`all`). Empty is refused.

    `-T speaker=` reaches the task as None, so None is an empty selection here, not "all".
    """
    if _is_empty(value):
        raise InputError(
            f"{name} is empty: `-T {name}=` selects nothing; leave it out (or give `{name}=all`) for all"
        )
    if isinstance(value, str) and value.strip().casefold() == ALL:
        return None
    items = _items(name, value)
    if not items:
        raise InputError(
            f"{name} is empty: `-T {name}=` selects nothing; leave it out (or give `{name}=all`) for all"
        )
    return items


@dataclass(frozen=True)
class Option(Generic[T]):
    """One thing a selection can name: its value, the names that select it, and how the valid choices list it."""

    value: T
    names: tuple[str, ...]
    label: str


def _normal(text: object) -> str:
    return str(text).strip().casefold().replace("-", "_")


def pick(
    name: str, noun: str, value: object, options: Sequence[Option[T]], valid: str | None = None
) -> list[T]:
    """The options a selection names, in the options' order, once each.

    `value` is the user's selection (a name, comma-separated names, a list, `all`), or None for all (a
    Python caller's default; a task refuses None first with `selection`). Names compare case-insensitively,
    `-` as `_`. An unknown name raises InputError listing `valid` (default: every option's label).
    """
    wanted = None if value is None else selection(name, value)
    if wanted is None:
        return [option.value for option in options]
    index = {_normal(alias): position for position, option in enumerate(options) for alias in option.names}
    unknown = [item for item in wanted if _normal(item) not in index]
    if unknown:
        labels = valid if valid is not None else ", ".join(option.label for option in options)
        hint = closest(_normal(unknown[0]), index) if len(unknown) == 1 else ""
        raise InputError(f"unknown {noun} {', '.join(map(repr, unknown))}{hint}; valid choices: {labels}")
    chosen = {index[_normal(item)] for item in wanted}
    return [option.value for position, option in enumerate(options) if position in chosen]


def choice(name: str, value: object, choices: Sequence[str]) -> str:
    """One of `choices`, exactly as written; anything else raises InputError listing them."""
    if not isinstance(value, str) or value not in choices:
        hint = closest(value, choices) if isinstance(value, str) else ""
        raise InputError(f"unknown {name} {value!r}{hint}; valid choices: {', '.join(choices)}")
    return value


def choices(name: str, value: object, valid: Sequence[str]) -> list[str]:
    """Several of `valid` (a selection: comma-separated, a list, or `all`; empty refused), in `valid`'s order."""
    options = [Option(v, (v,), v) for v in valid]
    return pick(name, name.rstrip("s").replace("_", " "), selection(name, value), options)


def names(name: str, value: object) -> list[str] | None:
    """Free names (model names, say), comma-separated or a list; None when not given; empty or repeated
    names raise InputError."""
    if value is None:
        return None
    items = [str(item) for item in _items(name, value)] if not _is_empty(value) else []
    if not items:
        raise InputError(f"{name} is empty: name at least one, or leave it out")
    repeated = sorted({item for item in items if items.count(item) > 1})
    if repeated:
        raise InputError(f"{name} names {', '.join(repeated)} more than once; give each once")
    return items


def _whole(value: object) -> int | None:
    """`value` as an int when it is one (or its digits, as a Python caller may give), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    return None


def whole_number(name: str, value: object, minimum: int | None = 1) -> int:
    """A whole number of at least `minimum` (any integer when None)."""
    number = _whole(value)
    if number is None or (minimum is not None and number < minimum):
        least = "an integer" if minimum is None else f"a whole number of at least {minimum}"
        raise InputError(f"{name} must be {least}, got {value!r}")
    return number


def optional_whole_number(name: str, value: object, minimum: int = 1) -> int | None:
    """A whole number of at least `minimum`, or None when not given (an empty value leaves it unset)."""
    return None if _is_empty(value) else whole_number(name, value, minimum)


def whole_number_or_all(name: str, value: object, minimum: int = 0) -> int | None:
    """A whole number of at least `minimum`, or `all` (None)."""
    if isinstance(value, str) and value.strip().casefold() == ALL:
        return None
    number = _whole(value)
    if number is None or number < minimum:
        raise InputError(f"{name} must be a whole number of at least {minimum} or 'all', got {value!r}")
    return number


def boolean(name: str, value: object) -> bool:
    """`true` or `false`."""
    if not isinstance(value, bool):
        raise InputError(f"{name} must be true or false, got {value!r}")
    return value


def text(name: str, value: object, what: str = "a name") -> str:
    """A non-empty string, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{name} must be {what}, got {value!r}")
    return value.strip()


def existing_path(name: str, value: object, what: str = "file or directory") -> Path:
    """The absolute path of an existing file or directory; a missing one names the path looked up."""
    path = user_path(text(name, value, f"a path to a {what}"))
    if not path.exists():
        raise InputError(
            f"{name}: no {what} at {path} (a relative path is read from {user_directory()}, "
            "the directory the command runs from)"
        )
    return path


def written_as_path(model: str) -> bool:
    """A model name written as a local path (`./m`, `/m`, `~/m`, `a/b/c`) rather than a Hub id (`owner/name`)."""
    return model.startswith(("/", ".", "~")) or model.count("/") > 1 or "\\" in model


def model_location(name: str, value: object) -> str:
    """A model given as a Hub id or a local directory: a directory that exists where the user runs, or a name
    written as a path, becomes its absolute path; anything else stays a Hub id."""
    given = text(name, value, "a Hugging Face model id or a local directory")
    path = user_path(given)
    return str(path) if path.exists() or written_as_path(given) else given


def choice_or_path(name: str, value: object, choices: Sequence[str]) -> str | Path:
    """One of `choices`, or else the absolute path of an existing file or directory."""
    given = text(name, value, f"one of {', '.join(choices)} or a path")
    if given in choices:
        return given
    path = user_path(given)
    if not path.exists():
        raise InputError(
            f"unknown {name} {given!r}{closest(given, choices)}; valid choices: {', '.join(choices)}, or an "
            f"existing path ({path} does not exist; a relative path is read from {user_directory()}, the "
            "directory the command runs from)"
        )
    return path
