"""Where the suite keeps what it downloads or computes once: one root for every cache."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

CACHE_DIR_ENV = "REALTALK_CACHE_DIR"
"""Overrides the per-user cache directory (tests use it to stay out of the user's cache)."""


def cache_root() -> Path:
    """`$REALTALK_CACHE_DIR`, else the user's cache directory for realtalk-evals (each cache a folder below)."""
    return Path(os.environ.get(CACHE_DIR_ENV) or user_cache_dir("realtalk-evals"))
