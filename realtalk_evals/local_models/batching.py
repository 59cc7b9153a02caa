"""Batch local-model inference across concurrent samples, off Inspect's event loop.

Inspect scores samples concurrently, each wanting a few texts classified. A `MicroBatcher` gathers the items
that arrive within a few milliseconds (and all that arrive while a batch is running) into one batch, runs it
in a worker thread under a named Inspect concurrency limit, and hands each caller its own results. Batchers
live per event loop (an anyio RunVar), so consecutive `eval()` calls never share a lock across loops.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from inspect_ai.util import concurrency

Item = TypeVar("Item", bound=Hashable)
Result = TypeVar("Result")

LOCAL_MODELS_CONCURRENCY = "realtalk-classifiers"
"""The Inspect concurrency limit shared by the EI classifiers and BERTScore (they share the CPU or GPU)."""

LOCAL_MODELS_CONCURRENCY_ENV = "REALTALK_LOCAL_MODELS_CONCURRENCY"
"""How many local-model batches (of different models) may run at once (default 1: they share the CPU or GPU).
With 2 on a 2-core CPU and `REALTALK_TORCH_THREADS=1`, a classifier batch and a BERTScore batch run side by
side, one core each (benchmarks/README.md)."""


def local_models_concurrency() -> int:
    """$REALTALK_LOCAL_MODELS_CONCURRENCY, or 1."""
    value = os.environ.get(LOCAL_MODELS_CONCURRENCY_ENV, "1")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{LOCAL_MODELS_CONCURRENCY_ENV} must be a positive integer, got {value}")
    return int(value)


DEFAULT_WAIT_S = 0.005
DEFAULT_MAX_BATCH = 64
RECENT_RESULTS = 20_000
"""How many results a batcher remembers, so that an item requested again while its batch ran is not rerun."""


@dataclass
class BatcherStats:
    """What a batcher did, for benchmarks: how many batches and items, and seconds spent inferring."""

    batches: int = 0
    items: int = 0
    busy_s: float = 0.0


@dataclass
class _Request(Generic[Item, Result]):
    items: list[Item]
    results: list[Result] | None = None
    error: BaseException | None = None


@dataclass
class MicroBatcher(Generic[Item, Result]):
    """Runs `run(items) -> results` (one result per item, in order) on batches gathered from many callers.

    Items must be hashable: a batch holds each distinct item once.
    """

    run: Callable[[list[Item]], list[Result]]
    max_batch: int = DEFAULT_MAX_BATCH
    wait_s: float = DEFAULT_WAIT_S
    limit: int = field(default_factory=local_models_concurrency)
    stats: BatcherStats = field(default_factory=BatcherStats)
    _pending: list[_Request[Item, Result]] = field(default_factory=list)
    _lock: anyio.Lock = field(default_factory=anyio.Lock)
    _recent: dict[Item, Result] = field(default_factory=dict)

    async def submit(self, items: Sequence[Item]) -> list[Result]:
        """Results for `items`, computed in some batch together with other callers' items."""
        if not items:
            return []
        request: _Request[Item, Result] = _Request(list(items))
        self._pending.append(request)
        await anyio.sleep(self.wait_s)
        async with self._lock:
            # An earlier lock holder may have run this request in its batch; if that holder was cancelled
            # before handing results back, the request is no longer pending and is run here.
            if request.results is None and request.error is None:
                await self._run_batch(self._take_batch(request))
        if request.error is not None:
            raise request.error
        assert request.results is not None
        return request.results

    def _take_batch(self, first: _Request[Item, Result]) -> list[_Request[Item, Result]]:
        batch, size = [first], len(first.items)
        remaining = []
        for request in self._pending:
            if request is first:
                continue
            if size + len(request.items) <= self.max_batch and request.results is None:
                batch.append(request)
                size += len(request.items)
            else:
                remaining.append(request)
        self._pending = remaining
        return batch

    async def _run_batch(self, batch: list[_Request[Item, Result]]) -> None:
        # An item asked for by several callers (a repeated prediction), in this batch or an earlier one while
        # it ran, is run once: batches run one at a time and remember their results.
        wanted = list(dict.fromkeys(item for request in batch for item in request.items))
        items = [item for item in wanted if item not in self._recent]
        if items:
            async with concurrency(LOCAL_MODELS_CONCURRENCY, self.limit):
                started = time.perf_counter()
                try:
                    results = await anyio.to_thread.run_sync(self.run, items)
                    if len(results) != len(items):
                        raise RuntimeError(f"batch of {len(items)} items gave {len(results)} results")
                # Handed to every caller of the batch, which re-raises it.
                except Exception as error:  # noqa: BLE001
                    for request in batch:
                        request.error = error
                    return
                finally:
                    self.stats.busy_s += time.perf_counter() - started
            self.stats.batches += 1
            self.stats.items += len(items)
            self._remember(dict(zip(items, results, strict=True)))
        for request in batch:
            request.results = [self._recent[item] for item in request.items]

    def _remember(self, results: dict[Item, Result]) -> None:
        self._recent.update(results)
        for stale in list(self._recent)[: max(0, len(self._recent) - RECENT_RESULTS)]:
            del self._recent[stale]


_BATCHERS: RunVar[dict[Hashable, MicroBatcher[Any, Any]]] = RunVar("realtalk_batchers")
_STATS: dict[Hashable, BatcherStats] = {}


def batcher(key: Hashable, make: Callable[[], MicroBatcher[Any, Any]]) -> MicroBatcher[Any, Any]:
    """The batcher for `key` in the running event loop, made on first use; stats accumulate per process."""
    try:
        batchers = _BATCHERS.get()
    except LookupError:
        batchers = {}
        _BATCHERS.set(batchers)
    if key not in batchers:
        made = make()
        made.stats = _STATS.setdefault(key, made.stats)
        batchers[key] = made
    return batchers[key]


def batcher_stats() -> dict[Hashable, BatcherStats]:
    """Per-key totals of this process (all event loops), for benchmarks and tests."""
    return dict(_STATS)


def reset_batcher_stats() -> None:
    _STATS.clear()
