"""Conversation simulation (issue 16): the model under test plays both people of each REALTALK pair.

    inspect eval realtalk_evals/conversation_simulation --model openai/gpt-4o-mini -T pairs=1 -T sessions=1,2
    inspect eval realtalk_evals/ei_analysis -T dataset=logs/ --model openai/gpt-4o-mini
    realtalk analysis logs/

Each pair is one sample; the generated conversation, in the dataset's JSON shape, is in the sample's metadata
(`simulated_conversation`), where `ei_analysis -T dataset=<log or directory>` reads it.
"""

from __future__ import annotations

import logging

from inspect_ai import Task, task
from inspect_ai.log import HeadlineMetric

from realtalk_evals.data.files import UPSTREAM_COMMIT
from realtalk_evals.data.realtalk import load_conversations, select_conversations, select_sessions
from realtalk_evals.judging.panel import check_graders, default_grader_role
from realtalk_evals.parameters import (
    ALL,
    Selection,
    boolean,
    optional_whole_number,
    refuse_unknown,
    selection,
)
from realtalk_evals.persona.simulation import HISTORY_SESSIONS, simulation_samples
from realtalk_evals.scorers.discrimination import session_real_or_simulated
from realtalk_evals.scorers.style_fidelity import CONVERSATION_STYLE_KEYS, conversation_style_fidelity
from realtalk_evals.solvers.conversation_simulation import simulate_conversation
from realtalk_evals.task_names import CONVERSATION_SIMULATION
from realtalk_evals.versions import TaskVersion

logger = logging.getLogger(__name__)

TASK_VERSION = TaskVersion("2-C")
"""`N-X` as in evals/conversation_simulation/eval.yaml (a test keeps them equal): N when results stop being comparable, X
when the interface changes (realtalk_evals/versions.py)."""


@task
def conversation_simulation(
    *,
    pairs: Selection = ALL,
    sessions: Selection = ALL,
    messages_per_session: int | None = None,
    session_judge: bool = False,
    **unknown: object,
) -> Task:
    """Simulate each chosen pair's sessions, both sides by the model under test (`--model`).

    Args:
        pairs: Conversation ids or chat numbers (`1`, `Chat_1_Emi_Elise`, `1,2`); default `all` (10).
        sessions: Session numbers to simulate (`1,2` for a cheap partial run); default `all`.
        messages_per_session: Merged messages per session (the speakers alternate); default the real session's.
        session_judge: Also ask the `grader` which of each day's real and simulated session really happened,
            in both orders (two judge calls a simulated session; off by default).
    """
    refuse_unknown(conversation_simulation, unknown)
    conversations = load_conversations()
    chosen = select_conversations(selection("pairs", pairs), conversations, parameter="pairs")
    session_numbers = select_sessions(selection("sessions", sessions), chosen)
    per_session = optional_whole_number("messages_per_session", messages_per_session)
    session_judge = boolean("session_judge", session_judge)
    dataset = simulation_samples(chosen, conversations, session_numbers, per_session)
    calls = sum(int(sample.metadata["model_calls"]) for sample in dataset if sample.metadata)
    logger.info(f"conversation_simulation: {len(dataset)} pairs, {calls} model calls before --limit")
    return Task(
        version=TASK_VERSION.comparability,
        dataset=dataset,
        solver=simulate_conversation(),
        # the session judge's grader, made now: a missing key stops the run before the simulation's calls
        setup=check_graders() if session_judge else None,
        model_roles=default_grader_role() if session_judge else None,
        scorer=[
            conversation_style_fidelity(),
            *([session_real_or_simulated()] if session_judge else []),
        ],
        metadata={
            "benchmark": CONVERSATION_SIMULATION,
            **TASK_VERSION.metadata,
            "sessions": session_numbers,
            "messages_per_session": per_session,
            "history_sessions": HISTORY_SESSIONS,
            "model_calls": calls,
            "dataset_commit": UPSTREAM_COMMIT,
        },
        headline_metric=HeadlineMetric(
            scorer="conversation_style_fidelity", score=CONVERSATION_STYLE_KEYS[0], metric="mean"
        ),
    )
