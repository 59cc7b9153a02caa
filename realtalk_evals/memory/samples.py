"""Memory-probing samples: one per question, with ids and metadata that stay stable across releases."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from inspect_ai.dataset import MemoryDataset, Sample

from realtalk_evals.data.flagged_gold import flagged_gold
from realtalk_evals.data.records import CATEGORY_NAMES, LOCOMO_CATEGORY_NAMES, Conversation
from realtalk_evals.errors import InputError
from realtalk_evals.memory.locomo_protocol import ADVERSARIAL, adversarial_options, asked_question
from realtalk_evals.parameters import Option, pick
from realtalk_evals.prompts import LOCOMO_NOT_MENTIONED

DatasetName = Literal["realtalk", "locomo"]

DATASET_CATEGORIES: dict[str, dict[int, str]] = {"realtalk": CATEGORY_NAMES, "locomo": LOCOMO_CATEGORY_NAMES}
"""The question categories of each dataset, by number."""


def select_categories(categories: object, names: Mapping[int, str] = CATEGORY_NAMES) -> list[int]:
    """Category numbers a selection names by number or name (`1`, `multi_hop`, `temporal,commonsense`),
    ascending; None or `all` is every category."""
    options = [Option(number, (str(number), name), f"{number} ({name})") for number, name in names.items()]
    return sorted(pick("categories", "category", categories, options))


def memory_samples(conversations: Iterable[Conversation], categories: Iterable[int]) -> list[Sample]:
    """Samples in conversation order; id `<conversation>-q<index>` uses the question's index in its file."""
    wanted = set(categories)
    samples = []
    for conversation in conversations:
        for index, qa in enumerate(conversation.qa):
            if qa.category not in wanted:
                continue
            samples.append(
                Sample(
                    id=f"{conversation.id}-q{index:03d}",
                    input=qa.question,
                    target=qa.answer,
                    metadata={
                        "conversation_id": conversation.id,
                        "question_index": index,
                        "question": qa.question,
                        "category": qa.category,
                        "category_name": qa.category_name,
                        "evidence": list(qa.evidence),
                    },
                )
            )
    return samples


def locomo_samples(conversations: Iterable[Conversation], categories: Iterable[int]) -> list[Sample]:
    """LoCoMo's questions as REALTALK's samples (same ids and metadata keys), asked as LoCoMo's code asks them.

    `question` (and the input) is the question as asked, with LoCoMo's additions; `source_question` is the
    file's. The target is what LoCoMo's F1 compares with: the answer (before the first `;` for category 3) or,
    for adversarial questions, "Not mentioned in the conversation", with the two `options` and the trap
    `adversarial_answer` in the metadata. `answer` keeps the file's own answer, if any, for the judge.
    """
    wanted = set(categories)
    samples = []
    for conversation in conversations:
        for index, qa in enumerate(conversation.locomo_qa):
            if qa.category not in wanted:
                continue
            sample_id = f"{conversation.id}-q{index:03d}"
            metadata: dict[str, Any] = {
                "conversation_id": conversation.id,
                "question_index": index,
                "category": qa.category,
                "category_name": qa.category_name,
                "evidence": list(qa.evidence),
                "dataset": "locomo",
                "source_question": qa.question,
                "answer": qa.answer,
                "unresolved_evidence": list(qa.unresolved_evidence),
            }
            if qa.category == ADVERSARIAL:
                trap = qa.trap or ""  # never empty: the model validates it
                options = adversarial_options(sample_id, trap)
                metadata |= {"adversarial_answer": trap, "options": options}
                target = LOCOMO_NOT_MENTIONED
            else:
                options = None
                answer = qa.answer or ""
                target = answer.split(";")[0].strip() if qa.category == 3 else answer
            question = asked_question(qa.question, qa.category, options)
            metadata["question"] = question
            samples.append(Sample(id=sample_id, input=question, target=target, metadata=metadata))
    return samples


def memory_dataset(
    conversations: Iterable[Conversation],
    categories: Iterable[int],
    dataset: DatasetName = "realtalk",
    exclude_flagged: bool = False,
) -> MemoryDataset:
    """The questions of the chosen conversations and categories; with `exclude_flagged` (LoCoMo only), less
    the questions whose gold answer the LoCoMo audit found wrong (realtalk_evals.data.flagged_gold)."""
    if dataset == "locomo":
        samples = locomo_samples(conversations, categories)
    else:
        samples = memory_samples(conversations, categories)
    if exclude_flagged:
        if dataset != "locomo":
            raise InputError(
                f"exclude_flagged is for -T dataset=locomo: the audit of wrong gold answers covers LoCoMo only, "
                f"not {dataset}"
            )
        flagged = flagged_gold().questions
        samples = [sample for sample in samples if sample.id not in flagged]
    if not samples:
        raise InputError("the selection holds no question: check conversations and categories")
    return MemoryDataset(samples, name=f"{dataset}_memory_probing")
