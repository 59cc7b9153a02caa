"""Speaker-level EI (paper section 4.3, table 7): a speaker's message-level labels aggregated per conversation.

Goleman's five categories, eleven numbers per speaker:
- self-awareness: `reflective_frequency`, `emotion_diversity`, `sentiment_diversity` (entropy, log base 2);
- motivation: `grounding_frequency`;
- empathy: `empathy` (mean EPITOME score, 0-6);
- social skills: `intimacy_progression_linear` (slope a of y = a*x + b) and `intimacy_progression_exp` (b of
  y = a*e^(b*x)), both fitted to the speaker's mean intimacy per session against x = 1..n, the positions of
  the n sessions in which the speaker has messages, as the released `social_skills.py` does
  (`intimacy_x="session"` fits against the session numbers instead);
- self-regulation: `sentiment_stability`, `emotion_stability` (share of the speaker's consecutive messages
  within a session with the same label) and `sentiment_alignment`, `emotion_alignment` (share of the
  speaker's messages that carry the label of the partner's message just before them, in the same session).

A label that could not be measured (a failed judge or classifier: None or NaN) is left out of every number
that uses it, never imputed; a pair with a missing label is left out of stability and alignment. A number
with nothing to compute it from, and an exponential fit that does not converge, is None (missing).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

import numpy as np

from realtalk_evals.ei.record import EI_ATTRIBUTES
from realtalk_evals.paper import TABLE_7_COLUMNS

SPEAKER_METRICS: tuple[str, ...] = TABLE_7_COLUMNS
"""The speaker-level attributes, in the column order of the paper's table 7."""

EXP_FIT_MAXFEV = 10_000
"""Function evaluations curve_fit may spend on the exponential fit before it counts as not converging."""

SpeakerEI = dict[str, float | None]

IntimacyX = Literal["position", "session"]
"""What intimacy progression is fitted against: `position` (1..n over the speaker's sessions, the released
code's rule and the default) or `session` (the session numbers, which differ when a speaker skips a session)."""


def _label(message: Mapping[str, Any], key: str) -> Any:
    """The message's value for `key`; None when absent, None or NaN (a failed measurement)."""
    value = message.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _mean(values: Iterable[float]) -> float | None:
    numbers = [float(value) for value in values]
    return sum(numbers) / len(numbers) if numbers else None


def label_entropy(labels: Sequence[Hashable]) -> float | None:
    """Shannon entropy (bits) of the labels' distribution; None when there are no labels."""
    if not labels:
        return None
    counts = Counter(labels).values()
    total = sum(counts)
    return float(-sum(count / total * math.log2(count / total) for count in counts) + 0.0)


def _agreement(pairs: Iterable[tuple[Any, Any]]) -> float | None:
    """The share of pairs with equal labels, over the pairs where both labels were measured."""
    return _mean(float(a == b) for a, b in pairs if a is not None and b is not None)


def linear_progression(sessions: Sequence[float], values: Sequence[float]) -> float | None:
    """Slope a of the least-squares line y = a*x + b; None with fewer than two sessions."""
    if len(sessions) < 2:
        return None
    slope = float(np.polyfit(np.asarray(sessions, float), np.asarray(values, float), 1)[0])
    return slope if math.isfinite(slope) else None


def _exponential(x: Any, a: float, b: float) -> Any:
    return a * np.exp(b * x)


def exponential_progression(sessions: Sequence[float], values: Sequence[float]) -> float | None:
    """Rate b of the least-squares fit y = a*e^(b*x), started at a = mean(y) (1 when that is 0), b = 0.

    None with fewer than two sessions, or when the fit does not converge within EXP_FIT_MAXFEV evaluations
    or ends at a non-finite value. The parameters' covariance is not used, so scipy's warning that it cannot
    be estimated (an exact fit through two sessions) does not make the fit missing.
    """
    if len(sessions) < 2:
        return None
    from scipy.optimize import OptimizeWarning, curve_fit  # type: ignore[import-untyped]

    x, y = np.asarray(sessions, float), np.asarray(values, float)
    start = float(y.mean()) or 1.0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", OptimizeWarning)
        try:
            (_, rate), _ = curve_fit(_exponential, x, y, p0=(start, 0.0), maxfev=EXP_FIT_MAXFEV)
        except (RuntimeError, ValueError):
            return None
    return float(rate) if math.isfinite(rate) else None


def session_intimacy(
    messages: Sequence[Mapping[str, Any]], speaker: Any, intimacy_x: IntimacyX = "position"
) -> tuple[list[int], list[float]]:
    """x and the speaker's mean intimacy, for each session in which the speaker has a measured intimacy.

    x is the session's position among those sessions (1..n) or, with `intimacy_x="session"`, its number.
    """
    if intimacy_x not in ("position", "session"):
        raise ValueError(f"intimacy_x must be 'position' or 'session', got {intimacy_x!r}")
    by_session: dict[int, list[float]] = defaultdict(list)
    for message in messages:
        value = _label(message, "intimacy")
        if message["speaker"] == speaker and value is not None:
            by_session[int(message["session"])].append(float(value))
    sessions = sorted(by_session)
    means = [sum(by_session[s]) / len(by_session[s]) for s in sessions]
    return (sessions if intimacy_x == "session" else list(range(1, len(sessions) + 1))), means


def _stability_pairs(messages: Sequence[Mapping[str, Any]], speaker: Any, key: str) -> list[tuple[Any, Any]]:
    """(previous, this) labels of the speaker's consecutive messages within each session."""
    pairs = []
    previous: dict[int, Mapping[str, Any]] = {}
    for message in messages:
        if message["speaker"] != speaker:
            continue
        session = int(message["session"])
        if session in previous:
            pairs.append((_label(previous[session], key), _label(message, key)))
        previous[session] = message
    return pairs


def _alignment_pairs(messages: Sequence[Mapping[str, Any]], speaker: Any, key: str) -> list[tuple[Any, Any]]:
    """(partner's, speaker's) labels where the speaker's message directly follows the partner's, in a session."""
    return [
        (_label(before, key), _label(message, key))
        for before, message in pairwise(messages)
        if message["speaker"] == speaker
        and before["speaker"] != speaker
        and int(before["session"]) == int(message["session"])
    ]


def _speaker_ei(messages: Sequence[Mapping[str, Any]], speaker: Any, intimacy_x: IntimacyX) -> SpeakerEI:
    own = [message for message in messages if message["speaker"] == speaker]

    def labels(key: str) -> list[Any]:
        return [value for message in own if (value := _label(message, key)) is not None]

    sessions, intimacy = session_intimacy(messages, speaker, intimacy_x)
    return {
        "reflective_frequency": _mean(float(bool(value)) for value in labels("reflective")),
        "emotion_diversity": label_entropy(labels("emotion")),
        "sentiment_diversity": label_entropy(labels("sentiment")),
        "grounding_frequency": _mean(float(bool(value)) for value in labels("grounding")),
        "empathy": _mean(labels("empathy")),
        "intimacy_progression_linear": linear_progression(sessions, intimacy),
        "intimacy_progression_exp": exponential_progression(sessions, intimacy),
        "sentiment_stability": _agreement(_stability_pairs(messages, speaker, "sentiment")),
        "emotion_stability": _agreement(_stability_pairs(messages, speaker, "emotion")),
        "sentiment_alignment": _agreement(_alignment_pairs(messages, speaker, "sentiment")),
        "emotion_alignment": _agreement(_alignment_pairs(messages, speaker, "emotion")),
    }


def speaker_level_ei(
    messages: Sequence[Mapping[str, Any]], intimacy_x: IntimacyX = "position"
) -> dict[str, SpeakerEI]:
    """Each speaker's eleven speaker-level EI numbers (SPEAKER_METRICS) for one conversation.

    Args:
        messages: The conversation's messages in order, each a mapping with `session` (int), `speaker`,
            `reflective` (bool), `grounding` (bool), `emotion` (str), `sentiment` (str), `intimacy` (float)
            and `empathy` (float, 0-6); a label that is missing, None or NaN counts as not measured.
        intimacy_x: `position` (default, released code) or `session` numbers as x of intimacy progression.

    Returns:
        Speaker (in order of first message) -> metric name -> value, None where it cannot be computed.
    """
    speakers = dict.fromkeys(message["speaker"] for message in messages)
    return {speaker: _speaker_ei(messages, speaker, intimacy_x) for speaker in speakers}


def speaker_level_by_conversation(
    messages: Iterable[tuple[str, int, Mapping[str, Any]]], intimacy_x: IntimacyX = "position"
) -> dict[str, dict[str, SpeakerEI]]:
    """Conversation -> speaker -> speaker-level EI, from (conversation id, position, labels) in any order.

    Each conversation's messages are put back in order by position (their index in the conversation) before
    `speaker_level_ei`; conversations come in order of first appearance.
    """
    by_conversation: dict[str, list[tuple[int, Mapping[str, Any]]]] = defaultdict(list)
    for conversation_id, position, labels in messages:
        by_conversation[conversation_id].append((position, labels))
    return {
        conversation_id: speaker_level_ei(
            [labels for _, labels in sorted(items, key=lambda item: item[0])], intimacy_x
        )
        for conversation_id, items in by_conversation.items()
    }


def message_labels(session: int, speaker: str, ei: Mapping[str, Any]) -> dict[str, Any]:
    """The input `speaker_level_ei` wants for one message, from a `MessageEI` dump (failed labels are None)."""
    return {"session": session, "speaker": speaker, **{key: ei.get(key) for key in EI_ATTRIBUTES}}


@dataclass(frozen=True)
class PersonaConsistency:
    """One person's speaker-level EI in two conversations, and the absolute difference of each number."""

    person: str
    conversations: tuple[str, str]
    differences: SpeakerEI

    def mean_difference(self, scale: Mapping[str, float] | None = None) -> float | None:
        """Table 8's persona consistency: the mean of the absolute differences over the measured attributes.

        Appendix E.2: "the absolute difference between a speaker's average EI across two different
        conversations", read as the average over the eleven speaker-level attributes of their absolute
        differences (figure 3's cells). `scale` multiplies an attribute's difference first (the paper's table
        units: intimacy progression in 1e-3); None when no attribute was measured in both conversations.
        """
        scale = scale or {}
        present = [v * scale.get(k, 1.0) for k, v in self.differences.items() if v is not None]
        return sum(present) / len(present) if present else None


def persona_consistency(by_conversation: Mapping[str, Mapping[str, SpeakerEI]]) -> list[PersonaConsistency]:
    """Figure 3: for each person who speaks in exactly two of the conversations, |difference| per number.

    A person is a speaker name matched case-insensitively (`elise` in both chats 1 and 2). People seen in one
    conversation, or in more than two, are left out; a number missing in either conversation is None.
    """
    seen: dict[str, list[tuple[str, str, SpeakerEI]]] = defaultdict(list)
    for conversation_id, speakers in by_conversation.items():
        for speaker, values in speakers.items():
            seen[speaker.casefold()].append((conversation_id, speaker, values))
    result = []
    for appearances in seen.values():
        if len(appearances) != 2:
            continue
        (first_id, person, first), (second_id, _, second) = appearances
        differences: SpeakerEI = {}
        for name in SPEAKER_METRICS:
            a, b = first.get(name), second.get(name)
            differences[name] = None if a is None or b is None else abs(a - b)
        result.append(PersonaConsistency(person, (first_id, second_id), differences))
    return result
