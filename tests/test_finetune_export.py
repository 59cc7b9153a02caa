"""`realtalk finetune export`: the persona solver's own prompts from each speaker's C_a, and no C_b text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import read_eval_log
from inspect_ai.model import ChatMessage, ModelOutput, get_model
from tiny_models import TinyModels

from realtalk_evals.cli import main
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.errors import InputError
from realtalk_evals.finetune.export import (
    export_training_data,
    exported_files,
    read_jsonl,
    split_validation,
    training_examples,
)
from realtalk_evals.persona.samples import PERSONA_SPLITS, conversation_turns, data_speaker, select_speakers
from realtalk_evals.tasks.persona_simulation import persona_simulation

MIN_LEAK_LENGTH = 30
"""Shorter messages ("lol", "Good morning!") can recur across conversations without any leak."""


def _by_id(conversation_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in load_conversations() if c.id == conversation_id)


def long_texts(conversation_id: str, min_length: int = MIN_LEAK_LENGTH) -> set[str]:
    """The lines of a conversation's messages (merged, and each bubble) longer than `min_length`."""
    conversation = _by_id(conversation_id)
    merged = {turn.text for session in conversation_turns(conversation) for turn in session}
    bubbles = {m.text.strip() for session in conversation.sessions for m in session.messages}
    lines = {line.strip() for t in merged | bubbles for line in t.splitlines()}
    return {line for line in lines if len(line) > min_length}


def test_exported_chats_are_what_the_persona_solver_sends(tmp_path: Path, tiny_model_env: TinyModels) -> None:
    """Run the task's solver on C_a samples through Inspect and compare the model's input with the export."""
    [export] = export_training_data(tmp_path, "Elise", history_sessions=2, validation_fraction=0.2)
    train, validation = exported_files(tmp_path, "Elise")
    assert validation is not None
    exported = read_jsonl(train) + read_jsonl(validation)
    assert len(exported) == export.train_examples + export.validation_examples

    from datasets import load_from_disk

    hf = load_from_disk(str(tmp_path / "Elise" / "dataset"))
    rows = list(hf["train"]) + list(hf["validation"])
    assert [row["messages"] for row in rows] == exported  # the two formats hold the same chats, in order
    by_id = {row["id"]: row["messages"] for row in rows}

    def reply(messages: list[ChatMessage], *_: object) -> ModelOutput:
        return ModelOutput.from_content(model="recorder", content="ok")

    [log] = eval(
        persona_simulation(speaker="Elise", split="train", history_sessions=2, max_per_speaker=6),
        model=get_model("realtalk/recorder", custom_outputs=reply, memoize=False),
        model_roles={
            "grader": get_model("realtalk/mock")
        },  # resolved when the task is built, never asked here
        score=False,
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    log = read_eval_log(log.location, resolve_attachments=True)  # the long prompts are attachments
    assert log.status == "success" and log.samples is not None and len(log.samples) == 6
    for sample in log.samples:
        [event] = [e for e in sample.events if e.event == "model"]
        sent = [{"role": m.role, "content": m.text} for m in event.input]
        assert by_id[str(sample.id)][:2] == sent, sample.id
        assert by_id[str(sample.id)][2] == {"role": "assistant", "content": sample.target}


@pytest.mark.slow
def test_no_text_of_a_speakers_test_conversation_is_in_their_training_file(tmp_path: Path) -> None:
    exports = export_training_data(tmp_path, None, history_sessions=None, validation_fraction=0.1)
    assert [e.speaker for e in exports] == [split.speaker for split in PERSONA_SPLITS]
    for split in PERSONA_SPLITS:
        assert split.train != split.test
        train, validation = exported_files(tmp_path, split.speaker)
        chats = read_jsonl(train) + (read_jsonl(validation) if validation else [])
        # every line of every message, once (the histories repeat each line many times)
        text = "\n".join({line for chat in chats for m in chat for line in m["content"].splitlines()})

        # a text that C_a holds too (a greeting, inside a longer message) is not a leak
        train_raw = "\n".join(long_texts(split.train, 0))
        test_texts = {t for t in long_texts(split.test) if t not in train_raw}
        assert len(test_texts) > 100
        leaked = [t for t in test_texts if t in text]
        assert not leaked, (split.speaker, leaked[:3])
        # the check can fail: the speaker's own C_a messages (the targets) are all there
        conversation = _by_id(split.train)
        speaker = data_speaker(conversation, split.speaker)
        own = [t.text for turns in conversation_turns(conversation) for t in turns if t.speaker == speaker]
        assert own and all(line in text for t in own for line in t.splitlines())


def test_validation_is_the_conversations_tail() -> None:
    [split] = select_speakers("Muhhamed")
    examples = training_examples(split, load_conversations(), 3)
    assert len(examples) == 83 and {e.conversation_id for e in examples} == {split.train}
    train, validation = split_validation(examples, 0.1)
    assert len(validation) == 9 and train + validation == examples
    assert max(e.message_index for e in train) < min(e.message_index for e in validation)
    assert split_validation(examples, 0.0) == (examples, [])
    assert len(split_validation(examples, 0.001)[1]) == 1
    with pytest.raises(InputError, match="validation fraction"):
        split_validation(examples, 1.0)


def test_cli_export_and_its_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data"
    assert (
        main(["finetune", "export", "--speaker", "emi,Fahim", "--out", str(out), "--history-sessions", "all"])
        == 0
    )
    assert "Emi: 130 training and 0 validation examples from Chat_4_Emi_Paola" in capsys.readouterr().out
    assert not (out / "Emi" / "validation.jsonl").exists()
    last = read_jsonl(out / "Fahim" / "train.jsonl")[-1]
    assert last[0]["content"].startswith("You are Fahim Khan. Continue the conversation.")
    first_date = last[1]["content"].split("\n", 1)[0]
    assert first_date == read_jsonl(out / "Fahim" / "train.jsonl")[0][1]["content"].split("\n", 1)[0]

    assert (
        main(["finetune", "export", "--speaker", "Kevin", "--out", str(out), "--validation-fraction", "0.1"])
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["speakers"]) == ["Emi", "Fahim", "Kevin"]  # earlier exports are kept
    assert manifest["speakers"]["Kevin"]["validation_examples"] == 12
    assert manifest["speakers"]["Emi"]["history_sessions"] == "all"
    assert manifest["speakers"]["Kevin"]["test_conversation"] == "Chat_2_Kevin_Elise"

    assert main(["finetune", "export", "--speaker", "Bob", "--out", str(out)]) == 1
    assert "unknown speaker 'Bob'" in capsys.readouterr().err
