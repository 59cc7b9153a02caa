"""Samples of the EI analysis: one per message of a REALTALK or LoCoMo conversation (paper section 4.1).

Consecutive messages of one speaker within a session are merged into one message first (section 4.1, the
same merging as persona simulation); `merge=False` keeps every chat bubble as a message. A message's judges
see the session so far, ending with the message itself, which is also the sample's input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import count
from pathlib import Path
from typing import Any, Literal, get_args

from inspect_ai.dataset import MemoryDataset, Sample

from realtalk_evals.data.locomo import load_locomo_conversations
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.data.records import Conversation, display_name
from realtalk_evals.ei.judges import dialogue_context
from realtalk_evals.ei.record import MessageInContext
from realtalk_evals.persona.samples import (
    Turn,
    conversation_turns,
    merge_messages,
    render_turns,
    reply_bubbles,
)

DatasetName = Literal["realtalk", "locomo"]
DATASET_NAMES: tuple[DatasetName, ...] = get_args(DatasetName)

JUDGE_CALLS_PER_MESSAGE = 3
"""Reflectiveness, grounding act and empathy: one judge call each (plus a repair turn per unreadable reply)."""


def load_dataset(dataset: DatasetName) -> list[Conversation]:
    """All conversations of a dataset, verified and parsed."""
    return load_conversations() if dataset == "realtalk" else load_locomo_conversations()


def resolve_dataset(dataset: str | Path) -> tuple[str, list[Conversation]]:
    """The label and conversations of `realtalk`, `locomo`, or a path to simulated conversations."""
    if isinstance(dataset, str) and dataset in DATASET_NAMES:
        return dataset, load_dataset(dataset)  # type: ignore[arg-type]
    from realtalk_evals.data.simulated import load_simulated

    return load_simulated(dataset)


def message_turns(conversation: Conversation, merge: bool) -> list[list[Turn]]:
    """Messages per session: merged runs of one speaker (section 4.1), or every bubble on its own."""
    if merge:
        return conversation_turns(conversation)
    positions = count()
    return [
        [merge_messages([message], session.number, next(positions))[0] for message in session.messages]
        for session in conversation.sessions
    ]


def message_in_context(metadata: Mapping[str, Any]) -> MessageInContext:
    """What the EI judges assess for a sample: its message and the session before it."""
    return MessageInContext(
        history=metadata["session_history"], speaker=metadata["speaker"], text=metadata["text"]
    )


def conversation_samples(
    conversation: Conversation, dataset: str, merge: bool, sessions: Sequence[int] | None
) -> list[Sample]:
    """One sample per message with text (an image-only message stays in its successors' context)."""
    samples = []
    kind = "m" if merge else "b"
    for turns in message_turns(conversation, merge):
        for position, turn in enumerate(turns):
            if not turn.text or (sessions is not None and turn.session not in sessions):
                continue
            history = render_turns(turns[:position])
            message = MessageInContext(history=history, speaker=turn.speaker, text=turn.text)
            samples.append(
                Sample(
                    id=f"{conversation.id}-s{turn.session:02d}-{kind}{turn.index:04d}",
                    input=dialogue_context(message),
                    metadata={
                        "dataset": dataset,
                        "conversation_id": conversation.id,
                        "conversation_speakers": list(conversation.speakers),
                        "speaker": turn.speaker,
                        "speaker_name": display_name(turn.speaker),
                        "session": turn.session,
                        "position": turn.index,
                        "merged": merge,
                        "dia_ids": list(turn.dia_ids),
                        "bubbles": len(reply_bubbles(turn.reply)),
                        "text": turn.text,
                        "session_history": history,
                    },
                )
            )
    return samples


def ei_dataset(
    conversations: Sequence[Conversation],
    dataset: str,
    merge: bool = True,
    sessions: Sequence[int] | None = None,
) -> MemoryDataset:
    """The samples of the chosen conversations and sessions, in conversation and message order."""
    samples = [
        sample
        for conversation in conversations
        for sample in conversation_samples(conversation, dataset, merge, sessions)
    ]
    return MemoryDataset(samples, name=f"{dataset.replace('/', '_')}_ei_analysis")
