"""Message-level emotional-intelligence (EI) attributes of the REALTALK paper (section 4.2, appendix C).

Reusable by any benchmark or analysis: `MessageEI` (the record), `judges` (reflectiveness, grounding act and
empathy by a grader model), `classifiers` (sentiment, emotion and intimacy by local transformers models,
batched and cached), and `assess_messages` (all six for a list of messages in their dialogue context).
"""

from realtalk_evals.ei.assess import assess_messages
from realtalk_evals.ei.classifiers import ClassifierSettings, classify_messages
from realtalk_evals.ei.judges import dialogue_line, judge_message, parse_empathy, parse_true_false
from realtalk_evals.ei.record import EI_ATTRIBUTES, EIAttribute, EIFailure, MessageEI, MessageInContext

__all__ = [
    "EI_ATTRIBUTES",
    "ClassifierSettings",
    "EIAttribute",
    "EIFailure",
    "MessageEI",
    "MessageInContext",
    "assess_messages",
    "classify_messages",
    "dialogue_line",
    "judge_message",
    "parse_empathy",
    "parse_true_false",
]
