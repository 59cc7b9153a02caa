"""Judge calibration: the model under test is a memory judge, graded on candidate answers with known verdicts.

inspect eval tasks/judge_calibration.py --model openai/gpt-4o-mini -T conversations=1
inspect eval tasks/judge_calibration.py --model openai/gpt-4o-mini -T dataset=locomo -T conversations=1
"""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.log import HeadlineMetric

from realtalk_evals.calibration.candidates import calibration_samples
from realtalk_evals.data.files import UPSTREAM_COMMIT
from realtalk_evals.data.locomo import load_locomo_conversations
from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.errors import InputError
from realtalk_evals.memory.samples import (
    DATASET_CATEGORIES,
    locomo_samples,
    memory_samples,
    select_categories,
)
from realtalk_evals.parameters import ALL, Selection, choice, choices, refuse_unknown, selection, whole_number
from realtalk_evals.prompts import MEMORY_JUDGES
from realtalk_evals.scorers.judge_calibration import ACCURACY, judge_verdict
from realtalk_evals.solvers.judge_calibration import judge_candidate
from realtalk_evals.task_names import JUDGE_CALIBRATION
from realtalk_evals.versions import TaskVersion

TASK_VERSION = TaskVersion("2-B")
"""`N-X` as in evals/judge_calibration/eval.yaml (a test keeps them equal): N when results stop being comparable, X
when the interface changes (realtalk_evals/versions.py)."""


def realtalk_questions(conversations: Selection, categories: Selection) -> list[Sample]:
    """REALTALK's memory-probing questions, exactly the samples `memory_probing` asks."""
    return memory_samples(select_conversations(conversations), select_categories(categories))


def locomo_questions(conversations: Selection, categories: Selection) -> list[Sample]:
    """LoCoMo's memory-probing questions, exactly the samples `memory_probing -T dataset=locomo` asks (category
    5's candidates: realtalk_evals.calibration.candidates)."""
    return locomo_samples(
        select_conversations(conversations, load_locomo_conversations()),
        select_categories(categories, DATASET_CATEGORIES["locomo"]),
    )


QUESTION_SOURCES: dict[str, Callable[[Selection, Selection], list[Sample]]] = {
    "realtalk": realtalk_questions,
    "locomo": locomo_questions,
}
"""Where the questions come from, by `dataset` name: any function returning memory-probing samples."""


@task
def judge_calibration(
    *,
    dataset: str = "realtalk",
    conversations: Selection = ALL,
    categories: Selection = ALL,
    judge_prompts: str | list[str] = "released,suite",
    seed: int = 0,
    **unknown: object,
) -> Task:
    """Grade the model under test as a memory judge on candidates whose verdict is known.

    Args:
        dataset: Where the questions come from: `realtalk` or `locomo` (LoCoMo's 1,986 questions; the
            adversarial ones are judged with MEMORY_JUDGE_ADVERSARIAL, their candidates include the trap answer).
        conversations: Conversation ids or chat numbers (`1`, `Chat_1_Emi_Elise`, `1,2`); default `all`.
        categories: Question categories by number or name; default `all`.
        judge_prompts: Judge prompts to calibrate (`released`, `suite`, both, or `all`).
        seed: Seed of every random choice of candidates.
    """
    refuse_unknown(judge_calibration, unknown)
    choice("dataset", dataset, tuple(QUESTION_SOURCES))
    prompts = choices("judge_prompts", judge_prompts, tuple(MEMORY_JUDGES))
    seed = whole_number("seed", seed, minimum=None)
    questions = QUESTION_SOURCES[dataset](
        selection("conversations", conversations), selection("categories", categories)
    )
    samples = calibration_samples(questions, prompts, seed)
    if not samples:
        raise InputError("the selection holds no question: check conversations and categories")
    return Task(
        version=TASK_VERSION.comparability,
        dataset=MemoryDataset(samples, name=f"{dataset}_judge_calibration"),
        solver=judge_candidate(),
        scorer=judge_verdict(prompts),
        metadata={
            "benchmark": JUDGE_CALIBRATION,
            **TASK_VERSION.metadata,
            "dataset": dataset,
            "dataset_commit": UPSTREAM_COMMIT,
        },
        headline_metric=HeadlineMetric(scorer="judge_verdict", score=ACCURACY, metric="mean"),
    )
