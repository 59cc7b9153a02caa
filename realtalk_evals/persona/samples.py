"""Persona-simulation samples (paper section 6.1, appendix D.1, table 8): continue a speaker's conversation.

Each of the 10 speakers has a train conversation C_a and a test conversation C_b (table 8). Consecutive
messages of one speaker within a session are first merged into one message (section 4.1). A sample is one
merged message of the speaker in the chosen conversation: its input is D.1's user prompt (the history, then
the speaker's name), its target the real message.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser

from realtalk_evals.data.records import Conversation, Message, display_name, format_date
from realtalk_evals.ei.judges import dialogue_line
from realtalk_evals.parameters import Option, pick
from realtalk_evals.prompts import (
    DISCRIMINATION_JUDGE,
    MEMORY_IMAGE_LINE,
    MEMORY_SESSION_DATE,
    PERSONA_NEXT_SPEAKER,
    PERSONA_SYSTEM,
    PERSONA_SYSTEM_BUBBLES,
    PERSONA_USER,
)

SplitName = Literal["test", "train"]

MERGE_SEPARATOR = " "
"""Consecutive chat bubbles are joined with a space, so a merged message stays one `Name: text` line."""

BUBBLE_SEPARATOR = "\n"
"""How a written reply sends several chat bubbles: one a line (the suite's convention, which
`PERSONA_SYSTEM_BUBBLES` and the conversation simulation's prompt tell the model)."""

SUBSAMPLE_SEED = "realtalk-persona-v1"
"""Seeds `max_per_speaker` subsampling (with the speaker's name), so a subsample is the same on every run."""

OTHER_PERSON_SEED = "realtalk-other-person-v1"
"""Seeds the choice of another person's real message for each sample (`solver=other_person`), with its id."""

OTHER_PERSON = "other_person"
"""Sample metadata key of that message (`conversation_id`, `speaker`, `bubbles`), and the solver's name."""


@dataclass(frozen=True)
class PersonaSplit:
    """One row of the paper's table 8: the speaker, the conversation trained on and the one tested on."""

    speaker: str
    train: str
    test: str

    def conversation_id(self, split: SplitName) -> str:
        return self.train if split == "train" else self.test


PERSONA_SPLITS: tuple[PersonaSplit, ...] = (
    PersonaSplit("Emi", train="Chat_4_Emi_Paola", test="Chat_1_Emi_Elise"),
    PersonaSplit("Nicolas", train="Chat_5_Nicolas_Nebraas", test="Chat_6_Vanessa_Nicolas"),
    PersonaSplit("Kevin", train="Chat_3_Kevin_Paola", test="Chat_2_Kevin_Elise"),
    PersonaSplit("Akib", train="Chat_9_Fahim_Akib", test="Chat_8_Akib_Muhhamed"),
    PersonaSplit("Muhhamed", train="Chat_10_Fahim_Muhhamed", test="Chat_8_Akib_Muhhamed"),
    PersonaSplit("Nebraas", train="Chat_5_Nicolas_Nebraas", test="Chat_7_Nebraas_Vanessa"),
    PersonaSplit("Paola", train="Chat_4_Emi_Paola", test="Chat_3_Kevin_Paola"),
    PersonaSplit("Vanessa", train="Chat_7_Nebraas_Vanessa", test="Chat_6_Vanessa_Nicolas"),
    PersonaSplit("Elise", train="Chat_2_Kevin_Elise", test="Chat_1_Emi_Elise"),
    PersonaSplit("Fahim", train="Chat_10_Fahim_Muhhamed", test="Chat_9_Fahim_Akib"),
)
"""Table 8 of the paper, in its order (its `Fahim` is `Fahim Khan` in the data)."""


def select_speakers(speakers: object) -> list[PersonaSplit]:
    """The table-8 rows of the named speakers (any case; all when None or `all`), in table order."""
    return pick("speaker", "speaker", speakers, [Option(s, (s.speaker,), s.speaker) for s in PERSONA_SPLITS])


def data_speaker(conversation: Conversation, name: str) -> str:
    """The speaker as spelled in the data for a table-8 name (`Elise` -> `elise`, `Fahim` -> `Fahim Khan`)."""
    try:
        return conversation.speaker_named(name)
    except KeyError:
        matches = [s for s in conversation.speakers if s.split()[0].casefold() == name.strip().casefold()]
        if len(matches) != 1:
            raise
        return matches[0]


@dataclass(frozen=True)
class Turn:
    """Consecutive messages of one speaker in one session, merged (section 4.1).

    `index` counts merged messages across the whole conversation, from 0.
    """

    speaker: str
    text: str
    session: int
    index: int
    dia_ids: tuple[str, ...]
    image_captions: tuple[str, ...] = ()
    bubbles: tuple[str, ...] = ()
    """The stripped texts of the merged chat messages that have text; `text` joins them."""

    @property
    def reply(self) -> str:
        """The turn written as a model is asked to write several bubbles: one a line."""
        return BUBBLE_SEPARATOR.join(self.bubbles)


def merge_messages(messages: Sequence[Message], session: int, first_index: int = 0) -> list[Turn]:
    """Merge runs of one speaker's messages; texts are stripped and joined by MERGE_SEPARATOR."""
    runs: list[list[Message]] = []
    for message in messages:
        if runs and runs[-1][0].speaker == message.speaker:
            runs[-1].append(message)
        else:
            runs.append([message])
    turns = []
    for offset, run in enumerate(runs):
        bubbles = tuple(m.text.strip() for m in run if m.text.strip())
        turns.append(
            Turn(
                speaker=run[0].speaker,
                text=MERGE_SEPARATOR.join(bubbles),
                session=session,
                index=first_index + offset,
                dia_ids=tuple(m.dia_id for m in run),
                image_captions=tuple(m.image_caption for m in run if m.image_caption),
                bubbles=bubbles,
            )
        )
    return turns


def conversation_turns(conversation: Conversation) -> list[list[Turn]]:
    """Merged messages per session, in session order; runs never cross a session boundary."""
    sessions = []
    count = 0
    for session in conversation.sessions:
        turns = merge_messages(session.messages, session.number, count)
        count += len(turns)
        sessions.append(turns)
    return sessions


def turn_lines(turn: Turn) -> list[str]:
    """`Name: text`, then one line per shared image (the captions of D.2's image line)."""
    lines = [dialogue_line(turn.speaker, turn.text)] if turn.text else []
    name = display_name(turn.speaker)
    return lines + [
        MEMORY_IMAGE_LINE.format(speaker=name, caption=caption) for caption in turn.image_captions
    ]


def render_turns(turns: Iterable[Turn]) -> str:
    return "\n".join(line for turn in turns for line in turn_lines(turn))


def render_history(
    conversation: Conversation,
    sessions: Sequence[Sequence[Turn]],
    session_position: int,
    turn_position: int,
    history_sessions: int | None,
) -> str:
    """The context of a message: `history_sessions` whole earlier sessions (all when None), then the current
    session up to the message; each session opens with its date line."""
    first = 0 if history_sessions is None else max(0, session_position - history_sessions)
    blocks = []
    for position in range(first, session_position + 1):
        turns = sessions[position] if position < session_position else sessions[position][:turn_position]
        date = MEMORY_SESSION_DATE.format(date=format_date(conversation.sessions[position].date_time))
        blocks.append("\n".join(filter(None, [date, render_turns(turns)])))
    return "\n\n".join(blocks)


def persona_user_prompt(history: str, speaker: str) -> str:
    """D.1's user message: the history, then the simulated speaker's name opening the next line."""
    return PERSONA_USER.format(
        previous_conversation=history, speaker=PERSONA_NEXT_SPEAKER.format(speaker=display_name(speaker))
    )


PromptName = Literal["paper", "bubbles"]

SYSTEM_PROMPTS: dict[str, str] = {"paper": PERSONA_SYSTEM, "bubbles": PERSONA_SYSTEM_BUBBLES}
"""`persona_simulation -T prompt=`: D.1's system text verbatim, or it with how to send several bubbles."""


def persona_messages(speaker_name: str, user_prompt: str, prompt: PromptName = "paper") -> list[ChatMessage]:
    """D.1's chat for one sample: the system message for the speaker, then the user message (the sample input).

    The persona solver sends exactly this and the fine-tuning export trains on exactly this, so the two
    cannot drift apart.
    """
    return [
        ChatMessageSystem(content=SYSTEM_PROMPTS[prompt].format(opponent_speaker=speaker_name)),
        ChatMessageUser(content=user_prompt),
    ]


def persona_samples(
    split: PersonaSplit, conversation: Conversation, split_name: SplitName, history_sessions: int | None
) -> list[Sample]:
    """One sample per merged message of the speaker that has text (image-only messages are not targets)."""
    speaker = data_speaker(conversation, split.speaker)
    sessions = conversation_turns(conversation)
    samples = []
    for session_position, turns in enumerate(sessions):
        for turn_position, turn in enumerate(turns):
            if turn.speaker != speaker or not turn.text:
                continue
            history = render_history(
                conversation, sessions, session_position, turn_position, history_sessions
            )
            samples.append(
                Sample(
                    id=f"{split.speaker}-{conversation.id}-m{turn.index:04d}",
                    input=persona_user_prompt(history, speaker),
                    target=turn.text,
                    metadata={
                        "speaker": split.speaker,
                        "speaker_name": display_name(speaker),
                        "split": split_name,
                        "conversation_id": conversation.id,
                        "session": turn.session,
                        "message_index": turn.index,
                        "dia_ids": list(turn.dia_ids),
                        "bubbles": list(turn.bubbles),
                        "session_history": render_turns(turns[:turn_position]),
                    },
                )
            )
    return samples


def subsample(samples: list[Sample], size: int | None, seed: str) -> list[Sample]:
    """At most `size` samples, drawn with a fixed seed and kept in conversation order."""
    if size is None or size >= len(samples):
        return samples
    chosen = set(random.Random(seed).sample(range(len(samples)), size))
    return [sample for index, sample in enumerate(samples) if index in chosen]


def person(speaker: str) -> str:
    """A speaker as one person across their chats (`elise`, `Elise` and `Fahim Khan` -> `elise`, `fahim`)."""
    return display_name(speaker).split()[0].casefold()


def other_people_turns(
    conversations: Sequence[Conversation], conversation: Conversation
) -> list[tuple[str, Turn]]:
    """(conversation id, merged message) of every message with text, in the other conversations, of people
    not in `conversation`."""
    present = {person(s) for s in conversation.speakers}
    return [
        (other.id, turn)
        for other in conversations
        if other.id != conversation.id
        for turns in conversation_turns(other)
        for turn in turns
        if turn.text and person(turn.speaker) not in present
    ]


def with_other_person(dataset: MemoryDataset, conversations: Sequence[Conversation]) -> MemoryDataset:
    """Each sample with a real message of another person, drawn with a seed from its id: a candidate whose
    answer is known (not the person's), to check a discrimination judge before trusting it."""
    by_id = {conversation.id: conversation for conversation in conversations}
    pools: dict[str, list[tuple[str, Turn]]] = {}
    samples = []
    for sample in dataset:
        metadata = dict(sample.metadata or {})
        conversation_id = str(metadata["conversation_id"])
        if conversation_id not in pools:
            pools[conversation_id] = other_people_turns(conversations, by_id[conversation_id])
        other, turn = random.Random(f"{OTHER_PERSON_SEED}:{sample.id}").choice(pools[conversation_id])
        metadata[OTHER_PERSON] = {
            "conversation_id": other,
            "speaker": turn.speaker,
            "bubbles": list(turn.bubbles),
        }
        samples.append(sample.model_copy(update={"metadata": metadata}))
    return MemoryDataset(samples, name=dataset.name)


def persona_dataset(
    conversations: Sequence[Conversation],
    splits: Sequence[PersonaSplit],
    split_name: SplitName = "test",
    history_sessions: int | None = 3,
    max_per_speaker: int | None = None,
) -> MemoryDataset:
    """Samples of every chosen speaker, in table-8 order."""
    by_id = {conversation.id: conversation for conversation in conversations}
    samples: list[Sample] = []
    for split in splits:
        conversation = by_id[split.conversation_id(split_name)]
        speaker_samples = persona_samples(split, conversation, split_name, history_sessions)
        samples += subsample(speaker_samples, max_per_speaker, f"{SUBSAMPLE_SEED}-{split.speaker}")
    return MemoryDataset(samples, name=f"realtalk_persona_simulation_{split_name}")


def predicted_message(completion: str, speaker_name: str) -> str:
    """The model's message without a leading `Name:`, which D.1 asks the model not to write."""
    prefix = re.compile(rf"^\s*{re.escape(speaker_name)}\s*:\s*", re.IGNORECASE)
    return prefix.sub("", completion, count=1).strip()


def real_reply(metadata: Mapping[str, Any], target: str) -> str:
    """The real turn written as a reply, one chat bubble a line (the sample's `bubbles`; the target when a
    sample has none): what the gold solver answers and what the style statistics measure on the real side."""
    bubbles = metadata.get("bubbles")
    return BUBBLE_SEPARATOR.join(bubbles) if bubbles else target


def reply_bubbles(text: str) -> list[str]:
    """The chat bubbles of a written reply: its non-empty lines, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def merged_text(text: str) -> str:
    """A reply, or a real turn, as one merged message (section 4.1): its bubbles joined by MERGE_SEPARATOR.

    Content, EI and discrimination compare the simulated and the real message in this one form, so a line
    break can neither give the model away nor cost it a point, and the gold reply (the real bubbles, one a
    line) is the real message exactly."""
    return MERGE_SEPARATOR.join(reply_bubbles(text))


def discrimination_prompt(speaker_name: str, input_text: str, first: str, second: str) -> str:
    """The real-or-simulated judge's prompt for a persona sample: the D.1 history (the sample's input without
    its closing `Name:` line) and the two candidates, each as one merged message on one line (a line break in
    the model's reply must not give it away, nor start a line of the judge's prompt)."""
    return DISCRIMINATION_JUDGE.format(
        speaker=speaker_name,
        conversation=input_text.rsplit("\n", 1)[0],
        first=merged_text(first),
        second=merged_text(second),
    )
