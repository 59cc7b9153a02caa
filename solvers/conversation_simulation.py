"""Solver of conversation simulation: the model under test writes both sides of a pair's sessions."""

from __future__ import annotations

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.data.records import display_name
from realtalk_evals.data.simulated import SIMULATED_CONVERSATION, as_dataset_json
from realtalk_evals.persona.samples import predicted_message
from realtalk_evals.persona.simulation import SimulatedConversation, persona_sheets


@solver
def simulate_conversation() -> Solver:
    """One model call per simulated message, in order; the conversation goes into the sample's metadata."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        conversations = load_conversations()
        real = next(c for c in conversations if c.id == state.metadata["conversation_id"])
        sheets = {sheet.speaker: sheet for sheet in persona_sheets(real, conversations)}
        model = get_model()
        written = SimulatedConversation(real)
        for item in state.metadata["plan"]:
            written.start_session(int(item["position"]))
            speaker = str(item["first_speaker"])
            for _ in range(int(item["messages"])):
                system = sheets[speaker].system_prompt(real, int(item["position"]))
                output = await model.generate(
                    [ChatMessageSystem(content=system), ChatMessageUser(content=written.user_prompt(speaker))]
                )
                written.add_turn(speaker, predicted_message(output.completion, display_name(speaker)))
                speaker = written.partner(speaker)
        conversation = written.conversation()
        state.metadata[SIMULATED_CONVERSATION] = as_dataset_json(conversation, str(model))
        messages = sum(len(session.messages) for session in conversation.sessions)
        summary = f"{len(conversation.sessions)} sessions, {messages} chat messages"
        state.output = ModelOutput.from_content(model=str(model), content=summary)
        return state

    return solve
