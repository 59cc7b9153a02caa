"""Persona-simulation samples: table 8's split, message merging, context windows and the D.1 prompt."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from itertools import pairwise
from typing import Any

import pytest
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, ModelName, ModelOutput
from inspect_ai.scorer import Target
from inspect_ai.solver import TaskState

from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.data.records import Conversation, Message, Session
from realtalk_evals.parameters import whole_number_or_all
from realtalk_evals.persona.samples import (
    OTHER_PERSON,
    PERSONA_SPLITS,
    PersonaSplit,
    conversation_turns,
    data_speaker,
    merge_messages,
    merged_text,
    person,
    persona_dataset,
    persona_samples,
    predicted_message,
    reply_bubbles,
    select_speakers,
    with_other_person,
)
from realtalk_evals.solvers.persona import persona_gold, persona_other_person, persona_prompt

TABLE_8 = {
    "Emi": ("Emi-Paola", "Emi-Elise"),
    "Nicolas": ("Nicolas-Nebraas", "Vanessa-Nicolas"),
    "Kevin": ("Kevin-Paola", "Kevin-Elise"),
    "Akib": ("Fahim-Akib", "Akib-Muhhamed"),
    "Muhhamed": ("Fahim-Muhhamed", "Akib-Muhhamed"),
    "Nebraas": ("Nicolas-Nebraas", "Nebraas-Vanessa"),
    "Paola": ("Emi-Paola", "Kevin-Paola"),
    "Vanessa": ("Nebraas-Vanessa", "Vanessa-Nicolas"),
    "Elise": ("Kevin-Elise", "Emi-Elise"),
    "Fahim": ("Fahim-Muhhamed", "Fahim-Akib"),
}
"""The paper's table 8, as printed (speaker: train pair, test pair)."""


def _text(sample: Sample) -> str:
    """A persona sample's input, always one text (D.1's user message)."""
    assert isinstance(sample.input, str)
    return sample.input


def _meta(sample: Sample) -> dict[str, Any]:
    assert sample.metadata is not None
    return sample.metadata


def _pair(conversation_id: str) -> str:
    return "-".join(conversation_id.split("_")[2:])


def _message(speaker: str, text: str, dia_id: str, caption: str | None = None) -> Message:
    return Message(speaker=speaker, clean_text=text, dia_id=dia_id, blip_caption=caption)


def _conversation() -> Conversation:
    """Four sessions of Ann and bob, each with a run of consecutive messages."""
    sessions = []
    for number in range(1, 5):
        sessions.append(
            Session(
                number=number,
                date_time=datetime(2024, 1, number, 10, 0),
                messages=[
                    _message("Ann", f"hi {number}", f"D{number}:1"),
                    _message("Ann", f" and more {number} ", f"D{number}:2"),
                    _message("bob", f"yo {number}", f"D{number}:3", caption="a dog" if number == 4 else None),
                    _message("Ann", f"bye {number}", f"D{number}:4"),
                ],
            )
        )
    return Conversation(id="Chat_99_Ann_Bob", speaker_1="Ann", speaker_2="bob", sessions=sessions)


def test_split_table_is_table_8_and_resolves_in_the_data() -> None:
    assert {split.speaker: (_pair(split.train), _pair(split.test)) for split in PERSONA_SPLITS} == TABLE_8
    by_id = {conversation.id: conversation for conversation in load_conversations()}
    for split in PERSONA_SPLITS:
        for conversation_id in (split.train, split.test):
            data_speaker(by_id[conversation_id], split.speaker)  # raises when the speaker is not in it
    assert data_speaker(by_id["Chat_9_Fahim_Akib"], "Fahim") == "Fahim Khan"
    assert data_speaker(by_id["Chat_1_Emi_Elise"], "Elise") == "elise"


def test_speakers_are_selected_in_any_case_and_unknown_ones_list_the_choices() -> None:
    assert [s.speaker for s in select_speakers("elise,EMI")] == ["Emi", "Elise"]
    assert [s.speaker for s in select_speakers(["Fahim"])] == ["Fahim"]
    assert len(select_speakers(None)) == len(select_speakers("all")) == 10
    with pytest.raises(ValueError, match="unknown speaker 'Bob'; valid choices: Emi, Nicolas"):
        select_speakers("Emi,Bob")


def test_consecutive_messages_merge_within_a_session_only() -> None:
    sessions = conversation_turns(_conversation())
    first = sessions[0]
    assert [(turn.speaker, turn.text, turn.dia_ids) for turn in first] == [
        ("Ann", "hi 1 and more 1", ("D1:1", "D1:2")),
        ("bob", "yo 1", ("D1:3",)),
        ("Ann", "bye 1", ("D1:4",)),
    ]
    # session 2 opens with Ann right after session 1 closed with Ann: not merged across the boundary
    assert sessions[1][0].text == "hi 2 and more 2" and sessions[1][0].session == 2
    assert [turn.index for session in sessions for turn in session] == list(range(12))


def test_real_conversations_alternate_after_merging_and_lose_no_message() -> None:
    conversation = load_conversations()[0]
    for session, turns in zip(conversation.sessions, conversation_turns(conversation), strict=True):
        assert all(a.speaker != b.speaker for a, b in pairwise(turns))
        assert [d for turn in turns for d in turn.dia_ids] == [m.dia_id for m in session.messages]
    assert merge_messages([], session=1) == []


@pytest.mark.parametrize(
    ("history_sessions", "dates"),
    [
        (0, ["January 4"]),
        (1, ["January 3", "January 4"]),
        (3, ["January 1", "January 2", "January 3", "January 4"]),
    ],
)
def test_context_holds_the_current_session_so_far_and_n_earlier_sessions(
    history_sessions: int, dates: list[str]
) -> None:
    samples = persona_samples(PersonaSplit("Ann", "x", "x"), _conversation(), "test", history_sessions)
    last = samples[-1]  # Ann's "bye 4", after bob's message and image of session 4
    assert [line[6:-6] for line in _text(last).splitlines() if line.startswith("DATE: ")] == dates
    assert _text(last).endswith(
        'DATE: January 4, 2024\nAnn: hi 4 and more 4\nBob: yo 4\nBob shared an image of "a dog."\nAnn:'
    )
    assert last.target == "bye 4"
    assert last.metadata == {
        "speaker": "Ann",
        "speaker_name": "Ann",
        "split": "test",
        "conversation_id": "Chat_99_Ann_Bob",
        "session": 4,
        "message_index": 11,
        "dia_ids": ["D4:4"],
        "bubbles": ["bye 4"],
        "session_history": 'Ann: hi 4 and more 4\nBob: yo 4\nBob shared an image of "a dog."',
    }
    opening = samples[-2]  # the first message of session 4: nothing of the session before it
    assert _text(opening).endswith("DATE: January 4, 2024\nAnn:") and _meta(opening)["session_history"] == ""


def test_all_history_sessions_and_parameter_parsing() -> None:
    parse = partial(whole_number_or_all, "history_sessions")
    assert parse("all") is None and parse(2) == 2
    assert parse("5") == 5
    for bad in (-1, "three", True, 1.5):
        with pytest.raises(ValueError, match="history_sessions must be"):
            parse(bad)
    [split] = select_speakers("Emi")
    conversation = next(c for c in load_conversations() if c.id == split.test)
    every = persona_samples(split, conversation, "test", None)
    assert _text(every[-1]).count("DATE: ") == len(conversation.sessions)


def test_dataset_covers_each_speaker_once_per_message_with_stable_ids() -> None:
    conversations = load_conversations()
    dataset = persona_dataset(conversations, select_speakers("Elise,Fahim"), "test", 3)
    ids = [sample.id for sample in dataset]
    assert len(ids) == len(set(ids)) and ids[0] == "Elise-Chat_1_Emi_Elise-m0001"
    assert {_meta(sample)["speaker"] for sample in dataset} == {"Elise", "Fahim"}
    fahim = [s for s in dataset if _meta(s)["speaker"] == "Fahim"]
    assert all(_meta(s)["speaker_name"] == "Fahim Khan" and _text(s).endswith("\nFahim Khan:") for s in fahim)
    train = persona_dataset(conversations, select_speakers("Elise"), "train", 3)
    assert {_meta(s)["conversation_id"] for s in train} == {"Chat_2_Kevin_Elise"}


def test_max_per_speaker_is_a_seeded_subsample_in_conversation_order() -> None:
    conversations = load_conversations()
    first = persona_dataset(conversations, select_speakers("Emi,Kevin"), "test", 3, max_per_speaker=5)
    again = persona_dataset(conversations, select_speakers("Kevin,Emi"), "test", 3, max_per_speaker=5)
    assert [s.id for s in first] == [s.id for s in again] and len(first) == 10
    emi = [_meta(s)["message_index"] for s in first if _meta(s)["speaker"] == "Emi"]
    head = [_meta(s)["message_index"] for s in persona_dataset(conversations, select_speakers("Emi"))][:5]
    assert emi == sorted(emi) and emi != head  # a seeded draw, not the first five


@pytest.mark.anyio
async def test_solver_renders_the_d1_system_and_user_messages() -> None:
    [split] = select_speakers("Elise")
    conversation = next(c for c in load_conversations() if c.id == split.test)
    sample = persona_samples(split, conversation, "test", 3)[5]
    assert sample.id is not None
    state = TaskState(
        model=ModelName("realtalk/mock"),
        sample_id=sample.id,
        epoch=1,
        input=sample.input,
        messages=[],
        target=None,  # type: ignore[arg-type]
        metadata=sample.metadata,
    )
    state = await persona_prompt()(state, None)  # type: ignore[arg-type]
    system, user = state.messages
    assert isinstance(system, ChatMessageSystem) and isinstance(user, ChatMessageUser)
    assert (
        system.text
        == "You are Elise. Continue the conversation.\nOutput only the message, not the speaker name."
    )
    assert user.text == sample.input and user.text.startswith("DATE: ") and user.text.endswith("\nElise:")


@pytest.mark.anyio
async def test_the_bubbles_prompt_is_d1_and_how_to_write_several_bubbles() -> None:
    state = _state("Elise", "DATE: x\nElise:", {})
    state = await persona_prompt("bubbles")(state, None)  # type: ignore[arg-type]
    assert state.messages[0].text == (
        "You are Elise. Continue the conversation.\nOutput only the message, not the speaker name.\n"
        "To send several chat messages in a row, put each on its own line."
    )


def _state(speaker: str, prompt: str, metadata: dict[str, Any], target: str = "") -> TaskState:
    return TaskState(
        model=ModelName("realtalk/mock"),
        sample_id="x",
        epoch=1,
        input=prompt,
        messages=[],
        target=Target(target),
        metadata={"speaker_name": speaker, **metadata},
        output=ModelOutput(),
    )


@pytest.mark.anyio
async def test_gold_solver_replies_with_the_real_bubbles_one_a_line() -> None:
    state = _state("Ann", "DATE: x\nAnn:", {"bubbles": ["hi 1", "and more 1"]}, "hi 1 and more 1")
    state = await persona_gold()(state, None)  # type: ignore[arg-type]
    assert state.output.completion == "hi 1\nand more 1" and state.messages[0].text.startswith("You are Ann.")
    assert merged_text(state.output.completion) == state.target.text  # what content and EI compare
    plain = await persona_gold()(_state("Ann", "DATE: x\nAnn:", {}, "bye"), None)  # type: ignore[arg-type]
    assert plain.output.completion == "bye"  # a sample without bubbles: its target


def test_turns_keep_their_bubbles_and_write_them_one_a_line() -> None:
    [first, bob, last] = conversation_turns(_conversation())[0]
    assert first.bubbles == ("hi 1", "and more 1") and first.text == "hi 1 and more 1"
    assert first.reply == "hi 1\nand more 1" and reply_bubbles(first.reply) == list(first.bubbles)
    assert bob.bubbles == ("yo 1",) and last.reply == "bye 1"
    assert merged_text("ok!\n\n  see you then \n") == "ok! see you then"


def test_another_persons_message_is_seeded_and_never_from_the_pair() -> None:
    conversations = load_conversations()
    dataset = persona_dataset(conversations, select_speakers("Emi,Vanessa"), "test", 3, max_per_speaker=20)
    first = with_other_person(dataset, conversations)
    again = with_other_person(dataset, conversations)
    assert [_meta(s)[OTHER_PERSON] for s in first] == [_meta(s)[OTHER_PERSON] for s in again]
    by_id = {c.id: c for c in conversations}
    people = set()
    for sample in first:
        other = _meta(sample)[OTHER_PERSON]
        pair = by_id[_meta(sample)["conversation_id"]]
        assert other["conversation_id"] != pair.id
        assert person(other["speaker"]) not in {person(s) for s in pair.speakers}
        source = by_id[other["conversation_id"]]
        texts = {
            t.text for turns in conversation_turns(source) for t in turns if t.speaker == other["speaker"]
        }
        assert " ".join(other["bubbles"]) in texts  # a real message of that person, bubbles kept
        people.add(person(other["speaker"]))
    assert len(people) > 3  # drawn from many people, not one


@pytest.mark.anyio
async def test_the_other_person_solver_answers_that_message_without_a_model() -> None:
    other = {"conversation_id": "Chat_2", "speaker": "Kevin", "bubbles": ["lol", "same"]}
    state = _state("Ann", "DATE: x\nAnn:", {OTHER_PERSON: other}, "bye")
    state = await persona_other_person()(state, None)  # type: ignore[arg-type]
    assert state.output.completion == "lol\nsame" and state.output.model == "other_person"


@pytest.mark.parametrize(
    ("completion", "expected"),
    [
        ("Elise: hey there", "hey there"),
        ("  elise :hey", "hey"),
        ("hey Elise: there", "hey Elise: there"),
        ("", ""),
    ],
)
def test_a_leading_speaker_name_is_stripped_from_the_prediction(completion: str, expected: str) -> None:
    assert predicted_message(completion, "Elise") == expected
