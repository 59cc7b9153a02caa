"""Memory-probing samples: one per question, with ids and metadata that stay stable across releases."""

from __future__ import annotations

from collections.abc import Iterable

from inspect_ai.dataset import MemoryDataset, Sample

from realtalk_evals.dataset import as_list
from realtalk_evals.errors import InputError
from realtalk_evals.models import CATEGORY_NAMES, Conversation


def parse_categories(categories: str | int | Iterable[str | int] | None) -> list[int]:
    """Category numbers from numbers or names (`1`, `multi_hop`, `temporal,commonsense`); None = all."""
    items = as_list(categories)
    if items is None:
        return sorted(CATEGORY_NAMES)
    by_name = {name: number for number, name in CATEGORY_NAMES.items()}
    chosen: set[int] = set()
    for item in items:
        text = str(item).strip().lower().replace("-", "_")
        if text.isdigit() and int(text) in CATEGORY_NAMES:
            chosen.add(int(text))
        elif text in by_name:
            chosen.add(by_name[text])
        else:
            valid = ", ".join(f"{number} ({name})" for number, name in CATEGORY_NAMES.items())
            raise InputError(f"unknown category {item!r}; valid choices: {valid}")
    if not chosen:
        raise InputError("no category selected")
    return sorted(chosen)


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


def memory_dataset(conversations: Iterable[Conversation], categories: Iterable[int]) -> MemoryDataset:
    samples = memory_samples(conversations, categories)
    if not samples:
        raise InputError("the selection holds no question: check conversations and categories")
    return MemoryDataset(samples, name="realtalk_memory_probing")
