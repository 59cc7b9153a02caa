"""Solvers for memory systems other than the full context: a retrieved selection in the D.2 frame, and an agent
that searches the conversation itself. Both record in the sample's metadata which units reached the model."""

from __future__ import annotations

from inspect_ai.agent import AgentPrompt, AgentSubmit, as_solver, react
from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import message_limit, token_limit

from realtalk_evals.data.records import display_name
from realtalk_evals.memory.context import render_memory_prompt
from realtalk_evals.memory.systems.select import Memory, search_query, select_off_loop, shown_metadata
from realtalk_evals.memory.systems.tools import conversation_tools
from realtalk_evals.memory.systems.units import Unit, chronological_sessions, render_units
from realtalk_evals.prompts import MEMORY_AGENT_INSTRUCTIONS, MEMORY_QUESTION
from realtalk_evals.replies import generate_checked


@solver
def retrieved_memory_answer(memory: Memory) -> Solver:
    """Show the model only the units `memory` selects for the question (D.2 frame), then ask it.

    `memory` must have been prepared with the task's conversations.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        conversation = memory.conversation(state.metadata["conversation_id"])
        question = state.metadata["question"]
        query = search_query(state.metadata)
        units = await select_off_loop(memory, conversation, query, state.metadata.get("evidence", []))
        context = render_units(conversation, units, memory.memory_input)
        state.messages = [ChatMessageUser(content=render_memory_prompt(context, question))]
        state.metadata.update(shown_metadata(units))
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
            tools=conversation_tools(conversation, shown),
            submit=AgentSubmit(answer_only=True),
        )
        state.messages = [
            ChatMessageUser(content=MEMORY_QUESTION.format(question=state.metadata["question"]))
        ]
        try:
            limits = [message_limit(max_messages), token_limit(max_tokens)]
            return await as_solver(agent, limits=limits)(state, generate)
        finally:
            state.metadata.update(shown_metadata(shown))

    return solve
