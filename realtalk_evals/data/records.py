"""Typed records for a REALTALK conversation, parsed from the upstream JSON layout.

Upstream keeps a conversation as one flat object (`session_N`, `session_N_date_time`, `events_session_N`,
`qa`, `name`). These models give it a shape the rest of the project can rely on, and absorb the quirks of the
real files: `dia_id`s that do not restart per session, empty event dates, speaker names whose case differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

CATEGORY_NAMES: dict[int, str] = {1: "multi_hop", 2: "temporal", 3: "commonsense"}
"""Question categories of the paper (section 3.2); the ints are the ones in the data files."""

CategoryName = Literal["multi_hop", "temporal", "commonsense"]

LOCOMO_CATEGORY_NAMES: dict[int, str] = {
    1: "multi_hop",
    2: "temporal",
    3: "open_domain",
    4: "single_hop",
    5: "adversarial",
}
"""LoCoMo's categories as its released evaluation code treats them (the mapping to published numberings is in
docs/fidelity.md, "LoCoMo memory probing"); 1-3 match REALTALK's numbers, with open_domain as commonsense."""

REALTALK_TIMESTAMP_FORMAT = "%d.%m.%Y, %H:%M:%S"


def parse_timestamp(value: object) -> datetime | None:
    """Parse the upstream `DD.MM.YYYY, HH:MM:SS` stamps; empty means unknown."""
    if value is None or isinstance(value, datetime):
        return value
    text = str(value).strip()
    if not text:
        return None
    return datetime.strptime(text, REALTALK_TIMESTAMP_FORMAT)


_CONVERSATION_ID = re.compile(r"^Chat_(\d+)_(.+)$")


def parse_conversation_id(conversation_id: str) -> tuple[int, str] | None:
    """`Chat_7_Nebraas_Vanessa` (a file stem, REALTALK or LoCoMo) -> (7, `Nebraas_Vanessa`); None otherwise."""
    match = _CONVERSATION_ID.match(conversation_id)
    return None if match is None else (int(match.group(1)), match.group(2))


def find_speaker(name: str, speakers: Iterable[str]) -> str | None:
    """The speaker spelled as in the data for `name` in any case and spacing, or None."""
    wanted = name.strip().casefold()
    return next((speaker for speaker in speakers if speaker.casefold() == wanted), None)


_DIALOGUE_ID = re.compile(r"^D:?(\d+):(\d+)$")
_ID_RANGE = re.compile(r"^D:?(\d+):(\d+)-(?:D:?(\d+):)?(\d+)$")
_ID_SEPARATORS = re.compile(r"[;,\s]+|:(?=D)")
_SPACED_ID = re.compile(r"\bD\s+(?=\d)")


def evidence_ids(value: object) -> list[str]:
    """The turn ids in one evidence field of REALTALK or LoCoMo (a string or a list of strings), split, expanded
    and written canonically, each once, in order; what is no id at all is kept as given (it names no turn).

    The released files write several ids in one string (`D1:11; D3:18`, `D9:1 D4:4`, `D8:6,D9:17`,
    `D13:45:D20:19`), ranges (`D12:3-D12:5`, `D12:3-5`: every turn from the first to the last, within one
    session), trailing full stops (`D5:3.`), a space after the `D` (`D 2:18`), a colon after it (`D:11:26` ->
    `D11:26`) and leading zeros (`D30:05` -> `D30:5`). An empty string holds no id.
    """
    items = value if isinstance(value, list) else [value]
    ids: list[str] = []
    for item in items:
        for part in _ID_SEPARATORS.split(_SPACED_ID.sub("D", str(item))):
            part = part.rstrip(".")
            if not part:
                continue
            span = _ID_RANGE.match(part)
            if span and span.group(3) in (None, span.group(1)) and int(span.group(2)) <= int(span.group(4)):
                session = int(span.group(1))
                ids += [f"D{session}:{turn}" for turn in range(int(span.group(2)), int(span.group(4)) + 1)]
                continue
            match = _DIALOGUE_ID.match(part)
            ids.append(f"D{int(match.group(1))}:{int(match.group(2))}" if match else part)
    return list(dict.fromkeys(ids))


def _empty_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


Timestamp = Annotated[datetime | None, BeforeValidator(parse_timestamp)]


class Message(BaseModel):
    """One chat bubble, as sent."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    speaker: str
    text: str = Field(alias="clean_text")
    dia_id: str
    timestamp: Timestamp = Field(default=None, alias="date_time")
    image_caption: Annotated[str | None, BeforeValidator(_empty_to_none)] = Field(
        default=None, alias="blip_caption"
    )
    image_files: list[str] = Field(default_factory=list, alias="img_file")


class Event(BaseModel):
    """A key event annotated for one speaker at the end of a session."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    text: str = Field(alias="sub-event")
    date: Annotated[str | None, BeforeValidator(_empty_to_none)] = None
    id: str = ""
    caused_by: list[str] = Field(default_factory=list)


class SessionEvents(BaseModel):
    """Events per speaker; upstream calls speaker_1 `agent_a` and speaker_2 `agent_b`."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    speaker_1: list[Event] = Field(default_factory=list, alias="agent_a")
    speaker_2: list[Event] = Field(default_factory=list, alias="agent_b")


class Observation(BaseModel):
    """A fact LoCoMo extracted from one session about one speaker, with the turns it came from."""

    model_config = ConfigDict(frozen=True)

    speaker: str
    text: str
    evidence: list[str] = Field(default_factory=list)


class Session(BaseModel):
    """One day's exchange: its number (1-based, as in the file), start time, messages and events.

    LoCoMo sessions also keep the date as the file writes it (`date_label`, shown in prompts instead of the D.2
    date style), and LoCoMo's own memory sources: a summary and per-speaker observations.
    """

    model_config = ConfigDict(frozen=True)

    number: int
    date_time: datetime
    messages: list[Message]
    events: SessionEvents = Field(default_factory=SessionEvents)
    date_label: str | None = None
    summary: str | None = None
    observations: list[Observation] = Field(default_factory=list)


class QA(BaseModel):
    """A memory-probing question with its gold answer and evidence `dia_id`s (split by `evidence_ids`)."""

    model_config = ConfigDict(frozen=True)

    question: str
    answer: Annotated[str, BeforeValidator(str)]
    evidence: Annotated[list[str], BeforeValidator(evidence_ids)] = Field(default_factory=list)
    category: Literal[1, 2, 3]

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES[self.category]


def _str_or_none(value: object) -> object:
    return None if value is None else str(value)


OptionalText = Annotated[str | None, BeforeValidator(_str_or_none)]


class LocomoQA(BaseModel):
    """A LoCoMo question (categories 1-5 of LOCOMO_CATEGORY_NAMES).

    Adversarial (5) questions have no `answer` but the trap `adversarial_answer` (two also keep an `answer`,
    which no score uses); integer answers become text. `evidence` holds the ids that name a turn, `unresolved_evidence` the others.
    """

    model_config = ConfigDict(frozen=True)

    question: str
    answer: OptionalText = None
    adversarial_answer: OptionalText = None
    evidence: list[str] = Field(default_factory=list)
    unresolved_evidence: list[str] = Field(default_factory=list)
    category: Literal[1, 2, 3, 4, 5]

    @model_validator(mode="after")
    def _has_its_answer(self) -> LocomoQA:
        if self.answer is None and (self.category != 5 or self.adversarial_answer is None):
            needs = "`adversarial_answer` or `answer`" if self.category == 5 else "`answer`"
            raise ValueError(f"a category {self.category} question needs {needs}")
        return self

    @property
    def trap(self) -> str | None:
        """An adversarial question's trap: `adversarial_answer`, or `answer` in files that keep it there (the
        layout LoCoMo's released QA code reads); None for other categories."""
        if self.category != 5:
            return None
        return self.adversarial_answer if self.adversarial_answer is not None else self.answer

    @property
    def category_name(self) -> str:
        return LOCOMO_CATEGORY_NAMES[self.category]


class Conversation(BaseModel):
    """A whole 16-25 day chat between two people (REALTALK), or a LoCoMo dialogue with its `locomo_qa`."""

    model_config = ConfigDict(frozen=True)

    id: str
    speaker_1: str
    speaker_2: str
    sessions: list[Session]
    qa: list[QA] = Field(default_factory=list)
    locomo_qa: list[LocomoQA] = Field(default_factory=list)

    @property
    def number(self) -> int:
        """The chat number in the file name (`Chat_7_...` -> 7)."""
        parsed = parse_conversation_id(self.id)
        if parsed is None:
            raise ValueError(f"conversation id {self.id!r} is not Chat_<N>_<A>_<B>")
        return parsed[0]

    @property
    def speakers(self) -> tuple[str, str]:
        return (self.speaker_1, self.speaker_2)

    def speaker_named(self, name: str) -> str:
        """The speaker as spelled in the data for a name given in any case (`Elise` -> `elise`)."""
        speaker = find_speaker(name, self.speakers)
        if speaker is None:
            raise KeyError(f"{name!r} is not a speaker of {self.id} (speakers: {', '.join(self.speakers)})")
        return speaker

    @property
    def messages(self) -> list[Message]:
        return [message for session in self.sessions for message in session.messages]


def display_name(name: str) -> str:
    """A speaker name as a person would write it: upstream has `elise` beside `Emi`."""
    return name[:1].upper() + name[1:] if name.islower() else name


def format_date(moment: datetime) -> str:
    """`February 10, 2025`, the date style of appendix D.2's example."""
    return f"{moment:%B} {moment.day}, {moment.year}"
