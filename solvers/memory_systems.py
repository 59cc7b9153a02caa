"""Solvers for memory systems other than the full context: a retrieved selection in the D.2 frame, and an agent
that searches the conversation itself. Both record in the sample's metadata which units reached the model."""

from __future__ import annotations

import time

from inspect_ai.agent import AgentPrompt, AgentSubmit, as_solver, react
from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import message_limit, token_limit

from realtalk_evals.data.records import display_name
from realtalk_evals.memory.systems.builder import builder_model
from realtalk_evals.memory.systems.select import (
    Memory,
    retrieval_metadata,
    retrieve_off_loop,
    search_query,
    shown_metadata,
)
from realtalk_evals.memory.systems.tools import conversation_tools
from realtalk_evals.memory.systems.units import Unit, chronological_sessions
from realtalk_evals.prompts import MEMORY_AGENT_INSTRUCTIONS, MEMORY_QUESTION
from realtalk_evals.replies import generate_checked


@solver
def retrieved_memory_answer(memory: Memory) -> Solver:
    """Show the model only the units `memory` selects for the question (D.2 frame), then ask it.

    `memory` must have been prepared with the task's conversations. A system a model writes is built first,
    once per conversation, by the `memory_builder` role; `memory_tokens` keeps the best units that fit.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        conversation = memory.conversation(state.metadata["conversation_id"])
        question = state.metadata["question"]
        build = await memory.build(conversation, builder_model()) if memory.system.builds else None
        query = search_query(state.metadata)
        retrieval = await retrieve_off_loop(memory, conversation, query, state.metadata.get("evidence", []))
        units = memory.fit(conversation, retrieval.units, question)
        prompt = memory.prompt(conversation, units, question)
        state.messages = [ChatMessageUser(content=prompt)]
        state.metadata.update(shown_metadata(units))
        state.metadata.update(retrieval_metadata(memory, retrieval, units, prompt, build))
        return await generate_checked(state, generate)

    return solve


@solver
def memory_agent(memory: Memory, max_messages: int = 30, max_tokens: int = 200_000) -> Solver:
    """A ReAct agent with `search_conversation` and `read_session`; its answer comes through `submit`.

    The message and token limits end a sample that runs away; it is then scored on what it has. `memory` (a
    prepared `Memory("agent")`) holds the conversations.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        conversation = memory.conversation(state.metadata["conversation_id"])
        numbers = [session.number for session in chronological_sessions(conversation)]
        shown: list[Unit] = []
        instructions = MEMORY_AGENT_INSTRUCTIONS.format(
            speaker_1=display_name(conversation.speaker_1),
            speaker_2=display_name(conversation.speaker_2),
            sessions=len(numbers),
            first=min(numbers),
            last=max(numbers),
        )
        agent = react(
            prompt=AgentPrompt(instructions=instructions),
            tools=conversation_tools(conversation, shown, memory.settings.bm25_stemming),
            submit=AgentSubmit(answer_only=True),
        )
        state.messages = [
            ChatMessageUser(content=MEMORY_QUESTION.format(question=state.metadata["question"]))
        ]
        started = time.perf_counter()
        try:
            limits = [message_limit(max_messages), token_limit(max_tokens)]
            return await as_solver(agent, limits=limits)(state, generate)
        finally:
            state.metadata.update(shown_metadata(shown))
            state.metadata["memory_model_ms"] = round(1000 * (time.perf_counter() - started), 3)

    return solve
