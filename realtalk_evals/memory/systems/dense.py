"""Dense retrieval: units ranked by cosine similarity of sentence embeddings to the question.

A conversation holds about a thousand turns, so an exact dot product over a NumPy matrix takes well under a
millisecond; a vector database only pays off from about a million units (docs/memory_systems.md).
"""

from __future__ import annotations

import numpy as np

from realtalk_evals.data.records import Conversation
from realtalk_evals.memory.context import MemoryInput
from realtalk_evals.memory.systems.embeddings import DEFAULT_EMBEDDING_MODEL, embed
from realtalk_evals.memory.systems.units import Granularity, Unit, conversation_units


class DenseMemory:
    """`memory=dense`: the `top_k` units whose embeddings are closest to the question's."""

    def __init__(
        self,
        unit: Granularity = "turn",
        memory_input: MemoryInput = "conversation",
        embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    ) -> None:
        self.unit = unit
        self.memory_input = memory_input
        self.embedding_model = embedding_model
        self.units: list[Unit] = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)

    def index(self, conversation: Conversation) -> None:
        self.units = conversation_units(conversation, self.unit, self.memory_input)
        self.vectors = embed(self.embedding_model, [unit.text for unit in self.units])

    def ranked(self, question: str) -> list[int]:
        """Indices of all units, most similar first; ties keep chronological order."""
        if not self.units:
            return []
        query = embed(self.embedding_model, [question])[0]
        return [int(index) for index in np.argsort(-(self.vectors @ query), kind="stable")]

    def search(self, question: str, k: int) -> list[Unit]:
        return [self.units[index] for index in self.ranked(question)[:k]]
