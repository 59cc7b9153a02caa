"""Ask a grader model and read its reply, with one repair attempt, never inventing a value.

Every LLM judge of the suite (memory accuracy, and the EI judges) goes through `ask_judge`, so they share one
policy: replies are kept in Inspect's generate cache (no expiry, shared across epochs); a reply that cannot
be parsed gets exactly one follow-up turn asking for the expected format (a new prompt, so it has its own
cache entry); if that fails too, the result says so and keeps both raw replies for the log.

Inspect's cache key holds the generate config, the messages, the base URL and the model name, but not the model
args (`-M`, `model_args:` of a role): `judge_cache` adds them as a cache scope, so two graders that differ only
in their args never share a judgement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from inspect_ai.model import CachePolicy, ChatMessage, ChatMessageAssistant, ChatMessageUser, Model

from realtalk_evals.secrets import scrub_exception

T = TypeVar("T")

_JSON_OBJECT = re.compile(r"\{.*?\}", re.DOTALL)
_FLAT_OBJECT = re.compile(r"\{[^{}]*\}")
_TRAILING_COMMA = re.compile(r",\s*\}")
_CODE_FENCE = re.compile(r"^```[a-zA-Z]*\s*(.*?)\s*```$", re.DOTALL)

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


def _unit_score(obj: object) -> float | None:
    """The `score` of a JSON object when it is a number in [0, 1] (not a boolean), else None."""
    score = obj.get("score") if isinstance(obj, dict) else None
    if isinstance(score, bool) or not isinstance(score, int | float):
        return None
    return float(score) if 0.0 <= float(score) <= 1.0 else None


def _loads(text: str) -> object:
    """`json.loads`, forgiving a trailing comma before `}` (the released prompt's own format shows one)."""
    try:
        return json.loads(_TRAILING_COMMA.sub("}", text))
    except (json.JSONDecodeError, ValueError):
        return None


def parse_unit_score(text: str) -> float | None:
    """The judge's verdict `{"score": s}`, s a number in [0, 1]; None when unreadable or ambiguous.

    The released code parses the whole reply as JSON (in OpenAI's JSON mode) and takes its `score`. Here the
    whole reply (a code fence around it allowed) is read first; otherwise every flat JSON object with a `score`
    counts, and the verdict stands only when they all agree, so a reply that quotes an answer's `{"score": 1}`
    before its own `{"score": 0}` is ambiguous (None: the repair turn asks again), never read as 1.
    """
    stripped = text.strip()
    fenced = _CODE_FENCE.match(stripped)
    whole = _loads(fenced.group(1) if fenced else stripped)
    if isinstance(whole, dict):
        return _unit_score(whole)
    found = [_loads(candidate) for candidate in _FLAT_OBJECT.findall(text)]
    scored = [obj for obj in found if isinstance(obj, dict) and "score" in obj]
    scores = {_unit_score(obj) for obj in scored}
    if len(scores) != 1:
        return None
    return scores.pop()


def judge_cache(model: Model, policy: CachePolicy = JUDGE_CACHE) -> CachePolicy:
    """`policy` scoped to the model's args, which Inspect's cache key leaves out (config and URL are in it)."""
    args = json.dumps(model.model_args, sort_keys=True, default=repr)
    return policy.model_copy(update={"scopes": {**policy.scopes, "model_args": args}})


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
    policy = judge_cache(model, cache) if isinstance(cache, CachePolicy) else cache
    for _attempt in range(2):
        try:
            output = await model.generate(messages, cache=policy)
        except Exception as error:
            scrub_exception(error)  # a provider's error may echo the key it was sent
            raise
        reply = output.completion
        result.replies.append(reply)
        result.value = parse(reply)
        if result.value is not None:
            return result
        messages += [ChatMessageAssistant(content=reply), ChatMessageUser(content=repair)]
    return result
