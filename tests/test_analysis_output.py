"""What `realtalk analysis` writes for a user: names as the Markdown shows them, a warning on partial runs."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from realtalk_evals.ei import SPEAKER_METRICS, PersonaConsistency, SpeakerEI, message_labels
from realtalk_evals.reporting import ei_figures as figures
from realtalk_evals.reporting.analysis import partial_conversations, table_7_section
from realtalk_evals.reporting.ei_logs import DatasetLabels, LabelledMessage
from realtalk_evals.reporting.writer import write_report

LABELS = {"reflective": True, "grounding": False, "empathy": 2, "sentiment": "positive", "emotion": "joy"}


def _chat_1_opening() -> DatasetLabels:
    """Two labelled messages of chat 1, whose speaker_2 is spelled `elise` in the data."""
    data = DatasetLabels(dataset="realtalk", merge=True)
    for position, speaker in enumerate(("Emi", "elise")):
        data.messages[f"m{position}"] = LabelledMessage(
            conversation_id="Chat_1_Emi_Elise",
            speakers=("Emi", "elise"),
            position=position,
            labels=message_labels(1, speaker, {**LABELS, "intimacy": 0.25}),
            failed=(),
        )
    return data


def test_table7_csv_writes_names_as_the_markdown_does(tmp_path: Path) -> None:
    data = _chat_1_opening()
    report = write_report("t", [table_7_section(data, data.speaker_ei(), False)], tmp_path, "t.md")
    markdown = report.markdown
    [row] = list(csv.DictReader((tmp_path / "table7.csv").read_text(encoding="utf-8").splitlines()))
    assert (row["speaker_1"], row["speaker_2"]) == ("Emi", "Elise")
    assert "| Emi | Elise |" in markdown


def test_a_partial_run_is_named_with_its_share_of_the_chat() -> None:
    [partial] = partial_conversations(_chat_1_opening())
    assert partial.startswith("Chat_1_Emi_Elise (2 of ") and partial.endswith(" messages)")
    total = int(partial.split(" of ")[1].split()[0])
    assert total > 100  # the whole merged chat


def test_figure_3_has_one_colour_scale_and_a_colour_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[Figure] = []

    def keep(figure: Figure, path: Path, dpi: int = 0) -> Path:
        drawn.append(figure)
        return path

    monkeypatch.setattr(figures, "save_figure", keep)
    intimacy = {"intimacy_progression_linear": 0.0009, "intimacy_progression_exp": 0.0012}  # raw slopes
    differences: SpeakerEI = {**dict.fromkeys(SPEAKER_METRICS, 0.1), **intimacy}
    differences |= {"emotion_diversity": 1.5, "empathy": None}
    other: SpeakerEI = {**dict.fromkeys(SPEAKER_METRICS, 0.2), **intimacy}
    rows = [PersonaConsistency("Ann", ("a", "b"), differences), PersonaConsistency("Bo", ("c", "d"), other)]
    figures.plot_persona_consistency(rows, tmp_path / "figure3.png")
    [figure] = drawn
    heatmap, colour_bar = figure.axes  # the colour bar is an axes of its own
    [image] = heatmap.images
    assert image.norm.vmin == 0 and image.norm.vmax == pytest.approx(1.5)  # one scale: the largest cell
    assert colour_bar.get_ylabel() == "|difference|"
    # a small difference stays pale beside the largest one, whatever its attribute (no per-column scaling)
    values = image.get_array()
    assert isinstance(values, np.ma.MaskedArray)
    assert values[1, SPEAKER_METRICS.index("intimacy_progression_linear")] == pytest.approx(0.9)  # 1e-3 units
    assert np.ma.getmaskarray(values)[0, SPEAKER_METRICS.index("empathy")]  # missing: masked, drawn grey


def test_intimacy_progression_against_session_numbers_only_when_named() -> None:
    """Emi skips session 2: 1..n (released code, default) and session numbers give different slopes."""
    data = DatasetLabels(dataset="realtalk", merge=True)
    for position, (session, speaker, intimacy) in enumerate(
        [(1, "Emi", 0.2), (1, "elise", 0.5), (2, "elise", 0.5), (3, "Emi", 0.6), (3, "elise", 0.5)]
    ):
        data.messages[f"m{position}"] = LabelledMessage(
            conversation_id="Chat_1_Emi_Elise",
            speakers=("Emi", "elise"),
            position=position,
            labels=message_labels(session, speaker, {**LABELS, "intimacy": intimacy}),
            failed=(),
        )
    default = data.speaker_ei()["Chat_1_Emi_Elise"]["Emi"]["intimacy_progression_linear"]
    by_number = data.speaker_ei("session")["Chat_1_Emi_Elise"]["Emi"]["intimacy_progression_linear"]
    assert default == pytest.approx(0.4) and by_number == pytest.approx(0.2)
