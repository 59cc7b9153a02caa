"""Dense retrieval: units ranked by cosine similarity of sentence embeddings to the question.

A conversation holds about a thousand turns, so an exact dot product over a NumPy matrix takes well under a
millisecond; a vector database only pays off from about a million units (docs/memory_systems.md).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from realtalk_evals.data.records import Conversation
from realtalk_evals.memory.systems.base import MemorySettings, MemorySystem
from realtalk_evals.memory.systems.embeddings import check_embeddings, embed
from realtalk_evals.memory.systems.units import Unit


class DenseMemory(MemorySystem):
    """`memory=dense`: the `top_k` units whose embeddings are closest to the question's."""

    name: ClassVar[str] = "dense"
    needs_embeddings: ClassVar[bool] = True

    @classmethod
    def check(cls, settings: MemorySettings) -> None:
        check_embeddings(settings.embedding_model)

    def index(self, conversation: Conversation) -> None:
        super().index(conversation)
        self.vectors = embed(self.settings.embedding_model, [unit.text for unit in self.units])

    def ranked(self, question: str) -> list[int]:
        """Indices of all units, most similar first; ties keep chronological order."""
        if not self.units:
            return []
        query = embed(self.settings.embedding_model, [question])[0]
        return [int(index) for index in np.argsort(-(self.vectors @ query), kind="stable")]

    def search(self, question: str, k: int) -> list[Unit]:
        return [self.units[index] for index in self.ranked(question)[:k]]
