"""Scorer of the EI analysis: each message's full message-level EI, and speaker-level EI per conversation.

The judges' labels come from the solver (the model under test judges); the sentiment, emotion and intimacy
classifiers run here, batched across samples in a worker thread and cached persistently, as in persona
simulation. A sample's `Score.value` holds its numeric labels (NaN where a label failed) and per-attribute
failure counts; `Score.metadata["ei"]` holds the whole `MessageEI`, which the speaker-level metric and the
`realtalk analysis` command read.
"""

from __future__ import annotations

import math
from typing import Any

from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, mean, metric, scorer, stderr
from inspect_ai.solver import TaskState

from realtalk_evals.ei import (
    EI_ATTRIBUTES,
    MessageEI,
    classify_messages,
    message_labels,
    speaker_level_by_conversation,
)
from realtalk_evals.ei.store import JudgedEI
from realtalk_evals.local_models import LocalModels
from realtalk_evals.metrics import count
from realtalk_evals.score_keys import EI_METADATA, MESSAGE_EI, failures_key

NUMERIC_LABELS: tuple[str, ...] = ("reflective", "grounding", "empathy", "intimacy")
"""Labels a mean can aggregate (booleans as 0/1); sentiment and emotion are categorical (metadata only)."""


def message_values(record: MessageEI) -> dict[str, float]:
    """The numeric labels (NaN where not measured) and `<attribute>_failures` (0 or 1)."""
    values: dict[str, float] = {}
    for name in NUMERIC_LABELS:
        value = getattr(record, name)
        values[name] = math.nan if value is None else float(value)
    for attribute in EI_ATTRIBUTES:
        values[failures_key(attribute)] = float(record.failed(attribute))
    return values


def speaker_level_values(scores: list[SampleScore]) -> dict[str, float]:
    """`<conversation>/<speaker>/<metric>` for every conversation and speaker in the scores (missing left out)."""
    messages = []
    for sample_score in scores:
        metadata = sample_score.sample_metadata or {}
        ei = (sample_score.score.metadata or {}).get(EI_METADATA, {})
        labels = message_labels(int(metadata["session"]), str(metadata["speaker"]), ei)
        messages.append((str(metadata["conversation_id"]), int(metadata["position"]), labels))
    return {
        f"{conversation_id}/{speaker}/{name}": value
        for conversation_id, speakers in speaker_level_by_conversation(messages).items()
        for speaker, numbers in speakers.items()
        for name, value in numbers.items()
        if value is not None
    }


@metric
def speaker_level() -> Metric:
    """Speaker-level EI (paper section 4.3) of every conversation and speaker, from the samples' labels."""
    return speaker_level_values


@scorer(
    metrics=[
        {name: [mean(), stderr()] for name in NUMERIC_LABELS},
        {failures_key(attribute): [count()] for attribute in EI_ATTRIBUTES},
        speaker_level(),
    ],
    name=MESSAGE_EI,
)
def message_ei(models: LocalModels | dict[str, Any] | None = None) -> Scorer:
    """The message's six EI labels: the solver's three judged ones and the three classifiers' ones.

    Args:
        models: The local models (the classifiers); default `LocalModels.resolve()`.
    """
    settings = LocalModels.of(models).classifiers

    async def score(state: TaskState, target: Target) -> Score:
        judged = state.store_as(JudgedEI).record
        if judged is None:
            raise RuntimeError("no judged EI in the sample's store: message_ei needs the ei_judges solver")
        [classified] = await classify_messages(settings, [state.metadata["text"]])
        record = MessageEI.model_validate(judged).merged(classified)
        return Score(
            value=message_values(record),
            answer=record.labels_text(),
            explanation="; ".join(f"{f.attribute}: {f.error}" for f in record.failures) or None,
            metadata={EI_METADATA: record.model_dump()},
        )

    return score
