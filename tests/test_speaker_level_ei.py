"""Speaker-level EI (paper section 4.3) on hand-worked conversations."""

from __future__ import annotations

import math
from typing import Any

import pytest

from realtalk_evals.ei import SPEAKER_METRICS, PersonaConsistency, SpeakerEI, speaker_level_ei
from realtalk_evals.ei.speaker_level import (
    exponential_progression,
    label_entropy,
    linear_progression,
    message_labels,
    persona_consistency,
    speaker_level_by_conversation,
)


def message(session: int, speaker: str, emotion: str | None = "joy", **labels: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "reflective": False,
        "grounding": False,
        "sentiment": "positive",
        "intimacy": 0.5,
        "empathy": 1.0,
    }
    return {"session": session, "speaker": speaker, "emotion": emotion, **defaults, **labels}


def two_sessions() -> list[dict[str, Any]]:
    """Ann and Bob alternate; session 2 opens with Ann right after Bob's last message of session 1."""
    return [
        message(1, "Ann", "joy", sentiment="positive", reflective=True, intimacy=0.2, empathy=2),
        message(1, "Bob", "joy", sentiment="positive", grounding=True, intimacy=0.4),
        message(1, "Ann", "sadness", sentiment="negative", reflective=None, intimacy=0.4, empathy=4),
        message(1, "Bob", "joy", sentiment="positive", intimacy=0.6),
        message(2, "Ann", "joy", sentiment="positive", intimacy=0.5, empathy=math.nan),
        message(2, "Bob", "anger", sentiment="negative", grounding=True, intimacy=0.8),
        message(2, "Ann", "joy", sentiment="neutral", intimacy=0.5, empathy=3),
    ]


def test_entropy_in_bits() -> None:
    assert label_entropy(["a", "a", "b", "b"]) == pytest.approx(1.0)
    assert label_entropy(["negative", "neutral", "positive"]) == pytest.approx(math.log2(3))
    assert label_entropy(["joy", "joy"]) == 0.0
    assert label_entropy([]) is None


def test_hand_worked_two_session_conversation() -> None:
    result = speaker_level_ei(two_sessions())
    assert list(result) == ["Ann", "Bob"]
    ann, bob = result["Ann"], result["Bob"]
    assert list(ann) == list(SPEAKER_METRICS)

    # Ann: joy, sadness, joy, joy -> p = 3/4, 1/4
    assert ann["emotion_diversity"] == pytest.approx(-(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)))
    # Bob: joy, joy, anger -> p = 2/3, 1/3
    assert bob["emotion_diversity"] == pytest.approx(-(2 / 3 * math.log2(2 / 3) + 1 / 3 * math.log2(1 / 3)))
    # Ann's sentiments: positive, negative, positive, neutral
    assert ann["sentiment_diversity"] == pytest.approx(1.5)

    # a failed label (None, NaN) is left out: reflective True, -, False, False; empathy 2, 4, -, 3
    assert ann["reflective_frequency"] == pytest.approx(1 / 3)
    assert ann["empathy"] == pytest.approx(3.0)
    assert bob["grounding_frequency"] == pytest.approx(2 / 3)
    assert ann["grounding_frequency"] == 0.0

    # stability within sessions only: Ann (joy, sadness) in 1, (joy, joy) in 2; never sadness -> joy across
    assert ann["emotion_stability"] == pytest.approx(1 / 2)
    assert bob["emotion_stability"] == pytest.approx(1.0)  # (joy, joy) in session 1; one message in 2
    assert ann["sentiment_stability"] == pytest.approx(0.0)  # (positive, negative), (positive, neutral)

    # alignment with the partner's message just before, in the same session: Ann's 2nd (joy -> sadness) and
    # last (anger -> joy); her first message of session 2 follows Bob's of session 1 and is not a pair
    assert ann["emotion_alignment"] == 0.0
    # Bob: after joy (joy: 1), after sadness (joy: 0), after joy (anger: 0)
    assert bob["emotion_alignment"] == pytest.approx(1 / 3)
    assert bob["sentiment_alignment"] == pytest.approx(1 / 3)

    # intimacy: Ann's session means 0.3 and 0.5 -> slope 0.2, and 0.3 = a*e^b, 0.5 = a*e^(2b)
    assert ann["intimacy_progression_linear"] == pytest.approx(0.2)
    assert ann["intimacy_progression_exp"] == pytest.approx(math.log(0.5 / 0.3), rel=1e-4)
    assert bob["intimacy_progression_linear"] == pytest.approx(0.8 - 0.5)


def test_alignment_only_after_a_partner_message_and_stability_over_own_runs() -> None:
    messages = [  # unmerged bubbles: Ann twice, then Bob twice
        message(1, "Ann", "joy"),
        message(1, "Ann", "joy"),
        message(1, "Bob", "joy"),
        message(1, "Bob", "fear"),
    ]
    result = speaker_level_ei(messages)
    assert result["Ann"]["emotion_alignment"] is None  # Ann never answers Bob
    assert result["Bob"]["emotion_alignment"] == 1.0  # only Bob's first bubble follows Ann
    assert result["Ann"]["emotion_stability"] == 1.0
    assert result["Bob"]["emotion_stability"] == 0.0


def test_pairs_with_a_missing_label_are_left_out() -> None:
    messages = [
        message(1, "Ann", "joy"),
        message(1, "Bob", None),
        message(1, "Ann", "joy"),
        message(1, "Bob", "joy"),
        message(1, "Ann", "anger"),
    ]
    result = speaker_level_ei(messages)
    # Ann's pairs: (joy, joy), (joy, anger); after Bob: (None, joy) skipped, (joy, anger)
    assert result["Ann"]["emotion_stability"] == pytest.approx(0.5)
    assert result["Ann"]["emotion_alignment"] == 0.0
    # Bob: (None, joy) skipped -> no stability pair; alignment (joy -> None) skipped, (joy -> joy)
    assert result["Bob"]["emotion_stability"] is None
    assert result["Bob"]["emotion_alignment"] == 1.0
    assert result["Bob"]["emotion_diversity"] == 0.0  # one measured label


def test_intimacy_progression_uses_the_sessions_the_speaker_wrote_in() -> None:
    messages = [
        message(1, "Ann", intimacy=0.2),
        message(1, "Bob", intimacy=0.9),
        message(2, "Bob", intimacy=0.9),
        message(3, "Ann", intimacy=0.6),
        message(3, "Ann", intimacy=math.nan),  # a failed intimacy is left out of the session mean
    ]
    # Released social_skills.py: x = 1..n over the sessions Ann wrote in (sessions 1 and 3 -> x = 1, 2).
    ann = speaker_level_ei(messages)["Ann"]
    assert ann["intimacy_progression_linear"] == pytest.approx(0.6 - 0.2)
    assert ann["intimacy_progression_exp"] == pytest.approx(math.log(3), rel=1e-4)
    # The named variant fits against the session numbers 1 and 3.
    by_number = speaker_level_ei(messages, intimacy_x="session")["Ann"]
    assert by_number["intimacy_progression_linear"] == pytest.approx((0.6 - 0.2) / 2)
    assert by_number["intimacy_progression_exp"] == pytest.approx(math.log(3) / 2, rel=1e-4)
    with pytest.raises(ValueError, match="position"):
        speaker_level_ei(messages, intimacy_x="sessions")  # type: ignore[arg-type]
    bob = speaker_level_ei(messages)["Bob"]
    assert bob["intimacy_progression_linear"] == pytest.approx(0.0, abs=1e-12)
    assert bob["intimacy_progression_exp"] == pytest.approx(0.0, abs=1e-6)


def test_a_non_converging_exponential_fit_is_missing_not_zero() -> None:
    # session means 0, 0, 0.5: the least-squares a*e^(b*x) runs off to b -> infinity
    assert exponential_progression([1, 2, 3], [0.0, 0.0, 0.5]) is None
    assert linear_progression([1, 2, 3], [0.0, 0.0, 0.5]) == pytest.approx(0.25)
    messages = [message(s, "Ann", intimacy=v) for s, v in ((1, 0.0), (2, 0.0), (3, 0.5))]
    ann = speaker_level_ei(messages)["Ann"]
    assert ann["intimacy_progression_exp"] is None and ann["intimacy_progression_linear"] == pytest.approx(
        0.25
    )


def test_a_speaker_with_one_session_or_no_labels_has_missing_numbers() -> None:
    messages = [
        message(1, "Ann", None, reflective=None, grounding=None, sentiment=None, intimacy=None, empathy=None),
        message(1, "Bob"),
    ]
    ann = speaker_level_ei(messages)["Ann"]
    assert all(value is None for value in ann.values())
    bob = speaker_level_ei(messages)["Bob"]
    assert bob["intimacy_progression_linear"] is None and bob["intimacy_progression_exp"] is None
    assert bob["emotion_diversity"] == 0.0 and bob["emotion_alignment"] is None  # Ann's emotion failed
    assert speaker_level_ei([]) == {}


def test_messages_of_several_conversations_are_put_back_in_order_by_position() -> None:
    ordered = two_sessions()
    other = [message(1, "Cy", "fear"), message(1, "Dee", "fear")]
    shuffled = [
        ("b", 1, other[1]),
        *[("a", i, m) for i, m in reversed(list(enumerate(ordered)))],
        ("b", 0, other[0]),
    ]
    result = speaker_level_by_conversation(shuffled)
    assert list(result) == ["b", "a"]
    assert result == {"a": speaker_level_ei(ordered), "b": speaker_level_ei(other)}
    assert result["b"]["Dee"]["emotion_alignment"] == 1.0  # Dee answers Cy once the order is restored


def test_message_labels_from_a_message_ei_dump() -> None:
    ei = {"reflective": True, "grounding": None, "empathy": 3, "sentiment": "neutral", "emotion": "joy"}
    assert message_labels(4, "Ann", ei) == {
        "session": 4,
        "speaker": "Ann",
        "reflective": True,
        "grounding": None,
        "emotion": "joy",
        "sentiment": "neutral",
        "intimacy": None,
        "empathy": 3,
    }


def test_persona_consistency_matches_names_in_any_case() -> None:
    first: SpeakerEI = dict.fromkeys(SPEAKER_METRICS, 0.5)
    second: SpeakerEI = {**dict.fromkeys(SPEAKER_METRICS, 0.25), "intimacy_progression_exp": None}
    result = persona_consistency(
        {
            "Chat_1_Ann_Bob": {"Ann": first, "Bob": first},
            "Chat_2_Cy_Ann": {"Cy": second, "ann": second},
        }
    )
    assert result == [
        PersonaConsistency(
            person="Ann",
            conversations=("Chat_1_Ann_Bob", "Chat_2_Cy_Ann"),
            differences={**dict.fromkeys(SPEAKER_METRICS, 0.25), "intimacy_progression_exp": None},
        )
    ]


def test_table_8_persona_consistency_is_the_mean_absolute_difference() -> None:
    """Appendix E.2's one number per speaker, hand-computed from two conversations' speaker-level EI."""
    first: SpeakerEI = dict.fromkeys(SPEAKER_METRICS, 0.5)
    second: SpeakerEI = dict.fromkeys(SPEAKER_METRICS, 0.5)
    first |= {"reflective_frequency": 0.10, "empathy": 3.0, "intimacy_progression_linear": 0.001}
    second |= {"reflective_frequency": 0.30, "empathy": 2.0, "intimacy_progression_linear": -0.001}
    second["emotion_alignment"] = None  # not measured in one conversation: left out of the mean
    [row] = persona_consistency({"Chat_1_Ann_Bob": {"Ann": first}, "Chat_2_Ann_Cy": {"Ann": second}})
    # |0.1 - 0.3| = 0.2, |3 - 2| = 1, |0.001 + 0.001| = 0.002, seven zeros: ten measured attributes
    assert row.mean_difference() == pytest.approx((0.2 + 1.0 + 0.002) / 10)
    # in table 7's units intimacy progression counts in 1e-3: 0.002 -> 2
    scale = {"intimacy_progression_linear": 1e3, "intimacy_progression_exp": 1e3}
    assert row.mean_difference(scale) == pytest.approx((0.2 + 1.0 + 2.0) / 10)
    nothing = PersonaConsistency("Ann", ("a", "b"), dict.fromkeys(SPEAKER_METRICS))
    assert nothing.mean_difference() is None
