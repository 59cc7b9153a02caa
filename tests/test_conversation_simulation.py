"""conversation_simulation on the mock model: dataset-shaped conversations that ei_analysis accepts."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import ChatMessage, ModelOutput, get_model
from test_ei_analysis import classifier_args
from test_persona_task import Grader

from realtalk_evals.cli import main
from realtalk_evals.data.realtalk import conversation_from_json, load_conversations
from realtalk_evals.data.simulated import SIMULATED_CONVERSATION, load_simulated
from realtalk_evals.persona.samples import conversation_turns
from realtalk_evals.persona.simulation import bubbles_of, example_source
from realtalk_evals.tasks.conversation_simulation import conversation_simulation
from realtalk_evals.tasks.ei_analysis import ei_analysis


class Writer:
    """A mock model that writes two bubbles and records every prompt."""

    def __init__(self) -> None:
        self.calls: list[list[ChatMessage]] = []

    def reply(self, messages: list[ChatMessage], *_: object) -> ModelOutput:
        self.calls.append(messages)
        return ModelOutput.from_content(
            model="writer", content=f"lol ok 😂\nwhat about u? ({len(self.calls)})"
        )


def simulate(log_dir: Path, writer: Writer, **task_args: object) -> EvalLog:
    [log] = eval(
        conversation_simulation(**task_args),  # type: ignore[arg-type]
        model=get_model("realtalk/mock", custom_outputs=writer.reply, memoize=False),
        log_dir=str(log_dir),
        display="none",
    )
    return read_eval_log(log.location)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvalLog, Writer, Path]:
    root = tmp_path_factory.mktemp("simulation")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSPECT_CACHE_DIR", str(root / "inspect-cache"))
        writer = Writer()
        return (
            simulate(root / "logs", writer, pairs="4", sessions="1,2", messages_per_session=3),
            writer,
            root,
        )


@pytest.mark.slow
def test_the_model_plays_both_people_for_the_real_sessions(simulated: tuple[EvalLog, Writer, Path]) -> None:
    log, writer, _ = simulated
    assert log.status == "success" and log.samples is not None and len(log.samples) == 1
    assert len(writer.calls) == 2 * 3  # two sessions, three merged messages each
    sample = log.samples[0]
    raw = sample.metadata[SIMULATED_CONVERSATION]
    assert raw["simulated_by"] == "realtalk/mock"
    real = next(c for c in load_conversations() if c.id == "Chat_4_Emi_Paola")
    conversation = conversation_from_json("Chat_4_Emi_Paola", raw)  # the dataset's own parser reads it
    assert [s.number for s in conversation.sessions] == [1, 2]
    assert [s.date_time for s in conversation.sessions] == [s.date_time for s in real.sessions[:2]]
    turns = conversation_turns(conversation)
    first_real = conversation_turns(real)[0][0].speaker
    assert [t.speaker for t in turns[0]] == [
        first_real,
        *(s for s in real.speakers if s != first_real),
        first_real,
    ]
    assert [m.text for m in conversation.sessions[0].messages[:2]] == ["lol ok 😂", "what about u? (1)"]
    assert conversation.sessions[0].messages[1].dia_id == "D1:2"

    # each side: its persona sheet (never examples from the simulated chat), today's events, the chat so far
    system, user = writer.calls[4][0].text, writer.calls[4][1].text
    speaker = turns[1][1].speaker
    assert system.startswith(f"You are {speaker}.")
    source = next(c for c in load_conversations() if c.id == example_source("Chat_4_Emi_Paola", speaker))
    assert source.id != "Chat_4_Emi_Paola"
    assert next(m.text for m in source.messages if m.speaker.casefold() == speaker.casefold()) in system
    today = real.sessions[1].events
    for event in today.speaker_1 if speaker == real.speaker_1 else today.speaker_2:
        assert event.text in system.split("What is happening in your life today:")[1]
    assert user.startswith("DATE: ") and user.endswith(f"\n{speaker}:")
    assert "what about u? (3)" in user and "what about u? (4)" in user  # session 1, then session 2 so far
    assert sample.scores is not None
    style = sample.scores["conversation_style_fidelity"].value
    assert isinstance(style, dict) and style["bubbles_mean_difference"] > 0  # always two bubbles


@pytest.mark.slow
def test_ei_analysis_labels_the_simulated_conversation(simulated: tuple[EvalLog, Writer, Path]) -> None:
    log, _, root = simulated
    [analysed] = eval(
        ei_analysis(dataset=str(root / "logs"), **classifier_args()),  # type: ignore[arg-type]
        model=Grader().model(),
        log_dir=str(root / "analysis"),
        display="none",
    )
    analysed = read_eval_log(analysed.location)
    assert analysed.status == "success" and analysed.samples is not None
    assert (
        analysed.eval.metadata is not None and analysed.eval.metadata["dataset"] == "simulated/realtalk/mock"
    )
    assert len(analysed.samples) == 6  # the six merged messages
    assert analysed.samples[0].metadata["text"] == "lol ok 😂 what about u? (1)"
    assert re.fullmatch(r"Chat_4_Emi_Paola-s01-m0000", str(analysed.samples[0].id))


def test_dataset_shaped_json_files_are_accepted_too(
    simulated: tuple[EvalLog, Writer, Path], tmp_path: Path, tiny_model_env: object
) -> None:
    log, _, _ = simulated
    assert log.samples is not None
    raw = log.samples[0].metadata[SIMULATED_CONVERSATION]
    (tmp_path / "Chat_4_Emi_Paola.json").write_text(json.dumps(raw), encoding="utf-8")
    label, [conversation] = load_simulated(tmp_path)
    assert label == "simulated/realtalk/mock" and conversation.id == "Chat_4_Emi_Paola"
    task = ei_analysis(dataset=str(tmp_path / "Chat_4_Emi_Paola.json"))
    assert len(list(task.dataset)) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"pairs": 11}, "unknown conversation 11"),
        ({"sessions": "0"}, "unknown session '0'; valid choices: the sessions of the selection"),
        ({"pairs": 1, "sessions": 40}, "unknown session 40; valid choices: the sessions of the selection"),
        ({"messages_per_session": 0}, "messages_per_session must be a whole number of at least 1, got 0"),
    ],
)
def test_bad_parameters_fail_before_any_model_call(args: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        conversation_simulation(**args)  # type: ignore[arg-type]


def test_an_unknown_dataset_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="valid choices: realtalk, locomo, or an existing path"):
        ei_analysis(dataset="reddit")
    with pytest.raises(ValueError, match="no conversation_simulation log or dataset-shaped JSON"):
        ei_analysis(dataset=str(tmp_path))


def test_default_length_is_the_real_session_count() -> None:
    [sample] = list(conversation_simulation(pairs=1, sessions=1).dataset)
    real = conversation_turns(load_conversations()[0])[0]
    assert sample.metadata is not None and sample.metadata["model_calls"] == len(real)


@pytest.mark.slow
def test_analysis_reports_the_human_likeness_gap(
    simulated: tuple[EvalLog, Writer, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, root = simulated
    logs = tmp_path / "logs"
    for dataset, sessions in ((str(root / "logs"), "1,2"), ("realtalk", "1"), ("locomo", "1")):
        [log] = eval(
            ei_analysis(
                dataset=dataset,
                conversations="3,4" if dataset == "realtalk" else 4,
                sessions=sessions,
                **classifier_args(),  # type: ignore[arg-type]
            ),
            model=Grader().model(),
            log_dir=str(logs),
            display="none",
        )
        assert log.status == "success"
    out = Path(os.environ.get("REALTALK_TEST_ANALYSIS_OUT", tmp_path / "analysis"))
    assert main(["analysis", str(logs), "--out", str(out)]) == 0
    markdown = capsys.readouterr().out
    assert "## Human-likeness gap" in markdown
    assert "| group | speakers | gap (mean \\|z\\|) |" in markdown  # the pipes escaped: three columns
    rows = list(csv.DictReader((out / "human_likeness_gap.csv").read_text(encoding="utf-8").splitlines()))
    gaps = {row["group"]: row["z"] for row in rows if row["metric"] == "gap"}
    assert list(gaps) == ["realtalk", "simulated/realtalk/mock", "locomo"] and float(gaps["realtalk"]) == 0.0
    # the mock writes two lowercase bubbles a turn, with one emoji and a question: unlike any real speaker
    mock = {r["metric"]: r for r in rows if r["group"] == "simulated/realtalk/mock"}
    assert (
        float(mock["style_bubbles"]["group_mean"]) == 2.0 and float(mock["style_emoji"]["group_mean"]) == 1.0
    )
    for name in ("style_no_capitals", "style_question"):
        assert float(mock[name]["group_mean"]) == 1.0 and float(mock[name]["position"]) == 1.0
    assert float(mock["style_question"]["z"]) > 1.0
    assert float(mock["style_words"]["z"]) < -1.0  # 7 words a turn, where these people wrote far more
    assert (out / "human_likeness_gap.png").read_bytes().startswith(b"\x89PNG")
    speakers = list(csv.DictReader((out / "speaker_level.csv").read_text(encoding="utf-8").splitlines()))
    assert {row["dataset"] for row in speakers} == {"realtalk", "locomo", "simulated/realtalk/mock"}


def test_a_reply_is_cut_where_the_model_writes_the_partners_side() -> None:
    assert bubbles_of("hey!\n\nhow was work\nElise: good\nEmi: nice", "Elise") == ["hey!", "how was work"]
    assert bubbles_of("elise: hi", "Elise") == [""] and bubbles_of("", None) == [""]
