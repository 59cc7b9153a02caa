"""Solvers of persona simulation: the paper's D.1 prompt, and a gold reference that calls no model."""

from __future__ import annotations

from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, chain, generate, solver

from realtalk_evals.prompts import PERSONA_SYSTEM
from solvers.memory import gold_answer


@solver
def persona_prompt() -> Solver:
    """D.1's system message for the sample's speaker, then its user message (the sample input)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        system = PERSONA_SYSTEM.format(opponent_speaker=state.metadata["speaker_name"])
        state.messages = [ChatMessageSystem(content=system), ChatMessageUser(content=state.input_text)]
        return state

    return solve


@solver
def persona_reply() -> Solver:
    """Ask the model under test for the speaker's next message."""
    return chain(persona_prompt(), generate())


@solver
def persona_gold() -> Solver:
    """Reply with the real message: every agreement metric must then be perfect (a self-check)."""
    return chain(persona_prompt(), gold_answer())
