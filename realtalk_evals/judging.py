"""Ask a grader model and read its reply, with one repair attempt, never inventing a value.

Every LLM judge of the suite (memory accuracy, and the EI judges) goes through `ask_judge`, so they share one
policy: replies are kept in Inspect's generate cache (no expiry, shared across epochs); a reply that cannot
be parsed gets exactly one follow-up turn asking for the expected format (a new prompt, so it has its own
cache entry); if that fails too, the result says so and keeps both raw replies for the log.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from inspect_ai.model import CachePolicy, ChatMessage, ChatMessageAssistant, ChatMessageUser, Model

T = TypeVar("T")

_JSON_OBJECT = re.compile(r"\{.*?\}", re.DOTALL)

PAPER_GRADER = "openai/gpt-4o-mini"
"""The judge of the paper; used when no `grader` role is bound."""

JUDGE_CACHE = CachePolicy(expiry=None, per_epoch=False)
"""Judgements never expire and are shared across epochs: the same prompt to the same judge is the same call."""


@dataclass
class JudgeResult(Generic[T]):
    """A parsed judgement (None when the judge failed twice) and the raw replies behind it."""

    value: T | None
    replies: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.value is None


def json_objects(text: str) -> list[dict[str, object]]:
    """The JSON objects in a reply, tolerating code fences and prose around them."""
    found = []
    candidates = [text.strip()] + _JSON_OBJECT.findall(text)
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except (json.JSONDecodeError, ValueError):
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


def parse_unit_score(text: str) -> float | None:
    """`{"score": s}` with s a number in [0, 1]; anything else (strings, out of range, no JSON) is None."""
    for obj in json_objects(text):
        score = obj.get("score")
        if isinstance(score, bool) or not isinstance(score, int | float):
            continue
        if 0.0 <= float(score) <= 1.0:
            return float(score)
    return None


async def ask_judge(
    model: Model,
    prompt: str | ChatMessage,
    parse: Callable[[str], T | None],
    repair: str,
    cache: bool | CachePolicy = JUDGE_CACHE,
) -> JudgeResult[T]:
    """Send `prompt` (text: a user message); if the reply does not parse, send `repair` once in the same chat."""
    messages: list[ChatMessage] = [ChatMessageUser(content=prompt) if isinstance(prompt, str) else prompt]
    result: JudgeResult[T] = JudgeResult(value=None)
    for _attempt in range(2):
        output = await model.generate(messages, cache=cache)
        reply = output.completion
        result.replies.append(reply)
        result.value = parse(reply)
        if result.value is not None:
            return result
        messages += [ChatMessageAssistant(content=reply), ChatMessageUser(content=repair)]
    return result
