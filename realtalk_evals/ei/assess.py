"""Message-level EI of whole messages: the three judges and the three classifiers together."""

from __future__ import annotations

from collections.abc import Sequence

from inspect_ai.model import Model
from inspect_ai.util import collect

from realtalk_evals.ei.classifiers import ClassifierSettings, classify_messages
from realtalk_evals.ei.judges import judge_message
from realtalk_evals.ei.record import MessageEI, MessageInContext


async def assess_messages(
    messages: Sequence[MessageInContext], grader: Model, settings: ClassifierSettings
) -> list[MessageEI]:
    """Every attribute of each message; identical messages (same text in the same context) are assessed once.

    Judge calls run concurrently; the classifiers see all the texts in one batch.
    """
    unique = list(dict.fromkeys(messages))
    judged, classified = await collect(
        collect(*(judge_message(grader, message) for message in unique)),
        classify_messages(settings, [message.text for message in unique]),
    )
    by_message = {
        message: judge.merged(classes)
        for message, judge, classes in zip(unique, judged, classified, strict=True)
    }
    return [by_message[message] for message in messages]
