"""REALTALK dataset analysis (paper sections 4.2-5.3, figures 2, 3 and 6, table 7): label every message's EI.

    inspect eval tasks/ei_analysis.py -T dataset=realtalk --model openai/gpt-4o-mini
    inspect eval tasks/ei_analysis.py -T dataset=locomo --model openai/gpt-4o-mini
    realtalk analysis logs/

The model under `--model` is the EI judge (reflectiveness, grounding act, empathy: three calls a message).
"""

from __future__ import annotations

import logging

from inspect_ai import Task, task
from inspect_ai.log import HeadlineMetric

from realtalk_evals.caches import check_generate_cache
from realtalk_evals.data.files import UPSTREAM_COMMIT
from realtalk_evals.data.realtalk import select_conversations, select_sessions
from realtalk_evals.dataset_analysis.samples import (
    DATASET_NAMES,
    JUDGE_CALLS_PER_MESSAGE,
    ei_dataset,
    resolve_dataset,
)
from realtalk_evals.local_models.cache import check_classifier_cache
from realtalk_evals.local_models.settings import LocalModels
from realtalk_evals.parameters import ALL, Selection, boolean, choice_or_path, refuse_unknown, selection
from realtalk_evals.score_keys import MESSAGE_EI
from realtalk_evals.scorers.message_ei import LABELLED, message_ei
from realtalk_evals.solvers.ei_analysis import ei_judges
from realtalk_evals.task_names import EI_ANALYSIS
from realtalk_evals.versions import TaskVersion

logger = logging.getLogger(__name__)


TASK_VERSION = TaskVersion("3-B")
"""`N-X` as in evals/ei_analysis/eval.yaml (a test keeps them equal): N when results stop being comparable, X
when the interface changes (realtalk_evals/versions.py)."""


@task
def ei_analysis(
    *,
    dataset: str = "realtalk",
    conversations: Selection = ALL,
    sessions: Selection = ALL,
    merge: bool = True,
    sentiment_model: str | None = None,
    emotion_model: str | None = None,
    intimacy_model: str | None = None,
    **unknown: object,
) -> Task:
    """Message-level EI of every message of REALTALK or LoCoMo; speaker-level EI per conversation.

    Args:
        dataset: `realtalk` (10 human chats), `locomo` (the 10 LLM-generated LoCoMo chats), or a path to
            `conversation_simulation` logs or dataset-shaped JSON files (a file or a directory; a relative
            path is read from the directory the command runs from).
        conversations: Conversation ids or chat numbers (`1`, `Chat_1_Emi_Elise`, `1,2`); default `all` (10).
        sessions: Session numbers (`1`, `1,2`, a list) for a cheap partial run; default `all`.
        merge: Merge consecutive messages of a speaker within a session (section 4.1); `false` keeps bubbles.
        sentiment_model: Sentiment classifier id or directory (else $REALTALK_SENTIMENT_MODEL, else cardiffnlp's).
        emotion_model: Emotion classifier id or directory (else $REALTALK_EMOTION_MODEL, else cardiffnlp's).
        intimacy_model: Intimacy regressor id or directory (else $REALTALK_INTIMACY_MODEL, else cardiffnlp's).
    """
    refuse_unknown(ei_analysis, unknown)
    models = LocalModels.resolve(sentiment_model, emotion_model, intimacy_model)
    merge = boolean("merge", merge)
    label, loaded = resolve_dataset(choice_or_path("dataset", dataset, DATASET_NAMES))
    chosen = select_conversations(selection("conversations", conversations), loaded)
    session_numbers = select_sessions(selection("sessions", sessions), chosen)
    samples = ei_dataset(chosen, label, merge, session_numbers)
    judge_calls = JUDGE_CALLS_PER_MESSAGE * len(samples)
    logger.info(
        f"ei_analysis: {len(samples)} messages, {judge_calls} judge calls before cache hits and --limit"
    )
    scorer = message_ei(models)
    models.check(
        bertscore=False
    )  # before any sample: a missing model is one message, not 400 traceback lines
    check_generate_cache()
    check_classifier_cache()
    return Task(
        version=TASK_VERSION.comparability,
        dataset=samples,
        solver=ei_judges(),
        scorer=scorer,
        metadata={
            "benchmark": EI_ANALYSIS,
            **TASK_VERSION.metadata,
            "dataset": label,
            "merge": merge,
            "sessions": session_numbers,
            "messages": len(samples),
            "judge_calls": judge_calls,
            "dataset_commit": UPSTREAM_COMMIT,
        },
        headline_metric=HeadlineMetric(scorer=MESSAGE_EI, score=LABELLED, metric="mean"),
    )
