"""The LoCoMo loader on the real upstream files, and on malformed copies."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from realtalk_evals.data.locomo import (
    load_locomo_conversations,
    load_locomo_file,
    locomo_conversation_from_json,
)
from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.data.records import QA
from realtalk_evals.errors import DatasetError

SESSIONS = {1: 19, 2: 19, 3: 32, 4: 29, 5: 29, 6: 28, 7: 31, 8: 30, 9: 25, 10: 30}


def test_all_ten_conversations_parse_in_chat_order() -> None:
    conversations = load_locomo_conversations()
    assert [c.number for c in conversations] == list(range(1, 11))
    assert conversations[0].id == "Chat_1_Caroline_Melanie"
    assert conversations[0].speakers == ("Caroline", "Melanie")
    assert {c.number: len(c.sessions) for c in conversations} == SESSIONS
    assert sum(len(c.messages) for c in conversations) == 5882
    for conversation in conversations:
        assert conversation.qa == []  # LoCoMo's questions go to locomo_qa: REALTALK's QA stays strict
        assert [s.number for s in conversation.sessions] == list(range(1, len(conversation.sessions) + 1))
        times = [session.date_time for session in conversation.sessions]
        assert times == sorted(times)
        assert all(m.speaker in conversation.speakers and m.text.strip() for m in conversation.messages)


def test_session_times_messages_and_images_of_the_first_file() -> None:
    first = load_locomo_conversations()[0]
    assert first.sessions[0].date_time == datetime(2023, 5, 8, 13, 56)
    opening = first.sessions[0].messages[0]
    assert (opening.speaker, opening.dia_id) == ("Caroline", "D1:1")
    assert opening.text == "Hey Mel! Good to see you! How have you been?"
    assert opening.image_caption is None
    captioned = [m for m in first.messages if m.image_caption]
    assert len(captioned) == 116 and all(m.text for m in captioned)


def test_conversations_are_selected_by_number_or_id() -> None:
    conversations = load_locomo_conversations()
    chosen = select_conversations("2,Chat_10_Calvin_Dave", conversations)
    assert [c.id for c in chosen] == ["Chat_2_Jon_Gina", "Chat_10_Calvin_Dave"]


def test_realtalk_questions_keep_their_three_categories() -> None:
    with pytest.raises(ValidationError):
        QA(question="q", answer="a", category=4)  # type: ignore[arg-type]


def _raw(**changes: Any) -> dict[str, Any]:
    conversation: dict[str, Any] = {
        "speaker_a": "Ann",
        "speaker_b": "Bob",
        "session_1_date_time": "9:05 am on 1 January, 2024",
        "session_1": [
            {"speaker": "Ann", "dia_id": "D1:1", "text": "hi"},
            {"speaker": "Bob", "dia_id": "D1:2", "text": "look", "blip_caption": "a dog", "img_url": ["u"]},
        ],
        "session_2_date_time": "10:00 PM on 2 January, 2024",
        "session_2": [{"speaker": "Ann", "dia_id": "D2:1", "text": "bye"}],
        "session_3_date_time": "1:00 pm on 3 January, 2024",
    }
    conversation.update(changes)
    return {"conversation": conversation, "qa": [{"question": "q", "answer": 5, "category": 5}]}


def test_a_small_file_with_images_and_dates_without_sessions(tmp_path: Path) -> None:
    path = tmp_path / "Chat_3_Ann_Bob.json"
    path.write_text(json.dumps(_raw()), encoding="utf-8")
    conversation = load_locomo_file(path)
    assert conversation.id == "Chat_3_Ann_Bob" and conversation.number == 3
    assert [s.number for s in conversation.sessions] == [1, 2]
    assert conversation.sessions[1].date_time == datetime(2024, 1, 2, 22, 0)
    assert conversation.messages[1].image_caption == "a dog"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"session_1": [{"speaker": "Cy", "dia_id": "D1:1", "text": "hi"}]}, "speaker 'Cy' is neither of"),
        ({"session_1_date_time": "yesterday"}, "session_1: unreadable session time 'yesterday'"),
        ({"session_2": {"speaker": "Ann"}}, "session_2 is not a list of messages"),
        ({"session_1": [{"speaker": "Ann", "text": "hi"}]}, "missing or malformed field: 'dia_id'"),
        ({"session_1": [], "session_2": []}, "no session_N with messages"),
    ],
)
def test_malformed_files_name_the_problem(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        locomo_conversation_from_json("Chat_1_Ann_Bob", _raw(**changes), source="copy.json")


def test_a_file_without_a_conversation_object_is_refused() -> None:
    with pytest.raises(DatasetError, match="copy.json: expected a JSON object with a `conversation` object"):
        locomo_conversation_from_json("Chat_1_Ann_Bob", {"qa": []}, source="copy.json")
    with pytest.raises(DatasetError, match="no LoCoMo Chat_"):
        load_locomo_conversations(Path(__file__).parent)
