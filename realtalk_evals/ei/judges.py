"""The LLM-judged EI attributes: reflectiveness (C.1), grounding act (C.2) and EPITOME empathy (C.3).

A judge fills its appendix prompt with the dialogue of the session so far, ending with the judged message,
sends it as one system message (the released code's role),
and reads the reply with a strict parser. Calls go through `ask_judge`: cached by Inspect's generate cache
(the prompt of a real message never depends on the model under test, so its judgement is made once) and
repaired once when the reply cannot be read; a second unreadable reply is a recorded failure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspect_ai.model import ChatMessageSystem, Model
from inspect_ai.util import collect

from realtalk_evals.data.records import display_name
from realtalk_evals.ei.record import EMPATHY_COMPONENTS, EIAttribute, EIFailure, MessageEI, MessageInContext
from realtalk_evals.judging.ask import ask_judge, json_objects
from realtalk_evals.prompts import (
    DIALOGUE_LINE,
    EI_TRUE_FALSE_REPAIR,
    EMPATHY_JUDGE,
    EMPATHY_JUDGE_REPAIR,
    GROUNDING_JUDGE,
    REFLECTIVE_JUDGE,
)

_WORDS = re.compile(r"[a-z]+")


def dialogue_line(speaker: str, text: str) -> str:
    """One message as `Name: text`, the line format of D.1's history and of the judges' dialogue."""
    return DIALOGUE_LINE.format(speaker=display_name(speaker), text=text)


def dialogue_context(message: MessageInContext) -> str:
    """The session so far, ending with the judged message's own line."""
    line = dialogue_line(message.speaker, message.text)
    return f"{message.history}\n{line}" if message.history else line


def parse_true_false(reply: str) -> bool | None:
    """`True` or `False`, tolerating case, punctuation and markdown (`**False**`, `True.`); else None.

    A reply naming both (`True or False`) or neither is unreadable rather than guessed.
    """
    found = {word for word in _WORDS.findall(reply.lower()) if word in ("true", "false")}
    if len(found) != 1:
        return None
    return found == {"true"}


def _component(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer() and 0 <= value <= 2:
        return int(value)
    return None


def parse_empathy(reply: str) -> dict[str, int] | None:
    """C.3's JSON with each of the three components an integer 0-2; a missing or out-of-range one is None."""
    for obj in json_objects(reply):
        components = {name: _component(obj.get(name)) for name in EMPATHY_COMPONENTS}
        if all(value is not None for value in components.values()):
            return {name: int(value) for name, value in components.items() if value is not None}
    return None


@dataclass(frozen=True)
class Judge:
    """One appendix-C judge: its prompt template, reply parser and repair message."""

    attribute: EIAttribute
    template: str
    parse: Callable[[str], Any]
    repair: str

    def prompt(self, message: MessageInContext) -> str:
        # The context starts on its own line: C.1's "Given this dialogue context:" is followed by many lines.
        return self.template.format(
            dialogue_history_within_session="\n" + dialogue_context(message),
            turn=message.text,
            speaker=display_name(message.speaker),
        )

    async def __call__(self, model: Model, message: MessageInContext) -> MessageEI:
        # One system message, the role the released code gives every EI judge prompt.
        prompt = ChatMessageSystem(content=self.prompt(message))
        result = await ask_judge(model, prompt, self.parse, self.repair)
        if result.value is None:
            failure = EIFailure(attribute=self.attribute, error="unreadable judge reply", raw=result.replies)
            return MessageEI(failures=[failure])
        if self.attribute == "empathy":
            return MessageEI(empathy=sum(result.value.values()), empathy_components=result.value)
        return MessageEI(**{self.attribute: result.value})


REFLECTIVE = Judge("reflective", REFLECTIVE_JUDGE, parse_true_false, EI_TRUE_FALSE_REPAIR)
GROUNDING = Judge("grounding", GROUNDING_JUDGE, parse_true_false, EI_TRUE_FALSE_REPAIR)
EMPATHY = Judge("empathy", EMPATHY_JUDGE, parse_empathy, EMPATHY_JUDGE_REPAIR)
JUDGES: tuple[Judge, ...] = (REFLECTIVE, GROUNDING, EMPATHY)


async def judge_message(model: Model, message: MessageInContext) -> MessageEI:
    """Reflectiveness, grounding act and empathy of one message, the three judges asked concurrently."""
    return MessageEI.combined(await collect(*(judge(model, message) for judge in JUDGES)))
