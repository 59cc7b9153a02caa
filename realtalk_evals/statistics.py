"""Dataset statistics, as `realtalk data info` prints them (cf. the paper's section 5.1 and appendix A)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel

from realtalk_evals.models import CATEGORY_NAMES, Conversation


class ConversationStats(BaseModel):
    conversation_id: str
    speakers: tuple[str, str]
    sessions: int
    messages: int
    images: int
    questions: dict[str, int]
    events: int


def conversation_stats(conversation: Conversation) -> ConversationStats:
    categories = Counter(qa.category_name for qa in conversation.qa)
    return ConversationStats(
        conversation_id=conversation.id,
        speakers=conversation.speakers,
        sessions=len(conversation.sessions),
        messages=len(conversation.messages),
        images=sum(1 for message in conversation.messages if message.image_caption),
        questions={name: categories.get(name, 0) for name in CATEGORY_NAMES.values()},
        events=sum(len(s.events.speaker_1) + len(s.events.speaker_2) for s in conversation.sessions),
    )


def dataset_totals(stats: Iterable[ConversationStats]) -> dict[str, int]:
    """Totals over conversations: the numbers to compare with the paper (728 questions, 10 chats)."""
    stats = list(stats)
    totals = {
        "conversations": len(stats),
        "sessions": sum(s.sessions for s in stats),
        "messages": sum(s.messages for s in stats),
        "images": sum(s.images for s in stats),
        "events": sum(s.events for s in stats),
        "questions": sum(sum(s.questions.values()) for s in stats),
    }
    for name in CATEGORY_NAMES.values():
        totals[f"questions_{name}"] = sum(s.questions[name] for s in stats)
    return totals
