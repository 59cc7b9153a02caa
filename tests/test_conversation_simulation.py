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
from realtalk_evals.data.records import Session, display_name, format_date
from realtalk_evals.data.simulated import SIMULATED_CONVERSATION, load_simulated
from realtalk_evals.persona.samples import conversation_turns
from realtalk_evals.persona.simulation import (
    PERSONA_EXAMPLES,
    bubbles_of,
    example_source,
    persona_sheets,
)
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


@pytest.fixture(scope="module")
def simulated_labels(simulated: tuple[EvalLog, Writer, Path]) -> tuple[EvalLog, Path]:
    """ei_analysis of the simulated conversation, in its own log directory."""
    _, _, root = simulated
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSPECT_CACHE_DIR", str(root / "inspect-cache"))
        [analysed] = eval(
            ei_analysis(dataset=str(root / "logs"), **classifier_args()),  # type: ignore[arg-type]
            model=Grader().model(),
            log_dir=str(root / "analysis"),
            display="none",
        )
    return read_eval_log(analysed.location), root / "analysis"


@pytest.mark.slow
def test_ei_analysis_labels_the_simulated_conversation(simulated_labels: tuple[EvalLog, Path]) -> None:
    analysed, _ = simulated_labels
    assert analysed.status == "success" and analysed.samples is not None
    assert (
        analysed.eval.metadata is not None and analysed.eval.metadata["dataset"] == "simulated/realtalk/mock"
    )
    assert len(analysed.samples) == 6  # the six merged messages
    assert analysed.samples[0].metadata["text"] == "lol ok 😂 what about u? (1)"
    assert analysed.samples[0].metadata["bubbles"] == 2  # the model's two lines
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
        ({"session_judge": "yes"}, "session_judge must be true or false"),
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
def test_analysis_reports_the_human_likeness_gap_against_the_real_pairs_band(
    simulated_labels: tuple[EvalLog, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, simulation = simulated_labels
    logs = tmp_path / "logs"
    for dataset, conversations, sessions in (("realtalk", "2,3,4", "2"), ("locomo", "4", "1")):
        [log] = eval(
            ei_analysis(
                dataset=dataset,
                conversations=conversations,
                sessions=sessions,
                **classifier_args(),  # type: ignore[arg-type]
            ),
            model=Grader().model(),
            log_dir=str(logs),
            display="none",
        )
        assert log.status == "success"
    out = Path(os.environ.get("REALTALK_TEST_ANALYSIS_OUT", tmp_path / "analysis"))
    assert main(["analysis", str(logs), str(simulation), "--out", str(out)]) == 0
    markdown = capsys.readouterr().out
    assert "## Human-likeness gap" in markdown and "No gap" not in markdown
    assert "| group | pairs | speakers | gap (mean \\|z\\|) | real pairs' gap |" in markdown  # pipes escaped
    summary = {row["group"]: row for row in read_rows(out / "human_likeness_gap.csv")}
    assert list(summary)[0] == "realtalk" and set(summary) == {
        "realtalk",
        "simulated/realtalk/mock",
        "locomo",
    }
    assert summary["realtalk"]["within_human_range"] == "reference" and summary["realtalk"]["pairs"] == "3"
    assert summary["simulated/realtalk/mock"]["pairs"] == "1"
    pairs = read_rows(out / "human_likeness_pairs.csv")
    [mock_pair] = [row for row in pairs if row["group"] == "simulated/realtalk/mock"]
    [real_pair] = [
        row for row in pairs if row["group"] == "realtalk" and row["conversation"] == "Chat_4_Emi_Paola"
    ]
    assert mock_pair["conversation"] == "Chat_4_Emi_Paola" and mock_pair["real_gap"] == real_pair["gap"]
    # the mock writes two bubbles a turn, each turn a question: beyond every real pair on questions
    rows = read_rows(out / "human_likeness_metrics.csv")
    metrics = {r["metric"]: r for r in rows if r["group"] == mock_pair["group"]}
    assert float(metrics["style_bubbles"]["pair_mean"]) == 2.0
    assert float(metrics["style_question"]["pair_mean"]) == 1.0
    assert float(metrics["style_question"]["z"]) == 3.0  # clipped: outside every real person, no farther
    assert float(metrics["style_words"]["z"]) < -1.0  # 7 words a turn, where these people wrote far more
    # no real speaker of these sessions wrote an emoji: no spread to scale by, the metric is left out
    assert "style_emoji" not in metrics
    assert "| Emoji/msg | - (all REALTALK speakers alike: no spread) |" in markdown
    assert (out / "human_likeness_gap.png").read_bytes().startswith(b"\x89PNG")
    speakers = read_rows(out / "speaker_level.csv")
    assert {row["dataset"] for row in speakers} == {"realtalk", "locomo", "simulated/realtalk/mock"}


def test_analysis_says_why_there_is_no_gap_without_the_real_pairs(
    simulated_labels: tuple[EvalLog, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, simulation = simulated_labels
    assert main(["analysis", str(simulation), "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert (
        "## Human-likeness gap\n\nNo gap: the human band needs REALTALK labels of at least 3 pairs"
        in captured.out
    )
    assert "ei_analysis -T dataset=realtalk" in captured.out
    assert not (tmp_path / "out" / "human_likeness_gap.csv").exists()


def read_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def test_a_reply_is_cut_where_the_model_writes_the_partners_side() -> None:
    assert bubbles_of("hey!\n\nhow was work\nElise: good\nEmi: nice", "Elise") == ["hey!", "how was work"]
    assert bubbles_of("elise: hi", "Elise") == [""] and bubbles_of("", None) == [""]


def test_no_writing_example_is_dated_on_or_after_the_simulated_session() -> None:
    conversations = load_conversations()
    shown = 0
    for conversation in conversations:
        for sheet in persona_sheets(conversation, conversations):
            assert sheet.source is not None and sheet.source.id != conversation.id
            for position, session in enumerate(conversation.sessions):
                examples = sheet.examples(session.date_time)
                assert all(m.timestamp is not None and m.timestamp < session.date_time for m in examples)
                assert len(examples) <= PERSONA_EXAMPLES
                system = sheet.system_prompt(conversation, position)
                shown_part = system.split("in another chat, with someone else:\n")[1].split("\n\n")[0]
                if examples:
                    assert shown_part == "\n".join(f"- {m.text.strip()}" for m in examples)
                else:
                    assert shown_part == "(none before today)"
                shown += len(examples)
    assert shown > 5000  # most sessions do have earlier messages to show


def test_the_sheet_shows_earlier_sessions_events_and_todays_never_an_empty_one() -> None:
    conversations = load_conversations()
    chat_3 = next(c for c in conversations if c.id == "Chat_3_Kevin_Paola")  # 2 empty events
    for sheet in persona_sheets(chat_3, conversations):

        def events(sessions: list[Session], speaker: str = sheet.speaker) -> list[str]:
            side = "speaker_1" if speaker == chat_3.speaker_1 else "speaker_2"
            found = [
                f"- {format_date(s.date_time)}: {e.text}" for s in sessions for e in getattr(s.events, side)
            ]
            return [line for line in found if not line.endswith(": ")] or ["(nothing noted)"]

        for position in range(len(chat_3.sessions)):
            system = sheet.system_prompt(chat_3, position)
            past = system.split("What has happened in your life so far:\n")[1].split("\n\nToday is")[0]
            today = system.split("What is happening in your life today:\n")[1].split("\n\nContinue")[0]
            assert past.splitlines() == events(chat_3.sessions[:position])
            assert today.splitlines() == events(chat_3.sessions[position : position + 1])
    all_lines = [
        sheet.system_prompt(chat_3, position)
        for sheet in persona_sheets(chat_3, conversations)
        for position in range(len(chat_3.sessions))
    ]
    assert not any(re.search(r"^- [^\n]*: $", prompt, re.MULTILINE) for prompt in all_lines)


def test_the_events_the_docs_flag_are_in_the_data() -> None:
    """docs/human_likeness.md flags 7 empty events and Chat_1's events of Emi, written about `Kate`."""
    conversations = load_conversations()
    empty = {
        c.id: sum(not e.text.strip() for s in c.sessions for e in (*s.events.speaker_1, *s.events.speaker_2))
        for c in conversations
    }
    assert {c: n for c, n in empty.items() if n} == {
        "Chat_3_Kevin_Paola": 2,
        "Chat_6_Vanessa_Nicolas": 1,
        "Chat_8_Akib_Muhhamed": 1,
        "Chat_10_Fahim_Muhhamed": 3,
    }
    chat_1 = next(c for c in conversations if c.id == "Chat_1_Emi_Elise")
    emi = [e.text for s in chat_1.sessions for e in s.events.speaker_1]
    assert chat_1.speaker_1 == "Emi" and len(emi) == 16
    assert all("Kate" in text and "Emi" not in text for text in emi)


def test_the_session_judge_sees_both_days_in_both_orders(tmp_path: Path) -> None:
    prompts: list[str] = []

    def always_a(messages: list[ChatMessage], *_: object) -> ModelOutput:
        prompts.append(messages[0].text)
        return ModelOutput.from_content(model="judge", content="A")

    [log] = eval(
        conversation_simulation(pairs="4", sessions="1,2", messages_per_session=3, session_judge=True),
        model=get_model("realtalk/mock", custom_outputs=Writer().reply, memoize=False),
        model_roles={"grader": get_model("realtalk/judge", custom_outputs=always_a, memoize=False)},
        log_dir=str(tmp_path),
        display="none",
    )
    log = read_eval_log(log.location)
    assert log.status == "success" and log.samples is not None
    score = log.samples[0].scores["session_real_or_simulated"]  # type: ignore[index]
    assert score.value == {
        "discrimination": 0.5,
        "discrimination_position_bias": 1.0,
        "discrimination_failure": 0.0,
    }
    verdicts = score.metadata["discrimination_verdicts"]  # type: ignore[index]
    assert [(v["session"], v["real_position"], v["verdict"]) for v in verdicts] == [
        (1, "A", "A"),
        (1, "B", "A"),
        (2, "A", "A"),
        (2, "B", "A"),
    ]
    assert len(prompts) == 4
    real = next(c for c in load_conversations() if c.id == "Chat_4_Emi_Paola")
    first_real = [t for t in conversation_turns(real)[0]][:3]  # cut to the simulated day's three messages
    chat_a = prompts[0].split("CHAT A:\n")[1].split("\n\nCHAT B:")[0]
    chat_b = prompts[0].split("CHAT B:\n")[1].split("\n\nWhich chat")[0]
    assert chat_a.splitlines() == [f"{display_name(t.speaker)}: {t.text}" for t in first_real if t.text]
    assert chat_b.splitlines()[0].endswith(": lol ok 😂 what about u? (1)")  # bubbles merged, one line
    assert "shared an image" not in prompts[0] and "January" in prompts[0].split("\n")[0]
    assert prompts[1].split("CHAT A:\n")[1].split("\n\nCHAT B:")[0] == chat_b  # the other order
