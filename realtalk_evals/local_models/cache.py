"""A persistent cache of local-model outputs, keyed by (kind, model id, text): JSON records (classifier labels,
sentence embeddings) and arrays (BERTScore's token embeddings of the real messages).

The EI labels of a real message do not depend on the model under test, so a second model's run, or the
dataset analysis, should not classify it again; nor should BERTScore embed it again. One SQLite file per cache
directory (WAL mode, safe for several processes) lives in `$REALTALK_CACHE_DIR/ei/` or the user's cache
directory.
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from realtalk_evals.caches import CACHE_DIR_ENV, cache_root, check_cache_directory

CACHE_FILE = "classifiers-v1.sqlite"
"""Bump the version when the stored record changes shape."""


def classifier_cache_path() -> Path:
    return cache_root() / "ei" / CACHE_FILE


def model_key(model_id: str) -> str:
    """A local directory by its absolute path, a hub id as given: the cache key's model part."""
    path = Path(model_id).expanduser()
    return str(path.resolve()) if path.is_dir() else model_id


class ClassifierCache:
    """JSON records and named arrays per (kind, model, text); reads and writes are safe from any thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            for table, column in (("outputs", "record TEXT"), ("arrays", "data BLOB")):
                self._db.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (kind TEXT NOT NULL, model TEXT NOT NULL,"
                    f" text TEXT NOT NULL, {column} NOT NULL, PRIMARY KEY (kind, model, text))"
                )

    def _rows(self, table: str, kind: str, model: str, texts: Iterable[str]) -> Iterator[tuple[str, Any]]:
        """(text, stored value) of the cached texts among `texts`, read 500 at a time."""
        column = "record" if table == "outputs" else "data"
        wanted = list(dict.fromkeys(texts))
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                yield from self._db.execute(
                    f"SELECT text, {column} FROM {table} WHERE kind = ? AND model = ? AND text IN ({marks})",
                    [kind, model, *chunk],
                ).fetchall()

    def get_many(self, kind: str, model: str, texts: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The cached records among `texts` (missing texts are absent from the result)."""
        return {text: json.loads(record) for text, record in self._rows("outputs", kind, model, texts)}

    def get_arrays(self, kind: str, model: str, texts: Iterable[str]) -> dict[str, dict[str, np.ndarray]]:
        """The cached named arrays among `texts`, exactly as stored (missing texts are absent)."""
        found = {}
        for text, data in self._rows("arrays", kind, model, texts):
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                found[text] = {name: arrays[name] for name in arrays.files}
        return found

    def put_arrays(self, kind: str, model: str, arrays: Mapping[str, Mapping[str, np.ndarray]]) -> None:
        """Store each text's named arrays (an uncompressed `.npz`: dtype and shape kept, no pickle)."""
        rows = []
        for text, named in arrays.items():
            buffer = io.BytesIO()
            members: dict[str, Any] = dict(named)
            np.savez(buffer, **members)
            rows.append((kind, model, text, buffer.getvalue()))
        if rows:
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO arrays VALUES (?, ?, ?, ?)", rows)

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
