"""REALTALK persona simulation (paper section 6.1, tables 2 and 8): write a speaker's next message.

    inspect eval tasks/persona_simulation.py --model anthropic/claude-sonnet-4-0 \
        --model-role grader=openai/gpt-4o-mini
"""

from __future__ import annotations

from typing import Literal, get_args

from inspect_ai import Task, task
from inspect_ai.log import HeadlineMetric

from realtalk_evals.caches import check_generate_cache
from realtalk_evals.data.files import UPSTREAM_COMMIT
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.errors import InputError
from realtalk_evals.judging.panel import check_graders, default_grader_role
from realtalk_evals.local_models.cache import check_classifier_cache
from realtalk_evals.local_models.settings import LocalModels
from realtalk_evals.parameters import (
    ALL,
    boolean,
    choice,
    existing_path,
    optional_whole_number,
    refuse_unknown,
    selection,
    whole_number_or_all,
)
from realtalk_evals.persona.samples import (
    PromptName,
    SplitName,
    persona_dataset,
    select_speakers,
    with_other_person,
)
from realtalk_evals.persona.speaker_models import speaker_models_for
from realtalk_evals.score_keys import CONTENT_SIMILARITY, ROUGE_L
from realtalk_evals.scorers.content_similarity import content_similarity
from realtalk_evals.scorers.discrimination import real_or_simulated
from realtalk_evals.scorers.ei_agreement import ei_agreement
from realtalk_evals.scorers.empty_reply import empty_reply
from realtalk_evals.scorers.style_fidelity import style_fidelity
from realtalk_evals.solvers.persona import persona_gold, persona_other_person, persona_reply
from realtalk_evals.task_names import PERSONA_SIMULATION
from realtalk_evals.versions import TaskVersion

SolverName = Literal["model", "gold", "other_person"]


TASK_VERSION = TaskVersion("4-C")
"""`N-X` as in evals/persona_simulation/eval.yaml (a test keeps them equal): N when results stop being comparable, X
when the interface changes (realtalk_evals/versions.py)."""


@task
def persona_simulation(
    *,
    speaker: str | list[str] | None = ALL,
    split: SplitName = "test",
    history_sessions: int | Literal["all"] = 3,
    max_per_speaker: int | None = None,
    solver: SolverName = "model",
    prompt: PromptName = "paper",
    speaker_models: str | None = None,
    sentiment_model: str | None = None,
    emotion_model: str | None = None,
    intimacy_model: str | None = None,
    bertscore_model: str | None = None,
    bertscore_layers: int | None = None,
    discrimination: bool = False,
    **unknown: object,
) -> Task:
    """Continue each speaker's conversation one real message at a time; compare content and EI.

    Args:
        speaker: Speakers of the paper's table 8 (`Emi`, `Emi,Kevin`, a list); default `all` (10).
        split: `test` (the conversation C_b the paper evaluates on) or `train` (C_a).
        history_sessions: Whole earlier sessions in the context, besides the current session so far (the
            paper's 3), or `all`.
        max_per_speaker: A seeded, reproducible subsample of at most this many messages per speaker.
        solver: `model` asks the model under test; `gold` replies with the real message (no model call);
            `other_person` replies with a real message of another person, drawn with a seed (no model call:
            checks a discrimination judge on candidates whose answer is known).
        prompt: `paper`: D.1's system text verbatim; `bubbles`: D.1's text and how to send several chat
            bubbles (one a line), as the style statistics count them.
        speaker_models: A JSON or YAML file mapping each speaker to the Inspect model that answers their
            samples (e.g. their fine-tuned model), instead of the model under test (a relative path is read
            from the directory the command runs from).
        sentiment_model: Sentiment classifier id or directory (else $REALTALK_SENTIMENT_MODEL, else cardiffnlp's).
        emotion_model: Emotion classifier id or directory (else $REALTALK_EMOTION_MODEL, else cardiffnlp's).
        intimacy_model: Intimacy regressor id or directory (else $REALTALK_INTIMACY_MODEL, else cardiffnlp's).
        bertscore_model: BERTScore model id or directory (else $REALTALK_BERTSCORE_MODEL, else bert-score's
            English model).
        bertscore_layers: BERTScore layer, needed for a model bert-score does not know (else
            $REALTALK_BERTSCORE_LAYERS).
        discrimination: Also ask the `grader` which of the real and the simulated message the person wrote,
            in both orders (two more judge calls a sample; off by default, as the paper has no such judge).
    """
    refuse_unknown(persona_simulation, unknown)
    local_models = LocalModels.resolve(
        sentiment_model, emotion_model, intimacy_model, bertscore_model, bertscore_layers
    )
    choice("split", split, get_args(SplitName))
    choice("solver", solver, get_args(SolverName))
    choice("prompt", prompt, get_args(PromptName))
    history = whole_number_or_all("history_sessions", history_sessions)
    per_speaker = optional_whole_number("max_per_speaker", max_per_speaker)
    splits = select_speakers(selection("speaker", speaker))
    if speaker_models is not None and solver != "model":
        raise InputError(
            "speaker_models needs solver=model (the gold and other_person solvers call no model)"
        )
    discrimination = boolean("discrimination", discrimination)
    models = (
        speaker_models_for(existing_path("speaker_models", speaker_models, "file"), splits)
        if speaker_models is not None
        else None
    )
    conversations = load_conversations()
    dataset = persona_dataset(conversations, splits, split, history, per_speaker)
    if solver == "other_person":
        dataset = with_other_person(dataset, conversations)
    local_models.check()  # before any sample: a missing model is one message, not 400 traceback lines
    roles = default_grader_role()  # the judges of EI agreement (and discrimination)
    check_generate_cache()
    check_classifier_cache()
    return Task(
        version=TASK_VERSION.comparability,
        dataset=dataset,
        solver=(
            persona_reply(models, prompt)
            if solver == "model"
            else persona_gold(prompt)
            if solver == "gold"
            else persona_other_person(prompt)
        ),
        setup=check_graders(),
        model_roles=roles,
        scorer=[
            content_similarity(local_models),
            ei_agreement(None, local_models),
            style_fidelity(),
            empty_reply(),
            *([real_or_simulated()] if discrimination else []),
        ],
        metadata={
            "benchmark": PERSONA_SIMULATION,
            **TASK_VERSION.metadata,
            "split": split,
            "history_sessions": "all" if history is None else history,
            "prompt": prompt,
            "dataset_commit": UPSTREAM_COMMIT,
            **({"speaker_models": {s: m["model"] for s, m in models.items()}} if models else {}),
        },
        # table 2's first column: lexical similarity (ROUGE-L), the mean over speakers
        headline_metric=HeadlineMetric(scorer=CONTENT_SIMILARITY, score=ROUGE_L, metric="speaker_mean"),
    )
