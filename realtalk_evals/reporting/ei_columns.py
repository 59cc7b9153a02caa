"""How the speaker-level numbers are titled and shown: the paper's table 7 headers and units."""

from __future__ import annotations

from realtalk_evals.data.simulated import SIMULATED_PREFIX

TITLES: dict[str, str] = {
    "reflective_frequency": "Reflect. freq.",
    "emotion_diversity": "Emo. div.",
    "sentiment_diversity": "Sent. div.",
    "grounding_frequency": "Ground. freq.",
    "empathy": "EPITOME",
    "intimacy_progression_linear": "Int. prog. (lin., 1e-3)",
    "intimacy_progression_exp": "Int. prog. (exp., 1e-3)",
    "sentiment_stability": "Sent. stab.",
    "emotion_stability": "Emo. stab.",
    "sentiment_alignment": "Sent. align.",
    "emotion_alignment": "Emo. align.",
}
"""Table 7's column titles, in its order (that of `realtalk_evals.ei.SPEAKER_METRICS`)."""

SCALE: dict[str, float] = {"intimacy_progression_linear": 1e3, "intimacy_progression_exp": 1e3}
"""Table 7 shows intimacy progression in units of 1e-3 ("Social Skills (1e-3)"); CSV files keep raw values."""


def shown(name: str, value: float | None) -> float | None:
    """A value in table 7's units."""
    return None if value is None else value * SCALE.get(name, 1.0)


def shown_text(name: str, scaled: float | None) -> str:
    """A value already in table 7's units, with its digits: intimacy progression one decimal, the rest two."""
    if scaled is None:
        return "-"
    return f"{scaled:.1f}" if name in SCALE else f"{scaled:.2f}"


def cell(name: str, value: float | None) -> str:
    """A raw value as a table-7 cell."""
    return shown_text(name, shown(name, value))


DATASET_TITLES = {"realtalk": "REALTALK", "locomo": "LoCoMo"}


def dataset_title(dataset: str) -> str:
    """`REALTALK`, `LoCoMo`, or `sim. <model>` for simulated conversations."""
    return DATASET_TITLES.get(dataset, dataset.replace(SIMULATED_PREFIX, "sim. ", 1))
