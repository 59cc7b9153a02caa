"""The appendix-C judges: verbatim prompts, how they are filled, how replies are read or recorded as failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai.model import ChatMessage, Model, ModelOutput, get_model

from realtalk_evals import prompts
from realtalk_evals.ei import MessageEI, MessageInContext, judge_message, parse_empathy, parse_true_false
from realtalk_evals.ei.judges import EMPATHY, GROUNDING, REFLECTIVE

# /work/shared, above the repository (or above its worktree folder)
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents[2:4] if (p / "shared").is_dir()), Path()
)
PAPER = SHARED / "paper" / "realtalk_paper.txt"
RELEASED = SHARED / "reference" / "realtalk-released"
MESSAGE = MessageInContext(history="Ann: I failed my exam.", speaker="bob", text="Oh no, how do you feel?")


def _paper_text() -> str:
    if not PAPER.is_file():
        pytest.skip("the paper text is not available")
    return "\n".join(line.rstrip() for line in PAPER.read_text(encoding="utf-8").splitlines())


def test_c1_c2_c3_and_d1_are_verbatim_from_the_paper() -> None:
    paper = _paper_text()
    assert prompts.REFLECTIVE_JUDGE in paper
    assert prompts.GROUNDING_JUDGE_PAPER in paper
    assert prompts.EMPATHY_JUDGE_PAPER.replace("{{", "{").replace("}}", "}") in paper
    assert prompts.PERSONA_SYSTEM in paper
    assert "User:\n\n{previous conversation}\n{speaker}" in paper  # D.1's user message, as PERSONA_USER
    assert prompts.GROUNDING_JUDGE.startswith(prompts.GROUNDING_JUDGE_PAPER)
    assert prompts.EMPATHY_JUDGE.startswith(prompts.EMPATHY_JUDGE_PAPER)


def test_c2_and_c3_endings_are_the_released_codes() -> None:
    """Where the paper stops (C.2's ending, C.3's input), the released code's wording is used verbatim."""
    if not RELEASED.is_dir():
        pytest.skip("the released REALTALK code is not available")
    judges = RELEASED / "eval_emotional_intelligence"
    for ending, source in (
        (prompts.GROUNDING_JUDGE_ENDING, judges / "motivation.py"),
        (prompts.EMPATHY_JUDGE_INPUT, judges / "empathy.py"),
    ):
        released = ending.replace("{dialogue_history_within_session}", "\n{dialogue_context}")
        assert released.replace("{turn}", "{text}") in source.read_text(encoding="utf-8")


def test_prompts_hold_the_session_ending_with_the_judged_message() -> None:
    context = "\nAnn: I failed my exam.\nBob: Oh no, how do you feel?"
    reflective = REFLECTIVE.prompt(MESSAGE)  # C.1 as printed
    assert f"Given this dialogue context: {context}\n\n" in reflective
    assert "the speaker's last message (Oh no, how do you feel?) is" in reflective
    assert reflective.endswith("for not reflective.")
    assert GROUNDING.prompt(
        MESSAGE
    ).endswith(  # the released code's ending, naming the speaker
        "does not serve as a grounding act." + f"\n\nGiven this dialogue context:{context}\n\n"
        "Determine whether the Bob's last message ('Oh no, how do you feel?') is grounding or not.\n"
        "Respond only with 'True' for grounding or 'False' for not grounding."
    )
    empathy = EMPATHY.prompt(MESSAGE)
    assert empathy.startswith("Empathy Assessment") and '"emotional_reaction": [0-2],' in empathy
    assert empathy.endswith(
        f"```\n\nGiven this dialogue context:{context}\n\n"
        "Score the empathy of Bob's last message ('Oh no, how do you feel?') in JSON format."
    )
    opening = MessageInContext(history="", speaker="Ann", text="Hi!")
    assert "Given this dialogue context: \nAnn: Hi!\n\n" in REFLECTIVE.prompt(opening)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("True", True),
        ("False", False),
        ("True.", True),
        ("**False**", False),
        ("'true'", True),
        ("  FALSE\n", False),
        ("Answer: True", True),
        ("True or False", None),
        ("Reflective", None),
        ("", None),
        ("Truely not", None),
    ],
)
def test_true_false_replies(reply: str, expected: bool | None) -> None:
    assert parse_true_false(reply) is expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            '{"emotional_reaction": 2, "interpretation": 1, "exploration": 0}',
            {"emotional_reaction": 2, "interpretation": 1, "exploration": 0},
        ),
        (
            '```json\n{"emotional_reaction": 1.0, "interpretation": 0, "exploration": 2}\n```',
            {"emotional_reaction": 1, "interpretation": 0, "exploration": 2},
        ),
        (
            'Sure: {"emotional_reaction": 0, "interpretation": 0, "exploration": 0, "total": 0}',
            {"emotional_reaction": 0, "interpretation": 0, "exploration": 0},
        ),
        ('{"emotional_reaction": 3, "interpretation": 1, "exploration": 0}', None),
        ('{"emotional_reaction": -1, "interpretation": 1, "exploration": 0}', None),
        ('{"emotional_reaction": 1.5, "interpretation": 1, "exploration": 0}', None),
        ('{"emotional_reaction": "2", "interpretation": 1, "exploration": 0}', None),
        ('{"emotional_reaction": true, "interpretation": 1, "exploration": 0}', None),
        ('{"emotional_reaction": 1, "interpretation": 1}', None),
        ("emotional_reaction: 1, interpretation: 1, exploration: 1", None),
    ],
)
def test_empathy_replies(reply: str, expected: dict[str, int] | None) -> None:
    assert parse_empathy(reply) == expected


def _grader(reply: object, seen: list[list[ChatMessage]]) -> Model:
    def respond(messages: list[ChatMessage], *_: object) -> ModelOutput:
        seen.append(messages)
        text = reply(messages) if callable(reply) else reply
        return ModelOutput.from_content(model="grader", content=str(text))

    return get_model("realtalk/grader", custom_outputs=respond, memoize=False)


@pytest.mark.anyio
async def test_judged_message_sums_empathy_components() -> None:
    def reply(messages: list[ChatMessage]) -> str:
        if messages[0].text.startswith("Empathy"):
            return '{"emotional_reaction": 2, "interpretation": 1, "exploration": 2}'
        return "True" if messages[0].text.startswith("Reflectiveness") else "**False**"

    seen: list[list[ChatMessage]] = []
    record = await judge_message(_grader(reply, seen), MESSAGE)
    assert record == MessageEI(
        reflective=True,
        grounding=False,
        empathy=5,
        empathy_components={"emotional_reaction": 2, "interpretation": 1, "exploration": 2},
    )
    assert len(seen) == 3
    assert all(len(messages) == 1 and messages[0].role == "system" for messages in seen)  # as released


@pytest.mark.anyio
async def test_unreadable_replies_are_repaired_once_then_recorded_as_failures() -> None:
    seen: list[list[ChatMessage]] = []
    record = await judge_message(_grader("I would say maybe.", seen), MESSAGE)
    assert record.reflective is None and record.grounding is None and record.empathy is None
    assert [f.attribute for f in record.failures] == ["reflective", "grounding", "empathy"]
    assert all(f.raw == ["I would say maybe.", "I would say maybe."] for f in record.failures)
    assert len(seen) == 6  # each judge: the prompt, then one repair turn in the same chat
    assert (
        sorted(tuple(m.role for m in messages) for messages in seen)
        == [("system",)] * 3 + [("system", "assistant", "user")] * 3
    )
    repairs = {messages[-1].text for messages in seen if len(messages) == 3}
    assert repairs == {prompts.EI_TRUE_FALSE_REPAIR, prompts.EMPATHY_JUDGE_REPAIR}


@pytest.mark.anyio
async def test_an_out_of_range_empathy_reply_is_a_failure_not_a_clipped_score() -> None:
    def reply(messages: list[ChatMessage]) -> str:
        if messages[0].text.startswith("Empathy"):
            return '{"emotional_reaction": 4, "interpretation": 1, "exploration": 2}'
        return "False"

    record = await judge_message(_grader(reply, []), MESSAGE)
    assert record.empathy is None and record.failed("empathy") and not record.failed("reflective")
    assert record.reflective is False and record.grounding is False
