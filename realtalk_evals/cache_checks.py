"""Caches a run writes to, checked when a task is built: an unusable one is one message, not failed samples.

Inspect's generate cache (`INSPECT_CACHE_DIR`) holds the judges' answers; the classifier cache
(`REALTALK_CACHE_DIR`) the local classifiers' outputs. A directory that cannot be created would fail every
judged or classified sample, so it stops the task with what to set; so does a classifier cache that cannot be
written to. An Inspect cache that exists but cannot be written to only loses the caching (Inspect skips
failed writes), so the run goes on with a warning.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from realtalk_evals.data_files import CACHE_DIR_ENV
from realtalk_evals.errors import InputError

logger = logging.getLogger(__name__)


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


def _classifier_cache_directory() -> Path:
    from realtalk_evals.ei.cache import classifier_cache_path

    directory = classifier_cache_path().parent
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def check_caches(classifiers: bool = False) -> None:
    """Check Inspect's generate cache, and with `classifiers` the classifier cache, before any sample runs."""
    from inspect_ai.model import cache_path  # creates the directory

    check_cache_directory(cache_path, "Inspect's generate cache (the judges' answers)", "INSPECT_CACHE_DIR")
    if classifiers:
        check_cache_directory(
            _classifier_cache_directory, "The classifier cache", CACHE_DIR_ENV, required=True
        )
