"""ei_analysis end to end: samples, the task on the network-free mock judge with tiny local classifiers, and
`realtalk analysis` producing table 7 and figures 2/6 and 3 from its logs."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, EvalSample, read_eval_log
from test_persona_task import Grader, tiny_model_args
from tiny_models import TinyModels

from realtalk_evals.cli import main
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.ei import EI_ATTRIBUTES, SPEAKER_METRICS, SpeakerEI, message_labels, speaker_level_ei
from realtalk_evals.persona.samples import conversation_turns
from realtalk_evals.scorers.message_ei import SHORT_NAMES
from realtalk_evals.tasks.ei_analysis import ei_analysis

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def classifier_args() -> dict[str, object]:
    """The tiny sentiment, emotion and intimacy classifiers (persona simulation's, without BERTScore)."""
    return {name: value for name, value in tiny_model_args().items() if not name.startswith("bertscore")}


def run(log_dir: Path, grader: Grader, limit: int | None = None, **task_args: object) -> EvalLog:
    """The task with the grader as the model under test (the judge), and the tiny classifiers."""
    [log] = eval(
        ei_analysis(**{**classifier_args(), **task_args}),  # type: ignore[arg-type]
        model=grader.model(),
        log_dir=str(log_dir),
        limit=limit,
        display="none",
    )
    return read_eval_log(log.location)


def metric_values(log: EvalLog) -> dict[str, dict[str, float]]:
    """Score name (`labelled`, `reflective`, `<attribute>_failures`, ...) ->
    metric name -> value."""
    assert log.results is not None
    return {score.name: {name: m.value for name, m in score.metrics.items()} for score in log.results.scores}


def sample_ei(sample: EvalSample) -> dict[str, Any]:
    """The sample's full MessageEI, as the scorer logged it."""
    assert sample.scores is not None and sample.scores["message_ei"].metadata is not None
    return cast(dict[str, Any], sample.scores["message_ei"].metadata["ei"])


def sample_value(sample: EvalSample) -> dict[str, float]:
    assert sample.scores is not None
    return cast(dict[str, float], sample.scores["message_ei"].value)


def speaker_values(log: EvalLog) -> dict[str, float]:
    """Short speaker-level name (`refl_freq`, ...) -> mean over the run's speakers, as the task logged it (the
    `speaker_level` metrics of the headline score, `labelled`)."""
    assert log.results is not None
    [labelled] = [score for score in log.results.scores if score.name == "labelled"]
    return {m.name: m.value for m in labelled.metrics.values() if m.group == "speaker_level"}


def recomputed(log: EvalLog) -> dict[str, dict[str, SpeakerEI]]:
    """Conversation -> speaker -> speaker-level EI, recomputed from the logged samples' labels."""
    assert log.samples is not None
    result = {}
    for conversation_id in dict.fromkeys(s.metadata["conversation_id"] for s in log.samples):
        ordered = sorted(
            (s for s in log.samples if s.metadata["conversation_id"] == conversation_id),
            key=lambda s: s.metadata["position"],
        )
        labels = [message_labels(s.metadata["session"], s.metadata["speaker"], sample_ei(s)) for s in ordered]
        result[conversation_id] = speaker_level_ei(labels)
    return result


@dataclass
class Runs:
    realtalk: EvalLog
    locomo: EvalLog
    grader: Grader
    root: Path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """One REALTALK run (chats 3 and 4, sessions 1-2: Paola speaks in both) and a small LoCoMo run."""
    root = tmp_path_factory.mktemp("ei-analysis")
    with pytest.MonkeyPatch.context() as patch:  # module scope: keep caches out of $HOME here too
        patch.setenv("INSPECT_CACHE_DIR", str(root / "inspect-cache"))
        patch.setenv("REALTALK_CACHE_DIR", str(root / "realtalk-cache"))
        grader = Grader()
        realtalk = run(root / "realtalk", grader, conversations="3,4", sessions="1,2")
        locomo = run(root / "locomo", Grader(), limit=8, dataset="locomo", conversations=1, sessions=[1])
        yield Runs(realtalk, locomo, grader, root)


def test_one_sample_per_merged_message_with_the_session_so_far(tiny_model_env: TinyModels) -> None:
    chat_1 = load_conversations()[0]
    merged = [turn for turn in conversation_turns(chat_1)[0] if turn.text]
    task = ei_analysis(conversations="1", sessions="1")
    samples = list(task.dataset)
    assert len(samples) == len(merged)
    assert task.metadata is not None and task.metadata["judge_calls"] == 3 * len(samples)
    first, third = samples[0], samples[2]
    assert first.id == "Chat_1_Emi_Elise-s01-m0000" and first.input == f"Emi: {merged[0].text}"
    assert str(third.input).splitlines() == [
        f"{'Emi' if t.speaker == 'Emi' else 'Elise'}: {t.text}" for t in merged[:3]
    ]
    assert third.metadata is not None and third.metadata["session_history"] == "\n".join(
        str(third.input).splitlines()[:2]
    )
    assert third.metadata["conversation_speakers"] == ["Emi", "elise"] and third.metadata["position"] == 2

    bubbles = list(ei_analysis(conversations="1", sessions="1", merge=False).dataset)
    assert len(bubbles) == len(chat_1.sessions[0].messages) > len(samples)
    assert bubbles[0].id == "Chat_1_Emi_Elise-s01-b0000"

    # ids and positions count the whole conversation, so partial runs pool
    later = list(ei_analysis(conversations="1", sessions="2").dataset)
    assert later[0].id == list(ei_analysis(conversations="1").dataset)[len(samples)].id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"dataset": "reddit"}, "unknown dataset 'reddit'; valid choices: realtalk, locomo"),
        ({"conversations": 11}, "unknown conversation 11; valid choices: 1 (Chat_1_Emi_Elise)"),
        ({"sessions": 0}, "unknown session 0; valid choices: the sessions of the selection"),
        ({"sessions": "one"}, "unknown session 'one'; valid choices: the sessions of the selection"),
        (
            {"conversations": 1, "sessions": "2,40"},
            "unknown session '40'; valid choices: the sessions of the selection (Chat_1_Emi_Elise: 1-18)",
        ),
        ({"merge": "yes"}, "merge must be true or false"),
    ],
)
def test_bad_parameters_fail_before_any_model_call(args: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        ei_analysis(**args)  # type: ignore[arg-type]


@pytest.mark.slow
def test_every_message_is_judged_by_the_model_under_test_and_classified(runs: Runs) -> None:
    log = runs.realtalk
    assert log.status == "success" and log.samples is not None
    assert log.eval.metadata is not None and log.eval.metadata["dataset"] == "realtalk"
    assert len(runs.grader.prompts) == 3 * len(log.samples)  # reflective, grounding, empathy: no repairs
    prompts = "\n".join(runs.grader.prompts)
    for sample in log.samples:
        assert str(sample.input) in prompts  # the judges saw the session up to and including the message
        ei, value = sample_ei(sample), sample_value(sample)
        assert ei["failures"] == [] and all(ei[attribute] is not None for attribute in EI_ATTRIBUTES)
        assert value["reflective"] == float(ei["reflective"]) and value["intimacy"] == ei["intimacy"]
        explanation = sample.scores["message_ei"].explanation  # type: ignore[index]
        assert explanation is not None and f"intimacy={ei['intimacy']:.3f}" in explanation.split(", ")
    values = metric_values(log)
    assert all(values[f"{attribute}_failures"]["count"] == 0.0 for attribute in EI_ATTRIBUTES)
    assert all(
        math.isfinite(values[name]["mean"]) for name in ("reflective", "grounding", "empathy", "intimacy")
    )


def test_speaker_level_metrics_per_conversation_and_speaker(runs: Runs) -> None:
    log = runs.realtalk
    assert log.samples is not None and log.results is not None
    values = speaker_values(log)
    expected = recomputed(log)
    assert {c: set(speakers) for c, speakers in expected.items()} == {
        "Chat_3_Kevin_Paola": {"Kevin", "Paola"},
        "Chat_4_Emi_Paola": {"Emi", "Paola"},
    }
    # short names the viewer shows whole; each the mean over the four speakers of the two conversations
    assert list(values) == list(SHORT_NAMES.values()) and all(len(name) <= 10 for name in values)
    for name in SPEAKER_METRICS:
        present = [
            v for speakers in expected.values() for ei in speakers.values() if (v := ei[name]) is not None
        ]
        if name == "intimacy_progression_linear":
            assert len(present) == 4  # every speaker writes in both sessions
        assert values[SHORT_NAMES[name]] == pytest.approx(sum(present) / len(present))


def test_judge_failures_are_recorded_and_left_out(tmp_path: Path) -> None:
    log = run(tmp_path, Grader(unreadable=True), limit=4, conversations=1, sessions=1)
    assert log.status == "success" and log.samples is not None and log.results is not None
    values = metric_values(log)
    assert {name: values[f"{name}_failures"]["count"] for name in EI_ATTRIBUTES} == {
        "reflective": 4.0,
        "grounding": 4.0,
        "empathy": 4.0,
        "sentiment": 0.0,
        "emotion": 0.0,
        "intimacy": 0.0,
    }
    sample = log.samples[0]
    assert math.isnan(sample_value(sample)["reflective"])
    ei = sample_ei(sample)
    assert ei["reflective"] is None and ei["failures"][0]["raw"] == ["Hard to say.", "Hard to say."]
    metrics = speaker_values(log)
    assert math.isnan(metrics["refl_freq"]) and math.isnan(metrics["epitome"])  # missing, not 0
    assert math.isfinite(metrics["emo_div"])


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@pytest.mark.slow
def test_analysis_writes_table_7_and_figures(
    runs: Runs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "analysis"
    assert (
        main(
            [
                "analysis",
                str(runs.root / "realtalk"),
                str(runs.root / "locomo"),
                "--out",
                str(out),
                "--with-paper",
            ]
        )
        == 0
    )
    markdown = capsys.readouterr().out
    names = {path.name for path in out.iterdir()}
    assert names == {
        "ei_analysis.md",
        "table7.csv",
        "speaker_level.csv",
        "persona_consistency.csv",
        "figure6_speaker_level.png",
        "figure3_persona_consistency.png",
    }
    for figure in ("figure6_speaker_level.png", "figure3_persona_consistency.png"):
        assert (out / figure).read_bytes().startswith(PNG_MAGIC) and (out / figure).stat().st_size > 20_000

    # table 7: recomputed from the samples; its speakers average to what the task's metric logged
    expected, logged = recomputed(runs.realtalk), speaker_values(runs.realtalk)
    table = read_csv(out / "table7.csv")
    assert [row["conversation_id"] for row in table] == ["Chat_3_Kevin_Paola", "Chat_4_Emi_Paola"]
    for name in SPEAKER_METRICS:
        cells = []
        for row in table:
            for side in ("1", "2"):
                speaker = next(
                    s
                    for s in expected[row["conversation_id"]]
                    if s.casefold() == row[f"speaker_{side}"].casefold()
                )
                want = expected[row["conversation_id"]][speaker][name]
                assert (float(row[f"{name}_{side}"]) if row[f"{name}_{side}"] else None) == pytest.approx(
                    want
                )
                cells += [float(row[f"{name}_{side}"])] if row[f"{name}_{side}"] else []
        assert logged[SHORT_NAMES[name]] == pytest.approx(sum(cells) / len(cells))
    assert "| Kevin | Paola |" in markdown and "| paper |" in markdown
    # sessions 1-2 only: --with-paper warns that the paper's whole-chat rows are not comparable
    assert "**Warning: partial run.**" in markdown and "Chat_3_Kevin_Paola (" in markdown
    assert "paper's table 7 values as crosses" in markdown
    assert "| 0.07 | 0.08 | 1.04 | 1.27 |" in markdown  # the paper's Kevin-Paola row

    speakers = read_csv(out / "speaker_level.csv")
    assert {row["dataset"] for row in speakers} == {"realtalk", "locomo"}
    assert sum(int(row["messages"]) for row in speakers if row["dataset"] == "locomo") == 8
    [paola] = read_csv(out / "persona_consistency.csv")
    scaled = [
        float(paola[name]) * (1e3 if name.startswith("intimacy_progression") else 1.0)
        for name in SPEAKER_METRICS
        if paola[name]
    ]
    assert float(paola["table8_consistency"]) == pytest.approx(sum(scaled) / len(scaled))
    assert "Table 8 consistency | Table 8 (paper) |" in markdown
    assert (
        f"| Paola | Chat_3_Kevin_Paola / Chat_4_Emi_Paola | {sum(scaled) / len(scaled):.2f} | 0.17 |"
        in markdown
    )
    assert (paola["person"], paola["conversation_1"], paola["conversation_2"]) == (
        "Paola",
        "Chat_3_Kevin_Paola",
        "Chat_4_Emi_Paola",
    )
    chat_3 = next(
        row
        for row in speakers
        if row["conversation_id"] == "Chat_3_Kevin_Paola" and row["speaker"] == "Paola"
    )
    chat_4 = next(
        row for row in speakers if row["conversation_id"] == "Chat_4_Emi_Paola" and row["speaker"] == "Paola"
    )
    assert float(paola["empathy"]) == pytest.approx(abs(float(chat_3["empathy"]) - float(chat_4["empathy"])))


def test_analysis_refuses_to_pool_merged_and_unmerged_labels(
    runs: Runs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(tmp_path / "bubbles", Grader(), limit=2, conversations=1, sessions=1, merge=False)
    assert (
        main(
            ["analysis", str(runs.root / "realtalk"), str(tmp_path / "bubbles"), "--out", str(tmp_path / "o")]
        )
        == 1
    )
    assert "labelled with merge=false, but earlier logs with merge=true" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["analysis", str(tmp_path / "empty")]) == 1
    assert "no ei_analysis log found" in capsys.readouterr().err


def test_analysis_lists_an_empty_run_apart_and_fails_when_nothing_else_is_left(
    runs: Runs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nothing = run(tmp_path / "nothing", Grader(), limit=0, conversations=1, sessions=1)
    assert nothing.status == "success" and not nothing.samples
    out = tmp_path / "with"
    assert main(["analysis", str(runs.root / "realtalk"), str(tmp_path / "nothing"), "--out", str(out)]) == 0
    markdown = capsys.readouterr().out
    listed = markdown.split("## Runs left out")[1]
    assert "no samples (run with --limit 0)" in listed and Path(nothing.location).name in listed
    assert read_csv(out / "table7.csv")  # the complete run still makes table 7
    assert main(["analysis", str(tmp_path / "nothing"), "--out", str(tmp_path / "without")]) == 1
    printed = capsys.readouterr()
    assert "no usable ei_analysis run: 1 log(s) left out" in printed.err and "## Runs left out" in printed.out


@pytest.mark.slow
def test_cli_run_through_the_entry_point(tmp_path: Path) -> None:
    """`inspect eval realtalk_evals/ei_analysis`; the judge's one reply reads as True and as empathy 3."""
    replies = tmp_path / "replies.json"  # -M splits a value at commas, so the reply goes in a file
    replies.write_text(json.dumps(['{"emotional_reaction": 1, "interpretation": 0, "exploration": 2} True']))
    options = [part for name, value in classifier_args().items() for part in ("-T", f"{name}={value}")]
    command = [
        sys.executable, "-m", "inspect_ai", "eval", "realtalk_evals/ei_analysis",
        "--model", "realtalk/mock", "-M", f"replies_file={replies}",
        "-T", "dataset=locomo", "-T", "conversations=2", "-T", "sessions=1", "--limit", "3",
        *options, "--log-dir", str(tmp_path), "--display", "plain",
    ]  # fmt: skip
    env = {**os.environ, "INSPECT_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, env=env)
    assert result.returncode == 0, result.stderr
    [path] = tmp_path.glob("*.eval")
    log = read_eval_log(str(path))
    assert log.status == "success", log.error
    assert log.eval.task == "realtalk_evals/ei_analysis" and log.samples is not None and len(log.samples) == 3
    values = speaker_values(log)
    assert values["refl_freq"] == 1.0 and values["epitome"] == 3.0  # every speaker: all True, all 3


def test_analysis_writes_its_sections_as_a_site_too(runs: Runs, tmp_path: Path) -> None:
    """`--html`: the analysis's own sections, rendered by the same site writer, every link resolving (to the
    bundled viewer's logs and samples too)."""
    from test_site import INDEX, Page, check_link

    out, site = tmp_path / "analysis", tmp_path / "site"
    assert main(["analysis", str(runs.root / "realtalk"), "--out", str(out), "--html", str(site)]) == 0
    markdown = (out / "ei_analysis.md").read_text(encoding="utf-8")
    index = Page((site / INDEX).read_text(encoding="utf-8"))
    assert index.headings == [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    pages = [site / INDEX, *(site / "samples").glob("*.html")]
    links = [(page, href) for page in pages for href in Page(page.read_text(encoding="utf-8")).links]
    assert any("/samples/sample/" in href for _, href in links)
    for page, href in links:
        check_link(site, page, href)
