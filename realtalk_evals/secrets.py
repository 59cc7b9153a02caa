"""Keeping API keys out of what a run writes: its log, its console and trace output, its error messages.

A provider may echo the key it was sent (OpenAI's 401: `Incorrect API key provided: sk-...`), and Inspect
records provider errors verbatim: in the sample, its model events, the summaries and the log header, in the
console's error panel and in its trace log. The suite cannot stop the provider from echoing, so it removes the
values it knows to be keys (those of the environment variables named like `*_API_KEY`) wherever it can:

- exceptions passing through its solvers and judges are scrubbed in place before Inspect records them
  (`scrub_exception`), which covers the console's error panel and the error messages of the log;
- `ScrubKeysFilter`, installed on Inspect's log handler when a run starts, scrubs every log record (console
  messages and the trace log);
- when a run ends, every log file it wrote is rewritten with the keys replaced (`scrub_log_file`): the model
  events Inspect recorded before any suite code saw the error.

What only Inspect can change is listed in docs/failures.md (the live sample buffer during a run, a key given
as a model arg, `-M api_key=...`, which Inspect records as such).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from inspect_ai.hooks import Hooks, RunEnd, RunStart, hooks

KEY_VARIABLE = re.compile(r"^[A-Z0-9_]*_(API_KEY|KEY|TOKEN|SECRET)$")
"""Environment variables whose values are treated as secrets."""

MIN_KEY_LENGTH = 16
"""Shorter values (flags, `1`, `true`) are not keys and would be replaced wherever they happen to appear."""


def known_keys() -> dict[str, str]:
    """Secret value -> the variable holding it, for every set variable named like a key; longest first."""
    found = {
        value: name
        for name, value in os.environ.items()
        if KEY_VARIABLE.match(name) and len(value.strip()) >= MIN_KEY_LENGTH
    }
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


def redacted(variable: str) -> str:
    """What replaces a key: the variable's name, so a reader knows which key the provider echoed."""
    return f"<{variable} redacted>"


def scrub(text: str, keys: dict[str, str] | None = None) -> str:
    """`text` with every known key value replaced by `<NAME redacted>`."""
    for value, variable in (known_keys() if keys is None else keys).items():
        if value in text:
            text = text.replace(value, redacted(variable))
    return text


def scrub_exception(error: BaseException) -> None:
    """Replace known keys in an exception's message and arguments (and its causes'), in place: Inspect records
    and prints the exception after the suite's code has seen it."""
    keys = known_keys()
    if not keys:
        return
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(scrub(a, keys) if isinstance(a, str) else a for a in current.args)
        for attribute in ("message", "body"):
            value = getattr(current, attribute, None)
            if isinstance(value, str):
                setattr(current, attribute, scrub(value, keys))
            elif isinstance(value, dict):
                setattr(current, attribute, _scrub_json(value, keys))
        current = current.__cause__ or current.__context__


def _scrub_json(value: object, keys: dict[str, str]) -> object:
    if isinstance(value, str):
        return scrub(value, keys)
    if isinstance(value, dict):
        return {k: _scrub_json(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, keys) for v in value]
    return value


class ScrubKeysFilter(logging.Filter):
    """Replaces known keys in a log record: its message, its arguments, its extra fields and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        keys = known_keys()
        if not keys:
            return True
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, keys)
            record.exc_info = None  # rendered from exc_text, never again from the exception
        message = record.getMessage()
        if any(value in message for value in keys):
            record.msg, record.args = scrub(message, keys), None
        for name, value in list(vars(record).items()):
            if isinstance(value, str) and name not in ("msg", "exc_text"):
                setattr(record, name, scrub(value, keys))
        return True


def install_log_filter(loggers: Iterable[logging.Logger]) -> None:
    """Add ScrubKeysFilter (once) to every handler of the given loggers: Inspect's one handler writes the
    console, the log file and the trace log."""
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, ScrubKeysFilter) for f in handler.filters):
                handler.addFilter(ScrubKeysFilter())


def scrub_log_file(path: Path, keys: dict[str, str] | None = None) -> bool:
    """Rewrite a local `.eval` (zip) or `.json` log with known keys replaced; True when anything was replaced."""
    keys = known_keys() if keys is None else keys
    if not keys or not path.is_file():
        return False
    needles = {value.encode(): redacted(name).encode() for value, name in keys.items()}
    if not zipfile.is_zipfile(path):
        data = path.read_bytes()
        cleaned = _replace(data, needles)
        if cleaned == data:
            return False
        _write_atomically(path, lambda handle: handle.write(cleaned))
        return True
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    if not any(needle in data for _, data in members for needle in needles):
        return False

    def write(handle: BinaryIO) -> None:
        with zipfile.ZipFile(handle, "w") as out:
            for info, data in members:
                out.writestr(info, _replace(data, needles), compress_type=info.compress_type)

    _write_atomically(path, write)
    return True


def _replace(data: bytes, needles: dict[bytes, bytes]) -> bytes:
    for needle, replacement in needles.items():
        data = data.replace(needle, replacement)
    return data


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".scrubbing")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def local_log_path(location: str) -> Path | None:
    """The local file of a log location (a path or a `file://` URI); None for remote storage."""
    if location.startswith("file://"):
        return Path(location.removeprefix("file://"))
    return None if "://" in location else Path(location)


class ScrubApiKeys(Hooks):
    """The Inspect hooks of the suite: the log filter when a run starts, the log files when it ends."""

    def enabled(self) -> bool:
        return bool(known_keys())

    async def on_run_start(self, data: RunStart) -> None:
        install_log_filter([logging.getLogger(), logging.getLogger("inspect_ai")])

    async def on_run_end(self, data: RunEnd) -> None:
        for log in data.logs:
            path = local_log_path(log.location)
            if path is not None:
                scrub_log_file(path)


def register_hooks() -> bool:
    """Register ScrubApiKeys with Inspect when a key is set (Inspect announces every registered hook, enabled or
    not, when a run starts: a process without keys has nothing to scrub and no announcement). Once a process."""
    global _registered
    if _registered or not known_keys():
        return _registered
    hooks(
        name="scrub_api_keys",
        description="replaces the values of *_API_KEY variables in console and trace output and in the logs",
    )(ScrubApiKeys)
    _registered = True
    return True


_registered = False
