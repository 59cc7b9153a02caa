"""What the EI library measures for one message, and what it measures it from.

Every attribute is optional: a judge reply that cannot be read or a classifier error leaves the attribute
None and adds an `EIFailure` that keeps the error and any raw replies, so a failure is counted, never filled
in with a made-up label.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EIAttribute = Literal["reflective", "grounding", "empathy", "sentiment", "emotion", "intimacy"]

EI_ATTRIBUTES: tuple[EIAttribute, ...] = (
    "reflective",
    "grounding",
    "empathy",
    "sentiment",
    "emotion",
    "intimacy",
)
"""The message-level attributes of the paper's section 4.2, in the order of its table 2."""

EMPATHY_COMPONENTS: tuple[str, ...] = ("emotional_reaction", "interpretation", "exploration")
"""The three EPITOME components of appendix C.3, each scored 0-2."""


class MessageInContext(BaseModel):
    """A message to assess and the session it was sent in.

    `history` is the earlier messages of the session, already rendered one `Name: text` line each (empty at a
    session's start); the judges see it followed by this message's own line.
    """

    model_config = ConfigDict(frozen=True)

    history: str
    speaker: str
    text: str


class EIFailure(BaseModel):
    """One attribute that could not be measured: why, and the raw judge replies when there were any."""

    model_config = ConfigDict(frozen=True)

    attribute: EIAttribute
    error: str
    raw: list[str] = Field(default_factory=list)


def _rounded(value: object) -> object:
    """A float to 3 decimals for reading (`intimacy=0.180`), whole numbers as integers; other values as is."""
    if isinstance(value, float) and not isinstance(value, bool):
        return int(value) if value.is_integer() else f"{value:.3f}"
    return value


class MessageEI(BaseModel):
    """Message-level EI (paper section 4.2); None where the attribute was not measured or failed."""

    reflective: bool | None = None
    grounding: bool | None = None
    empathy: int | None = None
    """Sum of the three EPITOME components, 0-6."""
    empathy_components: dict[str, int] | None = None
    sentiment: str | None = None
    """negative, neutral or positive (the sentiment classifier's labels)."""
    emotion: str | None = None
    """The emotion classifier's top label (one of 11)."""
    intimacy: float | None = None
    """The intimacy regressor's raw output, as the released pipeline returns it (no sigmoid)."""
    failures: list[EIFailure] = Field(default_factory=list)

    def failed(self, attribute: EIAttribute) -> bool:
        return any(failure.attribute == attribute for failure in self.failures)

    def labels_text(self) -> str:
        """The labels as `name=value, ...`, None where not measured (a score's answer or explanation)."""
        shown = self.model_dump(exclude={"failures", "empathy_components"})
        return ", ".join(f"{name}={_rounded(value)}" for name, value in shown.items())

    def merged(self, other: MessageEI) -> MessageEI:
        """This record with `other`'s measured attributes and failures added (judges + classifiers)."""
        update = {
            name: value for name, value in other.model_dump(exclude={"failures"}).items() if value is not None
        }
        return self.model_copy(update={**update, "failures": [*self.failures, *other.failures]})

    @classmethod
    def combined(cls, records: Iterable[MessageEI]) -> MessageEI:
        """One record of several partial ones (one per judge or classifier), merged in order."""
        return reduce(cls.merged, records, cls())
