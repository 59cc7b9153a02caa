"""The paper's own printed numbers (arXiv 2502.13270), in one home: shown beside measured ones by
`realtalk report --with-paper`, `realtalk analysis --with-paper` and `realtalk data stats`; and the one
published third-party REALTALK memory result, kept apart (`MEMUSE_REALTALK`): another group's protocol."""

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


# Table 7 (appendix E.1): The paper's table 7 (appendix E.1): speaker-level EI of 8 of the 10 REALTALK pairs, as printed.
#
# Values are in the table's units: intimacy progression in 1e-3 (the "Social Skills (1e-3)" header), the
# rest as is. Each row gives P1 then P2 for every column; P1 and P2 are the data's `speaker_1` and `speaker_2`
# (the table spells Muhhamed `Muhamed` and Nebraas `Nebras`). The table has no rows for Chat_2 (Kevin-elise)
# and Chat_6 (Nicolas-Vanessa).

TABLE_7_COLUMNS: tuple[str, ...] = (
    "reflective_frequency",
    "emotion_diversity",
    "sentiment_diversity",
    "grounding_frequency",
    "empathy",
    "intimacy_progression_linear",
    "intimacy_progression_exp",
    "sentiment_stability",
    "emotion_stability",
    "sentiment_alignment",
    "emotion_alignment",
)
"""Table 7's columns, in the printed order (the speaker-level metrics of `realtalk_evals.ei`)."""

_PRINTED = """
Chat_10_Fahim_Muhhamed   0.14  0.11  2.21  2.41  1.43  1.53  0.11  0.04  1.54  1.50 -0.2 -0.4 -0.4 -0.7  0.46  0.50  0.38  0.32  0.47  0.55  0.36  0.40
Chat_4_Emi_Paola         0.08  0.06  1.11  1.15  0.67  0.52  0.43  0.44  3.23  3.53  0.6  0.5  1.1  0.9  0.75  0.82  0.68  0.66  0.86  0.78  0.74  0.67
Chat_8_Akib_Muhhamed     0.06  0.12  2.63  2.61  1.48  1.56  0.04  0.05  0.87  1.32 -0.1 -0.4 -0.2 -0.7  0.46  0.37  0.29  0.26  0.45  0.43  0.35  0.26
Chat_1_Emi_Elise         0.05  0.07  1.33  1.53  0.80  1.03  0.44  0.28  2.80  2.29  1.0  1.0  1.8  1.7  0.61  0.58  0.58  0.51  0.67  0.57  0.62  0.55
Chat_5_Nicolas_Nebraas   0.04  0.10  2.74  2.62  1.44  1.44  0.15  0.27  0.92  1.86  0.1 -0.4  0.1 -0.6  0.44  0.46  0.24  0.25  0.45  0.49  0.24  0.24
Chat_7_Nebraas_Vanessa   0.09  0.03  2.08  2.41  1.46  1.41  0.19  0.15  2.35  1.43 -0.3  0.0 -0.6  0.0  0.47  0.48  0.42  0.32  0.46  0.54  0.29  0.38
Chat_3_Kevin_Paola       0.07  0.08  1.04  1.27  0.55  0.66  0.52  0.41  3.19  3.20 -0.1 -0.1 -0.2 -0.3  0.80  0.72  0.68  0.59  0.71  0.73  0.59  0.70
Chat_9_Fahim_Akib        0.07  0.08  2.53  2.32  1.44  1.47  0.05  0.11  0.92  1.29 -0.4 -0.3 -0.8 -0.5  0.45  0.47  0.31  0.34  0.48  0.36  0.39  0.26
"""
"""One row per pair, as in the paper: P1 and P2 of each column in turn."""


def _parse(printed: str) -> dict[str, dict[str, tuple[float, float]]]:
    table = {}
    for line in printed.strip().splitlines():
        conversation_id, *cells = line.split()
        row = [float(cell) for cell in cells]
        table[conversation_id] = {
            name: (row[2 * index], row[2 * index + 1]) for index, name in enumerate(TABLE_7_COLUMNS)
        }
    return table


PAPER_TABLE_7: dict[str, dict[str, tuple[float, float]]] = _parse(_PRINTED)
"""Conversation id -> metric -> (P1, P2), in the printed units (intimacy progression in 1e-3)."""


PAPER_TABLE_8_CONSISTENCY: dict[str, float] = {
    "emi": 0.21,
    "nicolas": 0.09,
    "kevin": 0.22,
    "akib": 0.07,
    "muhhamed": 0.11,
    "nebraas": 0.2,
    "paola": 0.17,
    "vanessa": 0.18,
    "elise": 0.14,
    "fahim khan": 0.12,
}
"""Table 8's "Persona Consistency" per speaker (appendix E.2), keyed by the data's name, case-folded (the table
writes `Muhhamed`, `Fahim Khan`)."""


PAPER_SUMMARY: dict[str, dict[str, float]] = {
    "response_gap_minutes": {"mean": 20.98, "median": 2.22, "max": 27.90 * 60},
    "consecutive_messages": {"mean": 2.31, "median": 2.00, "max": 68},
}
"""Section 5.1: "participants take 20.98 minutes to respond, with a median gap of 2.22 minutes ... up to 27.90
hours"; "2.31 consecutive messages per turn, with a median of 2.00 and a maximum of 68"."""

PAPER_TABLE_5: dict[int, dict[str, int]] = {
    1: {"days": 21, "words": 17341, "words_per_day": 826, "images": 35, "topics": 6},
    2: {"days": 21, "words": 16040, "words_per_day": 764, "images": 46, "topics": 7},
    3: {"days": 16, "words": 11057, "words_per_day": 691, "images": 35, "topics": 7},
    4: {"days": 16, "words": 11511, "words_per_day": 719, "images": 37, "topics": 6},
    5: {"days": 21, "words": 16902, "words_per_day": 805, "images": 37, "topics": 7},
    6: {"days": 21, "words": 18005, "words_per_day": 857, "images": 39, "topics": 8},
    7: {"days": 21, "words": 16343, "words_per_day": 778, "images": 43, "topics": 8},
    8: {"days": 21, "words": 17191, "words_per_day": 819, "images": 25, "topics": 6},
    9: {"days": 21, "words": 18089, "words_per_day": 861, "images": 27, "topics": 7},
    10: {"days": 21, "words": 16951, "words_per_day": 807, "images": 23, "topics": 8},
}
"""Appendix A.2, table 5, by chat number (the table's `Emi + Elise` is Chat_1, ..., `Fahim + Muhammed` Chat_10).
`topics` is the table's Topics column (section 5.1: pairs "revisit topics 6-8 times"); the released files hold
no topic annotation, so it has no measured counterpart."""

PAPER_TABLE_6: dict[int, dict[str, int]] = {
    1: {"multi_hop": 30, "temporal": 30, "commonsense": 10, "events": 44},
    2: {"multi_hop": 30, "temporal": 31, "commonsense": 12, "events": 41},
    3: {"multi_hop": 30, "temporal": 30, "commonsense": 11, "events": 51},
    4: {"multi_hop": 30, "temporal": 30, "commonsense": 10, "events": 61},
    5: {"multi_hop": 31, "temporal": 31, "commonsense": 14, "events": 61},
    6: {"multi_hop": 30, "temporal": 30, "commonsense": 12, "events": 84},
    7: {"multi_hop": 30, "temporal": 30, "commonsense": 12, "events": 90},
    8: {"multi_hop": 30, "temporal": 31, "commonsense": 10, "events": 83},
    9: {"multi_hop": 30, "temporal": 31, "commonsense": 9, "events": 29},
    10: {"multi_hop": 30, "temporal": 45, "commonsense": 10, "events": 56},
}
"""Appendix A.3, table 6 (QA & event statistics), by chat number as table 5."""


MEMUSE_REALTALK: dict[str, float] = {
    "full context": 0.554,
    "RAG-10": 0.295,
    "RAG-50": 0.453,
    "RAG-100": 0.468,
    "summary only": 0.098,
}
"""MemUse's REALTALK memory result (another group, another protocol: GPT-4.1-mini answers and judges, with its own
prompts and retrieval): LLM-judged accuracy over all questions, per memory setting (`RAG-k`: k retrieved
chunks). Shown by `realtalk report --with-paper` under the memory-systems table, never pooled with a run: its
prompts, judge and units differ from the suite's. As quoted in issue 23; not re-read from the source here."""
