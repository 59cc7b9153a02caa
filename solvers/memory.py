"""Solvers of the memory-probing task: the paper's D.2 prompt, and a gold reference that calls no model."""

from __future__ import annotations

from collections.abc import Mapping

from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver

from realtalk_evals.gold import answer_with_target
from realtalk_evals.memory.context import render_memory_prompt
from realtalk_evals.replies import generate_checked


@solver
def memory_answer(contexts: Mapping[str, str]) -> Solver:
    """Replace the sample's question with the full D.2 user message for its conversation, and ask the model
    (a reply without any choice is reported as NoChoicesError, as `checked_generate` does).

    `contexts` maps conversation id to the rendered conversation (or events), built once per task so that
    728 questions share 10 strings (a `MemoryContexts`, so that the log's plan records ids, not the text).
    One solver rather than a prompt step and a generate step: each solver step adds a span and a state change
    to every sample's events, and Inspect serialises the sample's state (the ~100 KB prompt) around each.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        context = contexts[state.metadata["conversation_id"]]
        state.messages = [ChatMessageUser(content=render_memory_prompt(context, state.metadata["question"]))]
        return await generate_checked(state, generate)

    return solve


@solver
def gold_answer() -> Solver:
    """Answer with the gold answer, without a model call: a self-check of the scorers, a reference row."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return answer_with_target(state)

    return solve
