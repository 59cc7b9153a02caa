"""Hybrid retrieval: reciprocal-rank fusion (Cormack et al., 2009) of the BM25 and the dense rankings."""

from __future__ import annotations

from typing import ClassVar

from realtalk_evals.data.records import Conversation
from realtalk_evals.memory.systems.bm25 import BM25Index
from realtalk_evals.memory.systems.dense import DenseMemory
from realtalk_evals.memory.systems.units import Unit

RRF_K = 60
"""The constant of reciprocal-rank fusion, as in the paper that introduced it."""


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = RRF_K) -> list[int]:
    """Items by the sum of 1 / (k + rank) over the rankings (rank from 1), best first; ties by first ranking."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])


class HybridMemory(DenseMemory):
    """`memory=hybrid`: the `top_k` units of the fused BM25 and dense rankings."""

    name: ClassVar[str] = "hybrid"

    def index(self, conversation: Conversation) -> None:
        super().index(conversation)
        self.bm25 = BM25Index(self.units, self.settings.bm25_stemming)

    def search(self, question: str, k: int) -> list[Unit]:
        fused = reciprocal_rank_fusion([self.bm25.ranked(question), self.ranked(question)])
        return [self.units[index] for index in fused[:k]]
