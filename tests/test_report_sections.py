"""The section format and its writer (escaped Markdown, CSV with sources, figures), and the figures that must
stay readable: figure 6's labels and the paper's values, the gap plot's empty columns."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import pytest
from matplotlib.figure import Figure as MplFigure

from realtalk_evals.ei import SPEAKER_METRICS, SpeakerEI
from realtalk_evals.reporting import ei_figures, gap_report
from realtalk_evals.reporting.gap import human_likeness
from realtalk_evals.reporting.sections import Figure, Row, Section, Source, Table
from realtalk_evals.reporting.writer import markdown_table, write_report

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _draw_nothing(path: Path) -> None:
    path.write_bytes(b"\x89PNG")


def test_cells_are_escaped_and_the_csv_keeps_raw_values_and_sources(tmp_path: Path) -> None:
    table = Table(
        ["group", "gap (mean |z|)"],
        [
            Row(["a|b", "line 1\nline 2"], ["a|b", 0.5], [Source("logs/x.eval", ("q1:1", "q2:1"))]),
            Row(["paper", "0.4"], reference=True),
        ],
        csv="gaps.csv",
    )
    hidden = Table(["x"], [Row(["secret detail"])], csv="details.csv", shown=False)
    section = Section("Gaps", ["A note."], [table, hidden], [Figure("g.png", "gaps", _draw_nothing)])
    report = write_report("Title", [section], tmp_path, "out.md")

    lines = [line for line in report.markdown.splitlines() if line.startswith("|")]
    assert [len(UNESCAPED_PIPE.findall(line)) for line in lines] == [3, 3, 3, 3]  # two columns on every line
    assert "gap (mean \\|z\\|)" in lines[0] and "| a\\|b | line 1<br>line 2 |" in report.markdown
    assert "secret detail" not in report.markdown and "![gaps](g.png)" in report.markdown
    with (tmp_path / "gaps.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"group": "a|b", "gap (mean |z|)": "0.5", "logs": "logs/x.eval"}]  # no paper row
    assert [path.name for path in report.files] == ["out.md", "gaps.csv", "details.csv", "g.png"]
    assert (tmp_path / "out.md").read_text(encoding="utf-8") == report.markdown


def test_a_row_with_the_wrong_number_of_csv_values_is_refused(tmp_path: Path) -> None:
    table = Table(["a", "b"], [Row(["1", "2"], [1])], csv="t.csv")
    with pytest.raises(ValueError, match="1 values for 2 columns"):
        write_report("t", [Section("s", tables=[table])], tmp_path, "t.md")


def test_markdown_table_of_plain_text() -> None:
    assert markdown_table(["a"], [["x|y"]]).splitlines() == ["| a |", "|---|", "| x\\|y |"]


def _kept(monkeypatch: pytest.MonkeyPatch, module: object) -> list[MplFigure]:
    drawn: list[MplFigure] = []

    def keep(figure: MplFigure, path: Path, dpi: int = 0) -> Path:
        drawn.append(figure)
        return path

    monkeypatch.setattr(module, "save_figure", keep)
    return drawn


def _speakers(count: int, seed: int) -> list[SpeakerEI]:
    rng = random.Random(seed)
    return [{name: rng.uniform(0, 1) for name in SPEAKER_METRICS} for _ in range(count)]


def test_figure_6_labels_never_overlap_and_the_paper_has_its_own_box(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    drawn = _kept(monkeypatch, ei_figures)
    by_dataset = {
        "simulated/realtalk/mock": _speakers(4, 1),
        "realtalk": _speakers(6, 2),
        "simulated/openai/gpt-4o-mini-2024-07-18": _speakers(4, 3),
        "locomo": _speakers(6, 4),
    }
    paper = {name: [0.5, 0.6, 0.7] for name in SPEAKER_METRICS}
    ei_figures.plot_speaker_level(by_dataset, tmp_path / "f6.png", paper)
    [figure] = drawn
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for axis in figure.axes[: len(SPEAKER_METRICS)]:
        labels = axis.get_xticklabels()
        titles = [label.get_text().split("\nn=")[0].replace("\n", " ") for label in labels]
        assert titles[:3] == ["REALTALK", "table 7 (paper)", "LoCoMo"]  # the paper beside REALTALK
        boxes = [label.get_window_extent(renderer) for label in labels]
        for left, right in zip(boxes, boxes[1:], strict=False):
            assert left.x1 < right.x0, f"{axis.get_title()}: tick labels overlap"
        crosses = [c for c in axis.collections if len(np.asarray(c.get_offsets())) == 3]  # the paper's three
        assert len(crosses) == 1
        xs = [float(x) for x, _ in np.asarray(crosses[0].get_offsets())]
        assert all(0.8 < x < 1.2 for x in xs)  # at the paper's own position, not on REALTALK's box at 0


def test_gap_plot_says_why_a_metric_column_is_empty(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    drawn = _kept(monkeypatch, gap_report)
    rng = random.Random(0)
    metrics = gap_report.GAP_METRICS
    humans: dict[str, list[dict[str, float | None]]] = {
        f"Chat_{n}": [{name: rng.uniform(0, 1) for name in metrics} for _ in range(2)] for n in range(1, 4)
    }
    for index, human in enumerate(s for pair in humans.values() for s in pair):
        human["style_emoji"] = 0.0  # every real speaker alike
        human["intimacy_progression_exp"] = 0.3 if index == 0 else None  # one real speaker measured
    model: dict[str, list[dict[str, float | None]]] = {
        "Chat_1": [{name: rng.uniform(0, 1) for name in metrics} for _ in range(2)]
    }
    for speaker in model["Chat_1"]:
        speaker["emotion_alignment"] = None  # the simulated group never measured
    result = human_likeness({"realtalk": humans, "simulated/m": model}, metrics)
    gap_report.plot_gap(result, humans, tmp_path / "gap.png")
    [figure] = drawn
    texts = {round(text.get_position()[0]): text.get_text() for text in figure.axes[0].texts}
    assert texts == {
        metrics.index("style_emoji"): "all REALTALK speakers alike: no spread",
        metrics.index("intimacy_progression_exp"): "fewer than 2 REALTALK speakers measured",
        metrics.index("emotion_alignment"): "no compared group measured",
    }
    # the gap and distribution panels draw the real pairs' band behind each group's bar
    for axis in figure.axes[1:]:
        [band] = [patch for patch in axis.patches if patch.get_label() == "real pairs' range"]
        assert band.get_alpha() == pytest.approx(0.3)
