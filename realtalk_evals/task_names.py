"""The suite's task names, in one place: tasks record theirs in the log (`metadata["benchmark"]`), and the
report, the analysis and the loaders recognise the suite's logs by them."""

from __future__ import annotations

MEMORY_PROBING = "memory_probing"
PERSONA_SIMULATION = "persona_simulation"
EI_ANALYSIS = "ei_analysis"
JUDGE_CALIBRATION = "judge_calibration"
CONVERSATION_SIMULATION = "conversation_simulation"

TASK_NAMES: tuple[str, ...] = (
    MEMORY_PROBING,
    PERSONA_SIMULATION,
    EI_ANALYSIS,
    JUDGE_CALIBRATION,
    CONVERSATION_SIMULATION,
)
"""Every task the package registers (`realtalk_evals/<name>`)."""
