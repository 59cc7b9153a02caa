"""The appendix D.2 prompt: header, chronological sessions, message and image lines, events, question last."""

from datetime import datetime
from pathlib import Path

import pytest

from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.data.records import Conversation, Event, Message, Session, SessionEvents, format_date
from realtalk_evals.memory.context import render_context, render_memory_prompt

# /work/shared, above the repository (or above its worktree folder)
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents[2:4] if (p / "shared").is_dir()), Path()
)
PAPER = SHARED / "paper" / "realtalk_paper.txt"


def _conversation() -> Conversation:
    late = Session(
        number=2,
        date_time=datetime(2025, 2, 11, 9, 0),
        messages=[Message(speaker="bob", clean_text="Later day", dia_id="D2:1")],
        events=SessionEvents(agent_b=[Event.model_validate({"sub-event": "Bob buys a bike.", "date": ""})]),
    )
    early = Session(
        number=1,
        date_time=datetime(2025, 2, 10, 20, 15),
        messages=[
            Message(speaker="Alice", clean_text="Hey, how have you been?", dia_id="D1:1"),
            Message(speaker="bob", clean_text="Busy.", dia_id="D1:2", blip_caption="papers on the desk"),
        ],
        events=SessionEvents(
            agent_a=[Event.model_validate({"sub-event": "Alice starts a job.", "date": "10 Feb"})],
            agent_b=[Event.model_validate({"sub-event": "Bob is busy.", "date": ""})],
        ),
    )
    return Conversation(id="Chat_99_Alice_Bob", speaker_1="Alice", speaker_2="bob", sessions=[late, early])


def test_conversation_input_matches_appendix_d2_layout() -> None:
    assert render_context(_conversation()) == (
        "Below is a conversation between Alice and Bob, spanning multiple days. "
        "Each session starts with the corresponding date.\n\n"
        "DATE: February 10, 2025\n\nCONVERSATION:\n\n"
        'Alice: "Hey, how have you been?"\n'
        'Bob: "Busy."\n'
        'Bob shared an image of "papers on the desk."\n\n'
        "DATE: February 11, 2025\n\nCONVERSATION:\n\n"
        'Bob: "Later day"'
    )


def test_the_papers_d2_example_is_rendered_line_for_line() -> None:
    """Every line of appendix D.2's Alice and Bob example, image line included, as the paper prints it."""
    if not PAPER.is_file():
        pytest.skip("the paper text is not available")
    paper = PAPER.read_text(encoding="utf-8")
    printed = paper[paper.index("D.2 Memory Probing") : paper.index("E Experimental Results")]
    example = Conversation(
        id="Chat_99_Alice_Bob",
        speaker_1="Alice",
        speaker_2="Bob",
        sessions=[
            Session(
                number=1,
                date_time=datetime(2025, 2, 10, 9, 0),
                messages=[
                    Message(speaker="Alice", clean_text="Hey, how have you been?", dia_id="D1:1"),
                    Message(
                        speaker="Bob",
                        clean_text="I’m good, just busy with work. How about you?",
                        dia_id="D1:2",
                    ),
                    Message(
                        speaker="Alice",
                        clean_text="Same here, lots of meetings this week.",
                        dia_id="D1:3",
                        blip_caption="papers on the desk",
                    ),
                ],
            )
        ],
    )
    prompt = render_memory_prompt(render_context(example), "What has Alice been busy with?")
    lines = [line for line in prompt.splitlines() if line]
    assert 'Alice shared an image of "papers on the desk."' in lines
    assert [line for line in lines if f"\n{line}\n" not in printed] == []


def test_events_input_lists_each_sessions_events_per_speaker() -> None:
    assert render_context(_conversation(), "events") == (
        "Below are the key events from a conversation between Alice and Bob, spanning multiple days. "
        "Each session starts with the corresponding date.\n\n"
        "DATE: February 10, 2025\n\nEVENTS:\n\n"
        "Alice: Alice starts a job. (10 Feb)\n"
        "Bob: Bob is busy.\n\n"
        "DATE: February 11, 2025\n\nEVENTS:\n\n"
        "Bob: Bob buys a bike."
    )


def test_question_comes_last_after_the_d2_instruction() -> None:
    prompt = render_memory_prompt("CONTEXT", "What has Alice been busy with?")
    assert prompt.startswith(
        "CONTEXT\n\nBased on the provided context, generate a concise short-phrase answer"
    )
    assert prompt.endswith("etc.).\n\nQuestion: What has Alice been busy with?\n\nAnswer:")


def test_real_conversation_renders_every_session_in_order_with_its_images() -> None:
    conversation = select_conversations(1)[0]
    text = render_context(conversation)
    assert text.startswith("Below is a conversation between Emi and Elise")
    dates = [line for line in text.splitlines() if line.startswith("DATE: ")]
    assert dates == [f"DATE: {format_date(s.date_time)}" for s in conversation.sessions]
    assert dates[0] == "DATE: December 29, 2023" and dates[-1] == "DATE: January 19, 2024"
    assert text.count(" shared an image of ") == 32
    assert 'Elise shared an image of "brightly colored bar with stools' in text
    assert text.count('\nEmi: "') + text.count('\nElise: "') == 476


def test_all_questions_of_a_conversation_share_one_prefix() -> None:
    conversation = select_conversations(2)[0]
    context = render_context(conversation)
    prompts = [render_memory_prompt(context, qa.question) for qa in conversation.qa]
    assert all(prompt.startswith(context) for prompt in prompts)
