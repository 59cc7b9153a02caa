"""The real REALTALK files parse into the paper's numbers, and the data's quirks are absorbed."""

from collections import Counter

import pytest

from realtalk_evals.data.realtalk import load_conversations, resolve_conversation_id, select_conversations
from realtalk_evals.data.statistics import conversation_stats, dataset_totals
from realtalk_evals.memory.samples import memory_samples, select_categories


def test_ten_conversations_with_728_questions_in_the_paper_categories() -> None:
    conversations = load_conversations()
    assert len(conversations) == 10
    categories = Counter(qa.category_name for c in conversations for qa in c.qa)
    assert categories == {"multi_hop": 301, "temporal": 319, "commonsense": 108}
    assert [c.number for c in conversations] == list(range(1, 11))


def test_statistics_totals() -> None:
    totals = dataset_totals(conversation_stats(c) for c in load_conversations())
    assert totals["conversations"] == 10
    assert totals["questions"] == 728
    assert totals["sessions"] == 219
    assert totals["messages"] == 8944
    assert totals["events"] == 600


def test_sessions_are_ordered_and_dated_even_when_dia_ids_do_not_restart() -> None:
    emi_elise = select_conversations("1")[0]
    numbers = [s.number for s in emi_elise.sessions]
    assert numbers == sorted(numbers) == list(range(1, 19))
    # upstream quirk: session 4 continues the D3 dia_ids
    assert emi_elise.sessions[3].messages[0].dia_id == "D3:30"
    assert [s.date_time for s in emi_elise.sessions] == sorted(s.date_time for s in emi_elise.sessions)


def test_message_fields_and_image_captions() -> None:
    emi_elise = select_conversations("Chat_1_Emi_Elise")[0]
    first = emi_elise.sessions[0].messages[0]
    assert (first.speaker, first.text, first.dia_id) == ("Emi", "Hey! How are you?", "D1:1")
    assert first.timestamp is not None and first.timestamp.year == 2023
    captioned = [m for m in emi_elise.messages if m.image_caption]
    assert len(captioned) == 32
    assert captioned[0].dia_id == "D1:12"


def test_events_map_agent_a_to_speaker_1_and_empty_dates_to_none() -> None:
    emi_elise = select_conversations(1)[0]
    events = emi_elise.sessions[0].events
    assert events.speaker_1[0].text.startswith("Kate takes an Italian cooking class")
    assert events.speaker_2[0].text.startswith("Elise goes out to a bar")
    assert events.speaker_1[0].date is None


def test_speaker_names_are_matched_in_any_case() -> None:
    emi_elise = select_conversations(1)[0]
    assert emi_elise.speakers == ("Emi", "elise")
    assert emi_elise.speaker_named("Elise") == "elise"
    with pytest.raises(KeyError, match="speakers: Emi, elise"):
        emi_elise.speaker_named("Paola")


@pytest.mark.parametrize("name", ["1", 1, "Chat_1_Emi_Elise", "chat_1_emi_elise"])
def test_a_conversation_is_named_by_id_or_number(name: str | int) -> None:
    assert resolve_conversation_id(name, load_conversations()) == "Chat_1_Emi_Elise"


def test_unknown_conversation_lists_the_valid_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown conversation '11'.*1 \(Chat_1_Emi_Elise\)"):
        select_conversations("11")


def test_task_parameters_accept_yaml_lists_and_comma_strings() -> None:
    assert [c.number for c in select_conversations([2, 1])] == [1, 2]
    assert [c.number for c in select_conversations("2,1")] == [1, 2]
    assert select_categories("multi_hop,3") == [1, 3]
    assert select_categories([2]) == [2]
    assert select_categories("Multi-Hop") == [1]
    with pytest.raises(ValueError, match="valid choices: 1 \\(multi_hop\\)"):
        select_categories("spatial")


def test_memory_samples_have_stable_unique_ids_and_metadata() -> None:
    samples = memory_samples(load_conversations(), [1, 2, 3])
    assert len(samples) == 728
    assert len({s.id for s in samples}) == 728
    first = samples[0]
    assert first.id == "Chat_1_Emi_Elise-q000"
    assert first.target == "Cooking, skiing, hiking"
    assert first.metadata == {
        "conversation_id": "Chat_1_Emi_Elise",
        "question_index": 0,
        "question": "What are Kate's hobbies?",
        "category": 1,
        "category_name": "multi_hop",
        "evidence": ["D1:6", "D1:40", "D3:69"],
    }
    temporal = memory_samples(select_conversations(10), [2])
    assert len(temporal) == 45 and {(s.metadata or {})["category"] for s in temporal} == {2}
