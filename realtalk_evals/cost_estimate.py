"""What a run will cost before it is started (`realtalk cost`): calls, tokens and dollars per model.

The task is built and its solver run by Inspect as `inspect eval` would, against a local recorder in place of
every model (no provider is called, nothing is scored): every prompt the model under test would be sent is
rendered and measured, retrieval included. The recorder answers each call as the caller expects (a judge's
JSON, `True`, free text of `REPLY_TOKENS` tokens), so multi-turn solvers (conversation simulation, the
memory agent) run their course. The grader's calls, made while scoring, are rendered from the logged samples
with the prompts the scorers send (`grader_prompts`), the model's recorded reply standing in for its answer.

Tokens are estimated as characters / 4 (OpenAI's rule of thumb for English; a tokenizer would need a download,
and real counts differ by about 10-20% either way). Output tokens are those of the recorder's replies:
`REPLY_TOKENS` for free text, the bare verdict for a judge. Repair turns, retries and cache hits are not counted: a
repeated run that hits Inspect's generate cache costs less. Prices come from Inspect's model cost
configuration (`--model-cost-config`, US dollars per million tokens), else from Inspect's model database.
"""

from __future__ import annotations

import math
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from inspect_ai import eval
from inspect_ai.dataset import Sample
from inspect_ai.model import (
    ChatMessage,
    ModelOutput,
    ModelUsage,
    compute_model_cost,
    get_model,
    get_model_info,
)
from inspect_ai.util import registry_create

from realtalk_evals.ei import MessageInContext
from realtalk_evals.ei.judges import JUDGES
from realtalk_evals.judging.memory_judge import memory_judge_prompt
from realtalk_evals.memory.systems.builder import BUILDER_ROLE
from realtalk_evals.parameters import names, whole_number
from realtalk_evals.persona.samples import discrimination_prompt
from realtalk_evals.reporting.pricing import CostConfig
from realtalk_evals.task_names import MEMORY_PROBING, PERSONA_SIMULATION

GRADED_TASKS = (MEMORY_PROBING, PERSONA_SIMULATION)
"""The tasks whose scorers call the `grader` role."""

CHARS_PER_TOKEN = 4
REPLY_TOKENS = 20
"""Tokens of a free-text reply (an answer, a chat message): the length of a typical REALTALK message."""

RECORDER = "realtalk/cost-estimate"
"""The recorder's model name: the mock provider's scripted form, so no provider is resolved."""


def approximate_tokens(text: str) -> int:
    """Characters / 4, rounded up: the estimate every figure here uses."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass
class ModelEstimate:
    """One model's share of a run: its calls, their tokens, and their price (None when no price is known)."""

    role: str
    model: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None

    def add(self, prompt: str, reply_tokens: int) -> None:
        self.calls += 1
        self.input_tokens += approximate_tokens(prompt)
        self.output_tokens += reply_tokens


def recorded_reply(prompt: str) -> str:
    """What the recorder answers: the kind of reply the caller parses, so that its solver runs on."""
    if '"score"' in prompt:
        return '{"score": 1}'
    if '"emotional_reaction"' in prompt:
        return '{"emotional_reaction": 1, "interpretation": 1, "exploration": 0}'
    if "'True'" in prompt:
        return "True"
    return " ".join(["word"] * round(REPLY_TOKENS * CHARS_PER_TOKEN / len("word ")))


class Recorder:
    """The mock model's `custom_outputs`: measures each prompt, answers with `recorded_reply`."""

    def __init__(self, estimate: ModelEstimate) -> None:
        self.estimate = estimate

    def __call__(self, messages: list[ChatMessage], *_: object) -> ModelOutput:
        prompt = "\n".join(message.text for message in messages)
        reply = recorded_reply(messages[-1].text if messages else "")
        self.estimate.add(prompt, approximate_tokens(reply))
        return ModelOutput.from_content(model=RECORDER, content=reply)


def grader_prompts(task: str, task_args: Mapping[str, Any], sample: Sample, answer: str) -> Iterator[str]:
    """The prompts the task's scorers send one grader for `sample` answered with `answer` (none for a task
    without a grader)."""
    metadata = sample.metadata or {}
    target = str(sample.target if isinstance(sample.target, str) else "; ".join(sample.target))
    if task == MEMORY_PROBING:
        prompt = memory_judge_prompt(
            str(task_args.get("judge_prompt") or "released"), metadata, target, answer
        )
        yield from [prompt] * whole_number("judge_votes", task_args.get("judge_votes", 1))  # each vote a call
    elif task == PERSONA_SIMULATION:
        speaker, history = metadata["speaker_name"], metadata["session_history"]
        for text in (answer, target):  # each EI judge, on the simulated and on the real message
            for judge in JUDGES:
                yield judge.prompt(MessageInContext(history=history, speaker=speaker, text=text))
        if task_args.get("discrimination") in (True, "true", "True"):
            for first, second in ((target, answer), (answer, target)):  # both orders (real as A, then B)
                yield discrimination_prompt(speaker, str(sample.input), first, second)


def estimate_run(
    task: str,
    task_args: Mapping[str, Any],
    model: str,
    graders: Sequence[str],
    limit: int | None = None,
    epochs: int = 1,
    builder: str | None = None,
) -> list[ModelEstimate]:
    """Calls and tokens of `inspect eval realtalk_evals/<task>` with these settings, per model, unpriced.

    `builder`: the `memory_builder` model (memory probing's `summary` and `observations`), else the model under
    test; its calls are its own row, counted as if none were cached yet (a later run reads them from the cache).
    """
    under_test = ModelEstimate("model", model)
    judged = [ModelEstimate("grader", name) for name in graders] if task in GRADED_TASKS else []
    building = ModelEstimate("builder", str(task_args.get("memory_builder") or builder or model))
    built = registry_create("task", f"realtalk_evals/{task}", **task_args)  # checks the parameters
    run = uuid.uuid4().hex  # a model arg, so no call of this dry run is answered from a cache
    recorder = get_model(RECORDER, custom_outputs=Recorder(under_test), memoize=False, run=run)
    grader = get_model(RECORDER, custom_outputs=Recorder(ModelEstimate("-", "-")), memoize=False, run=run)
    # bound here too, so a `-T memory_builder=...` the task resolved is never called by the dry run
    memory_builder = get_model(RECORDER, custom_outputs=Recorder(building), memoize=False, run=run)
    with (
        tempfile.TemporaryDirectory(prefix="realtalk-cost-") as scratch,
        _environment(INSPECT_CACHE_DIR=scratch),
    ):
        [log] = eval(
            built,
            model=recorder,
            model_roles={"grader": grader, BUILDER_ROLE: memory_builder},
            limit=limit,
            epochs=epochs,
            score=False,
            log_samples=False,
            log_dir=scratch,
            display="none",
        )
    if log.status != "success":
        message = log.error.message if log.error else log.status
        raise RuntimeError(f"the dry run of {task} did not finish: {message}")
    answer = recorded_reply("")  # the recorder's free-text reply stands in for the model's answer
    for sample in list(built.dataset)[:limit]:
        for prompt in grader_prompts(task, task_args, sample, answer):
            for estimate in judged:
                for _epoch in range(epochs):
                    estimate.add(prompt, approximate_tokens(recorded_reply(prompt)))
    return [under_test, *judged] + ([building] if building.calls else [])


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the block (the dry run's judge answers go to a scratch cache)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def price(estimates: Sequence[ModelEstimate], prices: CostConfig) -> None:
    """Fill each estimate's cost from the cost configuration, else Inspect's model database, else leave None."""
    for estimate in estimates:
        cost = prices.get(estimate.model) or _database_cost(estimate.model)
        if cost is not None:
            usage = ModelUsage(
                input_tokens=estimate.input_tokens,
                output_tokens=estimate.output_tokens,
                total_tokens=estimate.input_tokens + estimate.output_tokens,
            )
            estimate.cost = compute_model_cost(cost, usage)


def _database_cost(model: str) -> Any:
    """The price Inspect's model database lists for `model`, if any (it may list none)."""
    if model.startswith("realtalk/") or "/" not in model:
        return None
    try:
        info = get_model_info(model)
    except Exception:  # noqa: BLE001 - a model the database does not know has no price here
        return None
    return info.cost if info is not None else None


def graders_of(task_args: Mapping[str, Any], role: str | None) -> list[str]:
    """The grader models: `-T graders=...` (memory probing), else `--model-role grader=...`, else the paper's."""
    from realtalk_evals.judging.ask import PAPER_GRADER

    return names("graders", task_args.get("graders") or role) or [PAPER_GRADER]


def estimate_table(estimates: Sequence[ModelEstimate]) -> str:
    """The estimate as lines of text: one per model, then the total."""
    rows = list(estimates)
    lines = [f"{'role':<7} {'model':<36} {'calls':>8} {'input tokens':>14} {'output tokens':>14} {'USD':>10}"]
    for e in rows:
        cost = "no price" if e.cost is None else f"{e.cost:.2f}" if e.cost >= 1 else f"{e.cost:.4f}"
        lines.append(
            f"{e.role:<7} {e.model:<36} {e.calls:>8,} {e.input_tokens:>14,} {e.output_tokens:>14,} {cost:>10}"
        )
    known = [e.cost for e in rows if e.cost is not None]
    total = f"{sum(known):.2f}" if len(known) == len(rows) else "unknown"
    lines.append(f"total: US${total}" + ("" if total != "unknown" else " (give --model-cost-config FILE)"))
    return "\n".join(lines)
