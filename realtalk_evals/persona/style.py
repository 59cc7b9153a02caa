"""Style statistics of chat messages, computed locally: how a person writes, not what they say.

ROUGE and BERTScore compare content; they cannot tell that a person writes three-word lowercase bubbles with
emoji while a model writes one capitalised paragraph. Five statistics per message capture the surface style
that the REALTALK paper points out in real chats (short messages, several "consecutive messages" per turn,
emoji, casual writing):

- `words`: the message's length in words (whitespace-separated tokens);
- `no_capitals`: 1 when the message has letters but no capital letter, else 0 (its mean is the share of
  messages written without capitals);
- `emoji`: the number of emoji in the message (the `emoji` package's count; its mean is the emoji rate per
  message);
- `question`: 1 when the message contains a question mark, else 0 (the share of messages asking something);
- `bubbles`: the chat bubbles of the turn, counted the same way on both sides: the non-empty lines of the turn
  written one bubble a line (a model's reply as it is; a real turn as `Turn.reply`, its merged chat messages
  one a line, so a real message written over two lines counts two, as the same lines from a model would).

A simulated speaker is compared with the real one per statistic by the difference of means (simulated minus
real: direction and size) and the Wasserstein (earth mover's) distance between the two distributions
(scipy): 0 when they are equal, in the statistic's own unit, and sensitive to a wrong spread as well as a
wrong mean.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from realtalk_evals.data.records import Conversation
from realtalk_evals.persona.samples import conversation_turns, reply_bubbles

STYLE_STATISTICS: tuple[str, ...] = ("words", "no_capitals", "emoji", "question", "bubbles")
"""The per-message statistics, in report order."""

StyleValues = dict[str, float]


def message_style(text: str, bubbles: int | None = None) -> StyleValues:
    """The five statistics of a turn written one bubble a line; `bubbles` defaults to its non-empty lines (at
    least 1). Words, capitals, emoji and questions do not depend on how the bubbles are joined."""
    import emoji

    letters = [character for character in text if character.isalpha()]
    return {
        "words": float(len(text.split())),
        "no_capitals": float(bool(letters) and not any(c.isupper() for c in letters)),
        "emoji": float(emoji.emoji_count(text)),
        "question": float("?" in text),
        "bubbles": float(bubbles if bubbles is not None else max(1, len(reply_bubbles(text)))),
    }


def style_means(messages: Sequence[Mapping[str, float]]) -> StyleValues:
    """Mean of each statistic over messages (NaN when there are none)."""
    return {
        name: (sum(m[name] for m in messages) / len(messages) if messages else math.nan)
        for name in STYLE_STATISTICS
    }


@dataclass(frozen=True)
class StyleDistance:
    """One statistic of a simulated speaker against the real one."""

    mean_difference: float
    """Mean of the simulated messages minus mean of the real ones."""
    wasserstein: float
    """Wasserstein-1 distance between the two empirical distributions."""


def style_distance(simulated: Sequence[float], real: Sequence[float]) -> StyleDistance:
    """Difference of means and Wasserstein distance of two samples of one statistic (NaN if either is empty)."""
    if not simulated or not real:
        return StyleDistance(math.nan, math.nan)
    from scipy.stats import wasserstein_distance  # type: ignore[import-untyped]

    difference = sum(simulated) / len(simulated) - sum(real) / len(real)
    return StyleDistance(difference, float(wasserstein_distance(simulated, real)))


def style_distances(
    simulated: Sequence[Mapping[str, float]], real: Sequence[Mapping[str, float]]
) -> dict[str, StyleDistance]:
    """Statistic -> distance, for the simulated and real messages of one speaker."""
    return {
        name: style_distance([m[name] for m in simulated], [m[name] for m in real])
        for name in STYLE_STATISTICS
    }


def conversation_style(conversation: Conversation) -> dict[str, list[StyleValues]]:
    """Speaker -> the statistics of each of their merged messages with text, each written one bubble a line
    (a simulated conversation's messages are the model's lines, so both sides count alike)."""
    by_speaker: dict[str, list[StyleValues]] = defaultdict(list)
    for turns in conversation_turns(conversation):
        for turn in turns:
            if turn.text:
                by_speaker[turn.speaker].append(message_style(turn.reply))
    return dict(by_speaker)
