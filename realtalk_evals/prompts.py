"""Every prompt the suite sends, in one place, each naming where in the paper it comes from.

Templates are filled with `str.format` at call time. Text marked verbatim is copied from the paper's
appendices (arXiv 2502.13270); anything the paper does not print is marked as this project's own and listed
in docs/fidelity.md.
"""

# --- Memory probing (appendix D.2, user role only) ---------------------------------------------------------

MEMORY_CONVERSATION_HEADER = (
    "Below is a conversation between {speaker_1} and {speaker_2}, spanning multiple days. "
    "Each session starts with the corresponding date."
)
"""Verbatim from appendix D.2."""

MEMORY_EVENTS_HEADER = (
    "Below are the key events from a conversation between {speaker_1} and {speaker_2}, spanning multiple "
    "days. Each session starts with the corresponding date."
)
"""Project's own: the paper's E baseline (section 6.2.1) has no printed prompt; D.2's header adapted."""

MEMORY_SESSION_DATE = "DATE: {date}"
"""Verbatim from appendix D.2."""

MEMORY_CONVERSATION_LABEL = "CONVERSATION:"
"""Verbatim from appendix D.2."""

MEMORY_EVENTS_LABEL = "EVENTS:"
"""Project's own, replacing `CONVERSATION:` for the events input."""

MEMORY_MESSAGE_LINE = '{speaker}: "{text}"'
"""Verbatim from appendix D.2 (the released script writes `Name said, "text"`; the paper is followed)."""

MEMORY_IMAGE_LINE = '{speaker} shared an image of "{caption}".'
"""Verbatim from appendix D.2."""

MEMORY_EVENT_LINE = "{speaker}: {event}"
"""Project's own: one annotated event of one speaker."""

MEMORY_QUESTION = (
    "Based on the provided context, generate a concise short-phrase answer for the following question. "
    'If the question pertains to a date, infer the approximate timeframe (e.g., "In the 1800s", '
    '"Before Jan 2021", etc.).\n\n'
    "Question: {question}\n\n"
    "Answer:"
)
"""Verbatim from appendix D.2."""

# --- LLM-judged accuracy (section 6.2.1; the paper does not print the judge prompt) -----------------------

MEMORY_JUDGE = """You are grading an answer to a memory question about a long conversation between two people.

Question: {question}
Gold answer: {answer}
Predicted answer: {prediction}

Decide whether the predicted answer matches the gold answer in meaning. Ignore wording, capitalisation and \
extra detail that does not contradict the gold answer. For dates, accept an answer that names the same time \
or an approximate timeframe that contains it. Give partial credit only when the prediction gets part of a \
multi-part gold answer right.

Reply with JSON only, in the form {{"score": s}}, where s is a number between 0 and 1 \
(1 = correct, 0 = wrong)."""
"""Project's own (the paper names gpt-4o-mini as judge but does not print its prompt)."""

JUDGE_REPAIR = (
    'Your reply could not be read. Reply again with JSON only, exactly in the form {"score": s}, '
    "where s is a number between 0 and 1."
)
"""Project's own: the one follow-up sent when a judge reply cannot be parsed."""
