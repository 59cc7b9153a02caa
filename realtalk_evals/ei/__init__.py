"""Message-level emotional-intelligence (EI) attributes of the REALTALK paper (section 4.2, appendix C).

Reusable by any benchmark or analysis: `MessageEI` (the record), `judges` (reflectiveness, grounding act and
empathy by a grader model), `classifiers` (sentiment, emotion and intimacy by local transformers models,
batched and cached), `assess_messages` (all six for a list of messages in their dialogue context), and
`speaker_level_ei` (section 4.3: the speaker-level numbers of a conversation from its messages' labels).
"""

from realtalk_evals.ei.assess import assess_messages
from realtalk_evals.ei.classifiers import ClassifierSettings, classify_messages
from realtalk_evals.ei.judges import dialogue_line, judge_message, parse_empathy, parse_true_false
from realtalk_evals.ei.record import EI_ATTRIBUTES, EIAttribute, EIFailure, MessageEI, MessageInContext
from realtalk_evals.ei.speaker_level import (
    SPEAKER_METRICS,
    PersonaConsistency,
    SpeakerEI,
    message_labels,
    persona_consistency,
    speaker_level_by_conversation,
    speaker_level_ei,
)

__all__ = [
    "EI_ATTRIBUTES",
    "SPEAKER_METRICS",
    "ClassifierSettings",
    "EIAttribute",
    "EIFailure",
    "MessageEI",
    "MessageInContext",
    "PersonaConsistency",
    "SpeakerEI",
    "assess_messages",
    "classify_messages",
    "dialogue_line",
    "judge_message",
    "message_labels",
    "parse_empathy",
    "parse_true_false",
    "persona_consistency",
    "speaker_level_by_conversation",
    "speaker_level_ei",
]
