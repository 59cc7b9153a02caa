"""Solver of the EI analysis: the model under test is the judge of reflectiveness, grounding and empathy."""

from __future__ import annotations

from inspect_ai.model import get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from realtalk_evals.dataset_analysis.samples import message_in_context
from realtalk_evals.ei.judges import judge_message
from realtalk_evals.ei.store import JudgedEI


@solver
def ei_judges() -> Solver:
    """Judge the sample's message with the appendix-C prompts (C.1-C.3), three calls, generate-cached.

    The judges' replies are recorded in the sample's transcript; an unreadable reply gets one repair turn and
    then becomes a recorded failure in the `MessageEI`.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        record = await judge_message(get_model(), message_in_context(state.metadata))
        state.store_as(JudgedEI).record = record.model_dump()
        return state

    return solve
