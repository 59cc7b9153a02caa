"""The judge-calibration solver: the model under test judges one candidate answer, as the memory judge would."""

from __future__ import annotations

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageUser, ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from realtalk_evals.judging.ask import ask_judge, parse_unit_score
from realtalk_evals.prompts import JUDGE_REPAIR


@solver
def judge_candidate() -> Solver:
    """Ask the model under test for a verdict through `ask_judge` (one repair turn, judge cache).

    The chat (prompt, reply, and the repair turn when there was one) becomes the sample's messages, and the
    last reply its output, so the transcript shows what the judge was asked and what it answered.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        model = get_model()
        prompt = state.input_text
        result = await ask_judge(model, prompt, parse_unit_score, JUDGE_REPAIR)
        messages: list[ChatMessage] = [ChatMessageUser(content=prompt)]
        for number, reply in enumerate(result.replies):
            if number:
                messages.append(ChatMessageUser(content=JUDGE_REPAIR))
            messages.append(ChatMessageAssistant(content=reply, model=model.name))
        state.messages = messages
        state.output = ModelOutput.from_content(model=model.name, content=result.replies[-1])
        return state

    return solve
