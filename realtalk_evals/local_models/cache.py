"""A persistent cache of classifier outputs, keyed by (classifier kind, model id, text).

The EI labels of a real message do not depend on the model under test, so a second model's run, or the
dataset analysis, should not classify it again. One SQLite file per cache directory (WAL mode, safe for
several processes) lives in `$REALTALK_CACHE_DIR/ei/` or the user's cache directory.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from realtalk_evals.caches import CACHE_DIR_ENV, cache_root, check_cache_directory

CACHE_FILE = "classifiers-v1.sqlite"
"""Bump the version when the stored record changes shape."""


def classifier_cache_path() -> Path:
    return cache_root() / "ei" / CACHE_FILE


class ClassifierCache:
    """JSON records per (kind, model, text); reads and writes are safe from any thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS outputs (kind TEXT NOT NULL, model TEXT NOT NULL,"
                " text TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (kind, model, text))"
            )

    def get_many(self, kind: str, model: str, texts: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The cached records among `texts` (missing texts are absent from the result)."""
        wanted = list(dict.fromkeys(texts))
        found: dict[str, dict[str, Any]] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT text, record FROM outputs WHERE kind = ? AND model = ? AND text IN ({marks})",
                    [kind, model, *chunk],
                ).fetchall()
                found.update((text, json.loads(record)) for text, record in rows)
        return found

    def put_many(self, kind: str, model: str, records: Mapping[str, dict[str, Any]]) -> None:
        if not records:
            return
        rows = [(kind, model, text, json.dumps(record)) for text, record in records.items()]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)", rows)


@lru_cache(maxsize=8)
def _open(path: Path) -> ClassifierCache:
    return ClassifierCache(path)


def classifier_cache() -> ClassifierCache:
    """The cache of the current cache directory (re-read each call, so tests can point it elsewhere)."""
    return _open(classifier_cache_path())


def _classifier_cache_directory() -> Path:
    directory = classifier_cache_path().parent
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def check_classifier_cache(what: str = "The classifier cache") -> None:
    """Stop the task when the classifier cache cannot be created or written (every classified sample would
    fail), naming the variable to set; `what` names the cache's use (the embeddings share it)."""
    check_cache_directory(_classifier_cache_directory, what, CACHE_DIR_ENV, required=True)
