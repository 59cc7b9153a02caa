"""Where the suite keeps what it downloads or computes once (one root for every cache), and the check that a
cache a run writes to is usable when the task is built: an unusable one is one message, not failed samples.

Inspect's generate cache (`INSPECT_CACHE_DIR`) holds the judges' answers. A directory that cannot be created
would fail every judged sample, so it stops the task with what to set. An Inspect cache that exists but cannot
be written to only loses the caching (Inspect skips failed writes), so the run goes on with a warning. The
local models' output cache has its own check (`realtalk_evals.local_models.cache`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from platformdirs import user_cache_dir

from realtalk_evals.errors import InputError
from realtalk_evals.user_paths import user_path

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "REALTALK_CACHE_DIR"
"""Overrides the per-user cache directory (tests use it to stay out of the user's cache)."""


def cache_root() -> Path:
    """`$REALTALK_CACHE_DIR`, else the user's cache directory for realtalk-evals (each cache a folder below)."""
    return user_path(os.environ.get(CACHE_DIR_ENV) or user_cache_dir("realtalk-evals"))


def check_cache_directory(make: Callable[[], Path], what: str, variable: str, required: bool = False) -> None:
    """Raise InputError when `make()` (which creates the directory) fails; when it cannot be written, warn,
    or raise if the cache is `required` (its users fail without it)."""
    fix = f"set {variable} to a writable directory"
    try:
        directory = make()
    except OSError as error:
        raise InputError(
            f"{what} cannot be created at {error.filename or 'its directory'} ({type(error).__name__}): {fix}"
        ) from error
    try:
        tempfile.TemporaryFile(dir=directory).close()
    except OSError as error:
        if required:
            raise InputError(f"{what} {directory} is not writable ({error}): {fix}") from error
        logger.warning(f"{what} {directory} is not writable ({error}): running without caching; {fix}")


def check_generate_cache() -> None:
    """Check Inspect's generate cache (the judges' answers) before any sample runs."""
    from inspect_ai.model import cache_path  # creates the directory

    check_cache_directory(cache_path, "Inspect's generate cache (the judges' answers)", "INSPECT_CACHE_DIR")
