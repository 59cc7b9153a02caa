"""Property-based checks over arbitrary unicode: the F1, the prompt renderers and the reply parsers never crash."""

from __future__ import annotations

import itertools
import re
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realtalk_evals.data.records import Conversation, Message, Session
from realtalk_evals.ei.judges import parse_empathy, parse_true_false
from realtalk_evals.judging.ask import json_objects, parse_unit_score
from realtalk_evals.memory.answer_f1 import partial_match_f1, stemmed_tokens, token_f1
from realtalk_evals.memory.context import render_context, render_memory_prompt
from realtalk_evals.persona.samples import (
    merge_messages,
    persona_user_prompt,
    predicted_message,
    render_turns,
)

text = st.text(max_size=200)
category = st.sampled_from([1, 2, 3])


@pytest.mark.slow
@given(text, text, category)
def test_f1_is_always_between_zero_and_one(prediction: str, answer: str, category: int) -> None:
    assert 0.0 <= partial_match_f1(prediction, answer, category) <= 1.0


@given(text, text)
def test_token_f1_is_symmetric(a: str, b: str) -> None:
    assert token_f1(a, b) == token_f1(b, a)


@given(text, category)
def test_identical_answers_score_one_when_a_token_survives_normalisation(answer: str, category: int) -> None:
    gold = answer.split(";")[0] if category == 3 else answer
    parts = gold.split(",") if category == 1 else [gold]
    if all(stemmed_tokens(part) for part in parts):
        assert partial_match_f1(gold, answer, category) == 1.0


@given(
    st.lists(st.tuples(st.sampled_from(["Ann", "bob"]), text, st.none() | text), min_size=1, max_size=5), text
)
@settings(max_examples=50)
def test_renderer_keeps_every_message_and_ends_with_the_question(
    messages: list[tuple[str, str, str | None]], question: str
) -> None:
    session = Session(
        number=1,
        date_time=datetime(2024, 1, 1),
        messages=[
            Message(speaker=s, clean_text=t, dia_id=f"D1:{i}", blip_caption=c)
            for i, (s, t, c) in enumerate(messages)
        ],
    )
    conversation = Conversation(id="Chat_1_Ann_bob", speaker_1="Ann", speaker_2="bob", sessions=[session])
    for memory_input in ("conversation", "events"):
        prompt = render_memory_prompt(render_context(conversation, memory_input), question)  # type: ignore[arg-type]
        assert prompt.endswith(f"Question: {question}\n\nAnswer:")
    context = render_context(conversation)
    for _, message_text, _ in messages:
        if message_text.strip():
            assert f'"{message_text}"' in context


@given(text)
def test_judge_reply_parser_never_raises_and_stays_in_range(reply: str) -> None:
    score = parse_unit_score(reply)
    assert score is None or 0.0 <= score <= 1.0
    assert all(isinstance(obj, dict) for obj in json_objects(reply))


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.text(max_size=10) | st.booleans())
def test_judge_scores_outside_the_unit_interval_or_not_numbers_are_rejected(value: object) -> None:
    import json

    reply = json.dumps({"score": value})
    parsed = parse_unit_score(reply)
    valid = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    assert (parsed is not None) == valid


@given(text)
def test_true_false_parser_never_raises_and_reads_a_lone_word(reply: str) -> None:
    parsed = parse_true_false(reply)
    assert parsed in (True, False, None)
    assert parse_true_false(f"**{'True' if parsed else 'False'}**") == bool(parsed)


@given(text)
def test_empathy_parser_never_raises_and_keeps_components_in_range(reply: str) -> None:
    parsed = parse_empathy(reply)
    assert parsed is None or (len(parsed) == 3 and all(0 <= value <= 2 for value in parsed.values()))


@given(
    st.dictionaries(
        st.sampled_from(["emotional_reaction", "interpretation", "exploration"]),
        st.integers(-3, 5) | st.floats(allow_nan=True) | st.text(max_size=3) | st.booleans(),
    )
)
def test_empathy_components_out_of_range_or_not_integers_are_rejected(components: dict[str, object]) -> None:
    import json

    valid = len(components) == 3 and all(
        isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() and 0 <= v <= 2
        for v in components.values()
    )
    assert (parse_empathy(json.dumps(components)) is not None) == valid


@given(st.lists(st.tuples(st.sampled_from(["Ann", "bob"]), text), min_size=1, max_size=6), text)
@settings(max_examples=50)
def test_persona_prompt_keeps_every_message_once_merged_and_ends_with_the_speaker(
    bubbles: list[tuple[str, str]], completion: str
) -> None:
    messages = [Message(speaker=s, clean_text=t, dia_id=f"D1:{i}") for i, (s, t) in enumerate(bubbles)]
    turns = merge_messages(messages, session=1)
    assert all(a.speaker != b.speaker for a, b in itertools.pairwise(turns))
    history = render_turns(turns)
    for _, bubble in bubbles:
        assert bubble.strip() in history
    prompt = persona_user_prompt(history, "bob")
    assert prompt.rstrip().endswith("Bob:")
    assert isinstance(predicted_message(completion, "Bob"), str)
    if not re.match(r"\s*bob\s*:", completion, re.IGNORECASE):
        assert predicted_message(f"BOB:  {completion} ", "Bob") == completion.strip()
