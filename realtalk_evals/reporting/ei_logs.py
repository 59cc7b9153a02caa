"""Read message-level EI labels back from `ei_analysis` logs, through Inspect's log API.

Speaker-level EI is recomputed here from every sample's `MessageEI` (the scorer's metadata), never read from
the logged metric, so logs can be pooled: a run split by conversation or session, or finished by
`inspect eval-retry`, counts as one. Logs are read oldest first and a sample seen again replaces the earlier
copy. Only the first epoch of a sample is used. Pooling logs of one dataset that differ in merging or in the
judge model would mix incomparable labels, and is refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from realtalk_evals.data.records import parse_conversation_id
from realtalk_evals.ei import EI_ATTRIBUTES, SpeakerEI, message_labels, speaker_level_by_conversation
from realtalk_evals.ei.speaker_level import IntimacyX
from realtalk_evals.reporting.runs import read_log, task_logs
from realtalk_evals.score_keys import EI_METADATA, MESSAGE_EI
from realtalk_evals.task_names import EI_ANALYSIS


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
    """The chat messages merged into it (its style statistics, for the human-likeness gap)."""


@dataclass
class DatasetLabels:
    """Every labelled message of one dataset (`realtalk` or `locomo`), pooled over its logs."""

    dataset: str
    merge: bool
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

    def message_counts(self) -> dict[tuple[str, str], int]:
        """(conversation, speaker) -> labelled messages."""
        return dict(Counter((m.conversation_id, m.labels["speaker"]) for m in self.messages.values()))

    def failures(self) -> dict[str, int]:
        """Attribute -> messages whose label for it failed."""
        counts = Counter(attribute for m in self.messages.values() for attribute in m.failed)
        return {attribute: counts[attribute] for attribute in EI_ATTRIBUTES}


def _add_log(found: dict[str, DatasetLabels], location: str) -> None:
    log = read_log(location)
    if log is None:
        return
    metadata = log.eval.metadata or {}
    dataset, merge = str(metadata.get("dataset", "realtalk")), bool(metadata.get("merge", True))
    labels = found.setdefault(dataset, DatasetLabels(dataset=dataset, merge=merge))
    if labels.merge != merge:
        raise ValueError(
            f"{location}: {dataset} messages merged={merge}, but earlier logs have merged={labels.merge}; "
            "analyse one setting at a time"
        )
    if labels.judges and log.eval.model not in labels.judges:
        raise ValueError(
            f"{location}: {dataset} judged by {log.eval.model}, earlier logs by {', '.join(labels.judges)}; "
            "analyse one judge at a time"
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
            bubbles=len(meta.get("dia_ids") or [None]),
        )


def load_labels(paths: Iterable[str | Path]) -> dict[str, DatasetLabels]:
    """Dataset name -> its pooled labels, from the `ei_analysis` logs under `paths` (other logs skipped)."""
    found: dict[str, DatasetLabels] = {}
    for location in task_logs(paths, [EI_ANALYSIS]):
        _add_log(found, location)
    if not found:
        raise ValueError(f"no {EI_ANALYSIS} log found")
    return found
