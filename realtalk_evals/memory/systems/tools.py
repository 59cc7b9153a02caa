"""The agent memory's tools: BM25 search over the conversation's turns and reading a whole session.

Every turn a tool returns is appended to `shown`, so the sample records which dia_ids reached the model.
"""

from __future__ import annotations

from inspect_ai.tool import ToolDef, ToolError

from realtalk_evals.data.records import Conversation
from realtalk_evals.memory.context import session_date
from realtalk_evals.memory.systems.bm25 import BM25Index
from realtalk_evals.memory.systems.units import Unit, chronological_sessions, turn_units
from realtalk_evals.prompts import (
    MEMORY_AGENT_NO_RESULT,
    MEMORY_AGENT_READ,
    MEMORY_AGENT_READ_NUMBER,
    MEMORY_AGENT_RESULT_LINE,
    MEMORY_AGENT_SEARCH,
    MEMORY_AGENT_SEARCH_K,
    MEMORY_AGENT_SEARCH_QUERY,
    MEMORY_AGENT_SESSION_LINE,
    MEMORY_SESSION_DATE,
)

MAX_SEARCH_RESULTS = 20
"""The most messages one search returns, so one call cannot pull in the whole chat."""


def conversation_tools(conversation: Conversation, shown: list[Unit], stemming: bool = True) -> list[ToolDef]:
    """`search_conversation(query, k)` and `read_session(number)` over one conversation (BM25 with the task's
    `bm25_stemming`)."""
    turns = turn_units(conversation)
    index = BM25Index(turns, stemming)
    dates = {session.number: session_date(session) for session in conversation.sessions}
    numbers = [session.number for session in chronological_sessions(conversation)]

    async def search_conversation(query: str, k: int = 5) -> str:
        found = index.search(query, max(1, min(int(k), MAX_SEARCH_RESULTS)))
        shown.extend(found)
        if not found:
            return MEMORY_AGENT_NO_RESULT
        return "\n".join(
            MEMORY_AGENT_RESULT_LINE.format(
                dia_id=unit.id, session=unit.session, date=dates[unit.session], line=line
            )
            for unit in found
            for line in unit.lines
        )

    async def read_session(number: int) -> str:
        if number not in dates:
            raise ToolError(f"no session {number}; sessions are {', '.join(map(str, numbers))}")
        found = [unit for unit in turns if unit.session == number]
        shown.extend(found)
        lines = [
            MEMORY_AGENT_SESSION_LINE.format(dia_id=unit.id, line=line)
            for unit in found
            for line in unit.lines
        ]
        return "\n".join([MEMORY_SESSION_DATE.format(date=dates[number]), *lines])

    return [
        ToolDef(
            search_conversation,
            name="search_conversation",
            description=MEMORY_AGENT_SEARCH,
            parameters={
                "query": MEMORY_AGENT_SEARCH_QUERY,
                "k": MEMORY_AGENT_SEARCH_K.format(max_k=MAX_SEARCH_RESULTS),
            },
        ),
        ToolDef(
            read_session,
            name="read_session",
            description=MEMORY_AGENT_READ,
            parameters={"number": MEMORY_AGENT_READ_NUMBER},
        ),
    ]
