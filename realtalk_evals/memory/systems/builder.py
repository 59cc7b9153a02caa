"""The model that writes a memory system's memories (summaries, observations), and the cache of what it wrote.

Memories are written once per conversation, before its first question, by the model bound to the
`memory_builder` role (default: the model under test), one call per session. Every reply is kept in the
project's on-disk cache (the classifier cache's SQLite file, kind `memory_builder`) under the builder's identity
(model, base URL, generate config and model args) and the whole prompt, which holds the session: a second run
with the same builder and prompts makes no builder call. The tokens a reply took are stored with it, so a run
that reads the cache still reports what building cost (`BuildRecord`), while its calls count 0.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from inspect_ai.model import ChatMessage, Model, ModelUsage, get_model

from realtalk_evals.errors import InputError
from realtalk_evals.judging.panel import judge_identity
from realtalk_evals.local_models.cache import classifier_cache
from realtalk_evals.parameters import text

BUILDER_ROLE = "memory_builder"
"""The model role that writes memories; unbound, the model under test writes them."""

CACHE_KIND = "memory_builder"
"""The `kind` of the builder's records in the on-disk cache."""


@dataclass
class BuildRecord:
    """What writing one conversation's memories took: calls made now, replies read from the cache, and the
    tokens of every reply (cached ones as they were when written)."""

    model: str
    sessions: int = 0
    calls: int = 0
    cached: int = 0
    unparsed: int = 0
    """Replies that held no memory in the expected form (that session then has none)."""
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0

    def add(self, usage: ModelUsage) -> None:
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.total_tokens += usage.total_tokens

    def metadata(self) -> dict[str, object]:
        """The record as sample metadata (`memory_builder`): the same for every question of the conversation."""
        return asdict(self)


class MemoryBuilder:
    """Asks the builder model, through the on-disk cache, and keeps the conversation's `BuildRecord`."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.identity = judge_identity(model)
        self.record = BuildRecord(model=str(model))

    async def ask(self, messages: list[ChatMessage]) -> str:
        """The builder's reply to `messages`: from the cache, or from one call (then cached)."""
        prompt = json.dumps([[message.role, message.text] for message in messages])
        cache = classifier_cache()
        found = cache.get_many(CACHE_KIND, self.identity, [prompt]).get(prompt)
        if found is not None:
            self.record.cached += 1
            self.record.add(ModelUsage.model_validate(found["usage"]))
            return str(found["completion"])
        output = await self.model.generate(messages)
        usage = output.usage or ModelUsage()
        self.record.calls += 1
        self.record.add(usage)
        if output.completion.strip():  # an empty reply is not kept: the next run asks again
            cache.put_many(
                CACHE_KIND,
                self.identity,
                {prompt: {"completion": output.completion, "usage": usage.model_dump(exclude_none=True)}},
            )
        return output.completion


def builder_model() -> Model:
    """The running sample's builder: the model bound to `memory_builder`, else the model under test (its
    calls are counted under the `memory_builder` role either way)."""
    return get_model(role=BUILDER_ROLE, default=get_model())


def builder_roles(name: object) -> dict[str, str | Model | list[str | Model]]:
    """The task's model roles for `-T memory_builder=MODEL`: resolved now, so a name that cannot be resolved
    stops the run before any model call. None (not given) leaves the role to `--model-role
    memory_builder=...`, or to the model under test."""
    if name is None:
        return {}
    given = text("memory_builder", name, "a model name (provider/model)")
    try:
        model = get_model(given, memoize=False)
    except Exception as error:  # any provider's failure to resolve the name is the user's to fix
        raise InputError(f"memory_builder {given!r} cannot be resolved: {error}") from error
    return {BUILDER_ROLE: model}
