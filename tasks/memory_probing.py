"""REALTALK memory probing (paper section 6.2, table 3): answer questions about a 21-day chat.

inspect eval tasks/memory_probing.py --model openai/gpt-4o --model-role grader=openai/gpt-4o-mini
"""

from __future__ import annotations

from typing import Literal, get_args

from inspect_ai import Task, task

from realtalk_evals.data_files import UPSTREAM_COMMIT
from realtalk_evals.dataset import select_conversations
from realtalk_evals.errors import check_choice
from realtalk_evals.memory_samples import memory_dataset, parse_categories
from realtalk_evals.rendering import MemoryInput, render_context
from realtalk_evals.scorers.llm_judge import llm_accuracy
from realtalk_evals.scorers.partial_match import partial_match
from realtalk_evals.solvers.memory import gold_answer, memory_answer

SolverName = Literal["model", "gold"]


TASK_VERSION = "1.1.0"
"""Bumped whenever the samples or the scoring change (major: scores not comparable with earlier versions)."""


@task
def memory_probing(
    *,
    input: MemoryInput = "conversation",
    conversations: str | int | list[str | int] | None = None,
    categories: str | int | list[str | int] | None = None,
    solver: SolverName = "model",
) -> Task:
    """Memory probing from the full conversation (C) or from the annotated events (E).

    Args:
        input: `conversation` (the paper's C) or `events` (the paper's E).
        conversations: Conversation ids or chat numbers (`1`, `Chat_1_Emi_Elise`, `1,2`); default all 10.
        categories: Question categories by number or name (`multi_hop`, `temporal`, `commonsense`).
        solver: `model` asks the model under test; `gold` answers with the gold answer (no model call).
    """
    check_choice("input", input, get_args(MemoryInput))
    check_choice("solver", solver, get_args(SolverName))
    chosen = select_conversations(conversations)
    dataset = memory_dataset(chosen, parse_categories(categories))
    contexts = {conversation.id: render_context(conversation, input) for conversation in chosen}
    return Task(
        version=TASK_VERSION,
        dataset=dataset,
        solver=memory_answer(contexts) if solver == "model" else gold_answer(),
        scorer=[partial_match(), llm_accuracy()],
        metadata={"benchmark": "memory_probing", "input": input, "dataset_commit": UPSTREAM_COMMIT},
    )
