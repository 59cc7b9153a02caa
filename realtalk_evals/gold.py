"""The gold reference answer: the sample's target given as the reply, without a model call.

Both tasks' `gold` solvers use it, as a self-check of the scorers and a reference row in reports.
"""

from __future__ import annotations

from inspect_ai.model import ChatMessageAssistant, ModelOutput
from inspect_ai.solver import TaskState

GOLD_MODEL = "gold"
"""The model name recorded on gold replies."""


def answer_with(state: TaskState, answer: str, model: str = GOLD_MODEL) -> TaskState:
    """Append `answer` as the assistant's reply (recorded as `model`'s) and make it the sample's output."""
    state.messages.append(ChatMessageAssistant(content=answer, model=model))
    state.output = ModelOutput.from_content(model=model, content=answer)
    return state


def answer_with_target(state: TaskState) -> TaskState:
    """Append the target as the assistant's reply and make it the sample's output."""
    return answer_with(state, state.target.text)
