"""Where a question's evidence lies: the session of each evidence turn, or None for an id naming no turn.

188 of REALTALK's 1,742 evidence ids name no message (gaps in the dia_ids, typos such as `D17;39`, empty
strings); they are counted and left out of evidence recall's denominator (docs/fidelity.md). LoCoMo's loader
already keeps such ids apart (`unresolved_evidence`); they are counted the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from inspect_ai.dataset import Sample

from realtalk_evals.data.records import Conversation


def turn_sessions(conversation: Conversation) -> dict[str, int]:
    """dia_id -> session number of every message."""
    return {
        message.dia_id: session.number for session in conversation.sessions for message in session.messages
    }


def evidence_sessions(conversation: Conversation, evidence: Iterable[str]) -> dict[str, int | None]:
    """Each evidence id with its turn's session, None when it names no turn of the conversation."""
    sessions = turn_sessions(conversation)
    return {dia_id: sessions.get(dia_id) for dia_id in evidence}


def annotate_evidence(samples: Iterable[Sample], conversations: Mapping[str, Conversation]) -> None:
    """Add `evidence_sessions` to each sample's metadata (for evidence recall), from its `evidence` list and
    LoCoMo's `unresolved_evidence` (ids its loader found naming no turn)."""
    for sample in samples:
        metadata = sample.metadata if sample.metadata is not None else {}
        conversation = conversations[metadata["conversation_id"]]
        evidence = [*metadata.get("evidence", []), *metadata.get("unresolved_evidence", [])]
        metadata["evidence_sessions"] = evidence_sessions(conversation, evidence)
        sample.metadata = metadata
