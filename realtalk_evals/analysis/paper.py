"""The paper's table 7 (appendix E.1): speaker-level EI of 8 of the 10 REALTALK pairs, as printed.

Values are in the table's units: intimacy progression in 1e-3 (the "Social Skills (1e-3)" header), the
rest as is. Each row gives P1 then P2 for every column; P1 and P2 are the data's `speaker_1` and `speaker_2`
(the table spells Muhhamed `Muhamed` and Nebraas `Nebras`). The table has no rows for Chat_2 (Kevin-elise)
and Chat_6 (Nicolas-Vanessa).
"""

from __future__ import annotations

from realtalk_evals.ei import SPEAKER_METRICS

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
            name: (row[2 * index], row[2 * index + 1]) for index, name in enumerate(SPEAKER_METRICS)
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
