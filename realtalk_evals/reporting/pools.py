"""Which runs pool into one table row: the full run identity, and the pooled samples of the runs that share it.

A run's identity is everything that can change its numbers: the model and its arguments (`-M`, generate
config), the grader(s) and theirs, every task parameter as Inspect logged it with its default
(`eval.task_args`), and the task's version. Only the parameters that choose which samples run
(`SELECTION_ARGS`) are left out, so runs split by conversation or category, or finished by `inspect
eval-retry`, pool into one row, each sample counted once (`id:epoch`; a later log's copy replaces an
earlier one). Every section groups by this identity (or by it less one setting when it compares that
setting, e.g. the dataset), and averages each question's epochs before taking a mean.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from inspect_ai.log import EvalSample

from realtalk_evals.judging.ask import PAPER_GRADER
from realtalk_evals.reporting.runs import Run, failure_count, score_value
from realtalk_evals.reporting.sections import Source, sources_of
from realtalk_evals.reporting.stats import finite_mean

SELECTION_ARGS = frozenset(
    {"conversations", "categories", "sessions", "speaker", "max_per_speaker", "exclude_flagged"}
)
"""Task parameters that only choose which samples run: runs that differ in them pool (by sample id)."""
SHOWN_AS_GRADER = frozenset({"graders"})
"""Task parameters that bind the `grader` role: the grader column (read from the binding) shows them."""

MODEL = "model"
MODEL_ARGS = "model args"
GRADER = "grader"
DATASET = "dataset"
TASK_VERSION = "task version"
ALWAYS_SHOWN = (MODEL, GRADER, DATASET)
"""Identity columns every grouped table shows (dataset where the task has one)."""

DEFAULT_GRADER = f"{PAPER_GRADER} (default)"
"""How a run without a `grader` role is shown: its scorers used the paper's judge."""


def shown_value(value: Any) -> str:
    """A setting as a table shows it: text as is, a list comma-separated, anything else as JSON."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(shown_value(item) for item in value)
    return json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class Identity:
    """What a run's numbers depend on, as (column, shown value) pairs; runs pool only when equal."""

    task: str
    settings: tuple[tuple[str, str], ...]
    """Model, model args, grader, then every task parameter but the selection ones, then the task version."""
    hidden: tuple[tuple[str, str], ...] = ()
    """Base URLs: they tell runs apart, but a table shows them only when rows would otherwise look alike."""

    def get(self, name: str) -> str | None:
        return dict(self.settings + self.hidden).get(name)

    def without(self, *names: str) -> Identity:
        """The identity less some settings: runs that differ only in them compare side by side."""
        return replace(self, settings=tuple((n, v) for n, v in self.settings if n not in names))


def _model_args(run: Run) -> str:
    args = {k: v for k, v in (run.log.eval.model_args or {}).items() if v is not None}
    args |= run.log.eval.model_generate_config.model_dump(exclude_none=True)
    return ", ".join(f"{key}={shown_value(value)}" for key, value in sorted(args.items()))


def _grader_urls(run: Run) -> str:
    bound = (run.log.eval.model_roles or {}).get("grader")
    configs = bound if isinstance(bound, list) else [bound] if bound is not None else []
    return ", ".join(config.base_url or "-" for config in configs)


def identity_of(run: Run) -> Identity:
    settings = [(MODEL, run.model), (MODEL_ARGS, _model_args(run)), (GRADER, run.grader or DEFAULT_GRADER)]
    arguments = sorted(run.task_args.items(), key=lambda item: item[0] != DATASET)  # the dataset first
    settings += [
        (name, shown_value(value))
        for name, value in arguments
        if name not in SELECTION_ARGS | SHOWN_AS_GRADER
    ]
    settings.append((TASK_VERSION, str(run.log.eval.task_version)))
    hidden = (("model base URL", run.log.eval.model_base_url or "-"), ("grader base URL", _grader_urls(run)))
    return Identity(run.task, tuple(settings), hidden)


def _chosen(run: Run) -> set[str]:
    """The settings the user chose: the `-T` parameters given and, when any, the model args."""
    chosen = set(run.task_args_passed) - SELECTION_ARGS - SHOWN_AS_GRADER
    return chosen | ({MODEL_ARGS} if _model_args(run) else set())


@dataclass
class Pool:
    """The runs of one identity and their samples, each `id:epoch` once (the latest log's copy)."""

    identity: Identity
    runs: list[Run] = field(default_factory=list)
    entries: dict[str, tuple[str, EvalSample]] = field(default_factory=dict)
    """`id:epoch` -> (the log it was read from, the sample)."""

    @cached_property
    def questions(self) -> dict[str, list[EvalSample]]:
        """Sample id -> its scored epochs, in order of first appearance."""
        grouped: dict[str, list[EvalSample]] = defaultdict(list)
        for _, sample in self.entries.values():
            grouped[str(sample.id)].append(sample)
        return dict(grouped)

    @property
    def epochs(self) -> int:
        """Most epochs of any question."""
        return max((len(epochs) for epochs in self.questions.values()), default=0)

    @property
    def chosen(self) -> set[str]:
        return set().union(*(_chosen(run) for run in self.runs))

    def sources(self, ids: Iterable[str] | None = None) -> list[Source]:
        """The logs and samples behind the questions `ids` (all when None)."""
        wanted = None if ids is None else set(ids)
        return sources_of(
            (log, key)
            for key, (log, sample) in self.entries.items()
            if wanted is None or str(sample.id) in wanted
        )

    def failures(self) -> int:
        """Failed judge verdicts and classifier labels over every pooled sample and epoch."""
        return failure_count(sample for _, sample in self.entries.values())


def pools(runs: Iterable[Run], task: str) -> list[Pool]:
    """The scored samples of `task`'s runs pooled per identity, in order of first appearance."""
    found: dict[Identity, Pool] = {}
    for run in runs:
        if run.task != task:
            continue
        pool = found.setdefault(identity_of(run), Pool(identity_of(run)))
        pool.runs.append(run)
        for sample in run.log.samples or []:
            if sample.scores:
                pool.entries[f"{sample.id}:{sample.epoch}"] = (run.location, sample)
    return list(found.values())


def question_mean(epochs: Iterable[EvalSample], scorer: str, key: str | None = None) -> float:
    """A question's value averaged over its epochs (its scored ones); NaN when none is scored.

    Confidence intervals are over questions: N epochs of one question are not N independent observations.
    """
    return finite_mean(score_value(s, scorer, key) for s in epochs)


def identity_columns(
    identities: Sequence[Identity], chosen: Iterable[str] = (), always: Sequence[str] = ALWAYS_SHOWN
) -> list[str]:
    """The identity columns a table of these rows shows: `always` (where the task has them), every setting
    that differs between rows or that a user chose, and the base URLs only when rows would look alike."""
    chosen = set(chosen)
    names = list(dict.fromkeys(name for identity in identities for name, _ in identity.settings))

    def varies(name: str) -> bool:
        return len({identity.get(name) for identity in identities}) > 1

    shown = [name for name in names if name in always or name in chosen or varies(name)]
    visible = {tuple(identity.get(name) for name in shown) for identity in identities}
    if len(visible) < len(set(identities)):
        shown += [name for name, _ in identities[0].hidden if varies(name)] if identities else []
    return shown


def identity_cells(identity: Identity, columns: Sequence[str]) -> list[str]:
    return [identity.get(name) or "-" for name in columns]


def setting_names(identities: Iterable[Identity]) -> list[str]:
    """Every setting of these identities, in order of first appearance: a CSV file's identity columns (all
    of them, where a table shows those that vary)."""
    return list(dict.fromkeys(name for identity in identities for name, _ in identity.settings))


def pool_columns(chosen_pools: Sequence[Pool], always: Sequence[str] = ALWAYS_SHOWN) -> list[str]:
    """`identity_columns` of pools: the settings that vary between them or that a user chose."""
    return identity_columns(
        [pool.identity for pool in chosen_pools],
        set().union(*(pool.chosen for pool in chosen_pools)),
        always,
    )


def legend_labels(identities: Sequence[Identity], columns: Sequence[str]) -> list[str]:
    """Short names of rows for a plot's legend: the model, then each shown setting whose value differs between
    the rows (`realtalk/mock, reply=Paris, memory=bm25`); every shown setting if that leaves two alike."""

    def name(identity: Identity, settings: Sequence[str]) -> str:
        parts = [identity.get(MODEL) or "-"]
        for setting in settings:
            value = identity.get(setting) or "-"
            parts.append(value if setting == MODEL_ARGS else f"{setting}={value}")
        return ", ".join(parts)

    varying = [c for c in columns if c != MODEL and len({i.get(c) for i in identities}) > 1]
    labels = [name(identity, varying) for identity in identities]
    if len(set(labels)) < len(labels):
        labels = [name(identity, [c for c in columns if c != MODEL]) for identity in identities]
    return labels
