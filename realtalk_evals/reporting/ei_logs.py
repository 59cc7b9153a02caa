"""Read message-level EI labels back from `ei_analysis` logs, through Inspect's log API.

Speaker-level EI is recomputed here from every sample's `MessageEI` (the scorer's metadata), never read from
the logged metric, so logs can be pooled: a run split by conversation or session, or finished by
`inspect eval-retry`, counts as one. Logs are read oldest first and a sample seen again replaces the earlier
copy. Only the first epoch of a sample is used, and only complete runs (an errored, cancelled or empty one is
left out and listed). Pooling logs of one dataset that differ in any setting (judge model and its args,
merging, classifiers; reporting/pools.py) would mix incomparable labels, and is refused.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from realtalk_evals.data.records import parse_conversation_id
from realtalk_evals.ei import EI_ATTRIBUTES, SpeakerEI, message_labels, speaker_level_by_conversation
from realtalk_evals.ei.speaker_level import IntimacyX
from realtalk_evals.reporting.pools import DATASET, Identity, identity_of
from realtalk_evals.reporting.runs import LeftOut, read_log, run_from_log, task_logs
from realtalk_evals.reporting.sections import Source, sources_of
from realtalk_evals.score_keys import EI_METADATA, MESSAGE_EI
from realtalk_evals.task_names import EI_ANALYSIS

logger = logging.getLogger(__name__)


def _chat_order(conversation_id: str) -> tuple[int, str]:
    parsed = parse_conversation_id(conversation_id)
    return (0 if parsed is None else parsed[0], conversation_id)


@dataclass
class LabelledMessage:
    """One message's labels with where it sits in its conversation."""

    conversation_id: str
    speakers: tuple[str, str]
    position: int
    labels: dict[str, Any]
    failed: tuple[str, ...]
    text: str = ""
    bubbles: int = 1
    """Its chat bubbles, counted as persona.style counts them (for the human-likeness gap); logs written
    before the count was recorded: the chat messages merged into it."""
    source: tuple[str, str] = ("", "")
    """(log, `id:epoch`) of the sample it was read from."""


@dataclass
class DatasetLabels:
    """Every labelled message of one dataset (`realtalk` or `locomo`), pooled over its logs."""

    dataset: str
    merge: bool
    identity: Identity | None = None
    """The settings of its logs (model, classifiers, merging, ...), the same in every one."""
    judges: set[str] = field(default_factory=set)
    logs: list[str] = field(default_factory=list)
    messages: dict[str, LabelledMessage] = field(default_factory=dict)
    """By sample id."""
    unscored: int = 0
    """Samples of the logs without a score (errors, cancelled runs)."""

    def conversation_ids(self) -> list[str]:
        """Conversations with labelled messages, in chat-number order."""
        ids = {message.conversation_id for message in self.messages.values()}
        return sorted(ids, key=_chat_order)

    def speakers(self, conversation_id: str) -> tuple[str, str]:
        return next(m.speakers for m in self.messages.values() if m.conversation_id == conversation_id)

    def speaker_ei(self, intimacy_x: IntimacyX = "position") -> dict[str, dict[str, SpeakerEI]]:
        """Conversation -> speaker -> speaker-level EI (speakers in the data's order, absent ones left out)."""
        measured = speaker_level_by_conversation(
            ((m.conversation_id, m.position, m.labels) for m in self.messages.values()), intimacy_x
        )
        return {
            conversation_id: {
                s: measured[conversation_id][s]
                for s in self.speakers(conversation_id)
                if s in measured[conversation_id]
            }
            for conversation_id in self.conversation_ids()
        }

    def sources(self, conversation_id: str | None = None) -> list[Source]:
        """The logs and samples of the messages of one conversation (all when None)."""
        return sources_of(
            m.source for m in self.messages.values() if conversation_id in (None, m.conversation_id)
        )

    def message_counts(self) -> dict[tuple[str, str], int]:
        """(conversation, speaker) -> labelled messages."""
        return dict(Counter((m.conversation_id, m.labels["speaker"]) for m in self.messages.values()))

    def failures(self) -> dict[str, int]:
        """Attribute -> messages whose label for it failed."""
        counts = Counter(attribute for m in self.messages.values() for attribute in m.failed)
        return {attribute: counts[attribute] for attribute in EI_ATTRIBUTES}


def _differences(new: Identity, old: Identity) -> tuple[str, str]:
    """The settings in which two identities differ, as `name=value` lists of each."""
    before, after = dict(old.settings), dict(new.settings)
    names = [name for name in dict.fromkeys([*after, *before]) if after.get(name) != before.get(name)]
    return (
        ", ".join(f"{name}={after.get(name, '-')}" for name in names),
        ", ".join(f"{name}={before.get(name, '-')}" for name in names),
    )


@dataclass
class Labels:
    """The labels of every analysed dataset, and the logs left out (errored, cancelled, nothing scored)."""

    datasets: dict[str, DatasetLabels] = field(default_factory=dict)
    left_out: list[LeftOut] = field(default_factory=list)


def _add_log(found: Labels, location: str) -> None:
    log = read_log(location)
    if log is None:
        return
    run = run_from_log(log, {})
    if run.problem is not None:
        logger.warning("leaving out %s: %s", location, run.problem)
        found.left_out.append(LeftOut(location, run.task, run.model, run.status, run.problem))
        return
    metadata = log.eval.metadata or {}
    dataset, merge = str(metadata.get("dataset", "realtalk")), bool(metadata.get("merge", True))
    identity = identity_of(run).without(DATASET)
    labels = found.datasets.setdefault(
        dataset, DatasetLabels(dataset=dataset, merge=merge, identity=identity)
    )
    if labels.identity is not None and labels.identity != identity:
        new, old = _differences(identity, labels.identity)
        raise ValueError(
            f"{location}: {dataset} labelled with {new}, but earlier logs with {old}; "
            "analyse one setting at a time (one judge, one merging, the same classifiers)"
        )
    labels.judges.add(log.eval.model)
    labels.logs.append(location)
    for sample in log.samples or []:
        if sample.epoch != 1:
            continue
        score = (sample.scores or {}).get(MESSAGE_EI)
        if score is None or not (score.metadata or {}).get(EI_METADATA):
            labels.unscored += 1
            continue
        ei = score.metadata[EI_METADATA]  # type: ignore[index]
        meta = sample.metadata
        labels.messages[str(sample.id)] = LabelledMessage(
            conversation_id=str(meta["conversation_id"]),
            speakers=tuple(meta["conversation_speakers"]),  # type: ignore[arg-type]
            position=int(meta["position"]),
            labels=message_labels(int(meta["session"]), str(meta["speaker"]), ei),
            failed=tuple(failure["attribute"] for failure in ei.get("failures", [])),
            text=str(meta.get("text", "")),
            bubbles=int(meta.get("bubbles") or len(meta.get("dia_ids") or [None])),
            source=(location, f"{sample.id}:{sample.epoch}"),
        )


def load_labels(paths: Iterable[str | Path]) -> Labels:
    """Dataset name -> its pooled labels, from the complete `ei_analysis` logs under `paths` (other tasks'
    logs skipped; errored, cancelled or empty runs left out with their reason)."""
    found = Labels()
    for location in task_logs(paths, [EI_ANALYSIS]):
        _add_log(found, location)
    if not found.datasets and not found.left_out:
        raise ValueError(f"no {EI_ANALYSIS} log found")
    return found
