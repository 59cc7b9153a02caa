"""The paper's own numbers, shown beside measured ones with `--with-paper` (arXiv 2502.13270)."""

from __future__ import annotations

PAPER_TABLE_3: dict[tuple[str, str], dict[str, float]] = {
    ("gpt-4o-mini", "conversation"): {
        "f1_multi_hop": 0.301,
        "f1_temporal": 0.355,
        "f1_commonsense": 0.190,
        "llm_multi_hop": 0.528,
        "llm_temporal": 0.549,
        "llm_commonsense": 0.599,
    },
    ("gpt-4o-mini", "events"): {
        "f1_multi_hop": 0.177,
        "f1_temporal": 0.266,
        "f1_commonsense": 0.142,
        "llm_multi_hop": 0.253,
        "llm_temporal": 0.424,
        "llm_commonsense": 0.400,
    },
    ("gpt-4o", "conversation"): {
        "f1_multi_hop": 0.348,
        "f1_temporal": 0.437,
        "f1_commonsense": 0.221,
        "llm_multi_hop": 0.519,
        "llm_temporal": 0.737,
        "llm_commonsense": 0.621,
    },
    ("gpt-4o", "events"): {
        "f1_multi_hop": 0.186,
        "f1_temporal": 0.271,
        "f1_commonsense": 0.138,
        "llm_multi_hop": 0.266,
        "llm_temporal": 0.501,
        "llm_commonsense": 0.348,
    },
}
"""Table 3: partial-match F1 and LLM accuracy per category (M, T, C), full conversation (C) or events (E)."""

PAPER_TABLE_2: dict[str, dict[str, tuple[float, float]]] = {
    "w/o fine-tune": {
        "lexical": (0.14, 0.04),
        "semantic": (0.76, 0.08),
        "reflective": (0.62, 0.13),
        "grounding": (0.40, 0.13),
        "sentiment": (0.53, 0.22),
        "emotion": (0.43, 0.22),
        "intimacy": (0.06, 0.01),
        "empathy": (1.80, 0.55),
    },
    "w/ fine-tune": {
        "lexical": (0.14, 0.05),
        "semantic": (0.78, 0.04),
        "reflective": (0.77, 0.09),
        "grounding": (0.62, 0.08),
        "sentiment": (0.59, 0.18),
        "emotion": (0.46, 0.21),
        "intimacy": (0.07, 0.01),
        "empathy": (1.24, 0.12),
    },
}
"""Table 2: mean ± standard deviation across the 10 speakers."""
