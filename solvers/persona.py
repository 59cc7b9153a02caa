"""Solvers of persona simulation: the paper's D.1 prompt, and a gold reference that calls no model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inspect_ai.model import get_model
from inspect_ai.solver import Generate, Solver, TaskState, chain, solver

from realtalk_evals.gold import answer_with_target
from realtalk_evals.inspect_private import active_generate_config
from realtalk_evals.persona.samples import persona_messages
from realtalk_evals.replies import check_choices, checked_generate


@solver
def persona_prompt() -> Solver:
    """D.1's system message for the sample's speaker, then its user message (the sample input)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.messages = persona_messages(state.metadata["speaker_name"], state.input_text)
        return state

    return solve


@solver
def speaker_model_generate(speaker_models: Mapping[str, Mapping[str, Any]]) -> Solver:
    """Generate with the sample's speaker's own model (e.g. fine-tuned on their C_a), not the run's model.

    `speaker_models` maps table-8 speaker -> {"model": Inspect model name, "model_args": {...}}. The run's
    generation settings (`--temperature`, `--max-tokens`, ...) apply; the answering model is recorded in
    the sample's metadata as `answered_by` (and in its model events).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        entry = speaker_models[state.metadata["speaker"]]
        model = get_model(entry["model"], **entry.get("model_args", {}))
        state.output = await model.generate(state.messages, config=active_generate_config())
        check_choices(state.output, entry["model"])
        state.messages.append(state.output.message)
        state.metadata["answered_by"] = entry["model"]
        return state

    return solve


@solver
def persona_reply(speaker_models: Mapping[str, Mapping[str, Any]] | None = None) -> Solver:
    """Ask the model under test for the speaker's next message (or each speaker's own model)."""
    answer = checked_generate() if speaker_models is None else speaker_model_generate(speaker_models)
    return chain(persona_prompt(), answer)


@solver
def persona_gold() -> Solver:
    """Reply with the real message: every agreement metric must then be perfect (a self-check)."""
    prompt = persona_prompt()

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return answer_with_target(await prompt(state, generate))

    return solve
