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

from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from realtalk_evals.ei import (
    EI_ATTRIBUTES,
    MessageEI,
    classify_messages,
    message_labels,
    speaker_level_by_conversation,
)
from realtalk_evals.ei.store import JudgedEI
from realtalk_evals.local_models.settings import LocalModels
from realtalk_evals.metrics import count, short_metric
from realtalk_evals.score_keys import EI_METADATA, MESSAGE_EI, failures_key

NUMERIC_LABELS: tuple[str, ...] = ("reflective", "grounding", "empathy", "intimacy")
"""Labels a mean can aggregate (booleans as 0/1); sentiment and emotion are categorical (metadata only)."""


LABELLED = "labelled"
"""Value key: 1 when all six labels of the message were measured (its mean, the share of fully labelled
messages, is the task's headline: never NaN on a run that scored a message)."""


def message_values(record: MessageEI) -> dict[str, float]:
    """`labelled`, the numeric labels (NaN where not measured) and `<attribute>_failures` (0 or 1)."""
    values: dict[str, float] = {LABELLED: float(not record.failures)}
    for name in NUMERIC_LABELS:
        value = getattr(record, name)
        values[name] = math.nan if value is None else float(value)
    for attribute in EI_ATTRIBUTES:
        values[failures_key(attribute)] = float(record.failed(attribute))
    return values


SHORT_NAMES: dict[str, str] = {
    "reflective_frequency": "refl_freq",
    "emotion_diversity": "emo_div",
    "sentiment_diversity": "sent_div",
    "grounding_frequency": "grnd_freq",
    "empathy": "epitome",
    "intimacy_progression_linear": "int_lin",
    "intimacy_progression_exp": "int_exp",
    "sentiment_stability": "sent_stab",
    "emotion_stability": "emo_stab",
    "sentiment_alignment": "sent_align",
    "emotion_alignment": "emo_align",
}
"""Speaker-level metric names short enough for the log viewer, in table 7's order."""


def speaker_level_values(scores: list[SampleScore]) -> dict[str, float]:
    """Each speaker-level number's mean over every conversation's speakers (missing ones left out; NaN if none).

    Per-speaker values are left to `realtalk analysis` (table 7), which recomputes them from the samples.
    """
    messages = []
    for sample_score in scores:
        metadata = sample_score.sample_metadata or {}
        ei = (sample_score.score.metadata or {}).get(EI_METADATA, {})
        labels = message_labels(int(metadata["session"]), str(metadata["speaker"]), ei)
        messages.append((str(metadata["conversation_id"]), int(metadata["position"]), labels))
    speakers = [
        numbers
        for conversation in speaker_level_by_conversation(messages).values()
        for numbers in conversation.values()
    ]
    result = {}
    for name, short in SHORT_NAMES.items():
        present = [value for numbers in speakers if (value := numbers.get(name)) is not None]
        result[short] = sum(present) / len(present) if present else math.nan
    return result


@short_metric
def speaker_level() -> Metric:
    """Speaker-level EI (paper section 4.3): each number averaged over the run's speakers, short names."""
    return speaker_level_values


@scorer(
    # every metric under a value key (a scorer-level metric would make Inspect's viewer show the whole value);
    # the speaker-level numbers come with the headline
    metrics={
        LABELLED: [mean(), speaker_level()],
        **{name: [mean(), stderr()] for name in NUMERIC_LABELS},
        **{failures_key(attribute): [count()] for attribute in EI_ATTRIBUTES},
    },
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
            explanation="; ".join(
                [record.labels_text(), *(f"{f.attribute}: {f.error}" for f in record.failures)]
            ),
            metadata={EI_METADATA: record.model_dump()},
        )

    return score
