"""Real-or-simulated discrimination of persona simulation: can a judge tell the real message from the model's?

The `grader` sees the conversation so far and two candidate next messages, the real one and the simulated
one (each written as one merged message, so a line break cannot give the model away), and names the one the
person really wrote. Every sample is asked in both orders, the real message as A and then as B: two prompts
(each cached on its own), so a judge's preference for a position cancels out of its accuracy instead of
following the coin that would otherwise place the real message.

Per sample: `discrimination`, the share of its readable verdicts that named the real message (0, 0.5 or 1;
per speaker the mean, 0.5: the judge cannot tell, 1.0: the simulation is always caught), and
`discrimination_position_bias`, the share that answered `A` (0.5: no preference; a judge that always answers
A scores 1.0, and 0.5 accuracy). An unreadable reply gets one repair turn (`ask_judge`), then counts in
`discrimination_failure` and is left out, never guessed.

`session_real_or_simulated` (conversation simulation, `-T session_judge=true`) asks the same of whole days:
the real session and the simulated one of the same date, in both orders, each written one merged message a
line without images (a simulated chat has none).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from typing import Any

from inspect_ai.model import get_model
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from realtalk_evals.data.realtalk import conversation_from_json, load_conversations
from realtalk_evals.data.records import display_name, format_date
from realtalk_evals.data.simulated import SIMULATED_CONVERSATION
from realtalk_evals.ei.judges import dialogue_line
from realtalk_evals.judging.ask import PAPER_GRADER, ask_judge
from realtalk_evals.metrics import count, speaker_metrics
from realtalk_evals.persona.samples import (
    Turn,
    conversation_turns,
    discrimination_prompt,
    merged_text,
    predicted_message,
)
from realtalk_evals.prompts import DISCRIMINATION_REPAIR, SESSION_DISCRIMINATION_JUDGE
from realtalk_evals.score_keys import (
    DISCRIMINATION,
    DISCRIMINATION_FAILURE,
    DISCRIMINATION_VERDICTS,
    POSITION_BIAS,
)

REAL_POSITIONS = ("A", "B")
"""The real message's place in the two prompts of a sample, in the order they are asked."""

_VERDICT = re.compile(
    r"[\s*_`\"'(\[]*(?:(?:message|answer|option)\s*:?\s*)?([AB])[\s*_`\"'.)\]]*", re.IGNORECASE
)


def parse_verdict(reply: str) -> str | None:
    """`A` or `B` from a reply that is only that letter (markup and `Message B.` tolerated, also as its last
    line); anything else is None."""
    lines = [line for line in reply.strip().splitlines() if line.strip()]
    for candidate in [reply.strip(), *lines[-1:]]:
        match = _VERDICT.fullmatch(candidate)
        if match:
            return match.group(1).upper()
    return None


def verdict_values(verdicts: list[dict[str, Any]]) -> dict[str, float]:
    """A sample's accuracy, share of `A` and unreadable count from its verdict records (NaN: none readable)."""
    read = [v for v in verdicts if v["verdict"] is not None]
    return {
        DISCRIMINATION: statistics.mean(v["verdict"] == v["real_position"] for v in read)
        if read
        else math.nan,
        POSITION_BIAS: statistics.mean(v["verdict"] == "A" for v in read) if read else math.nan,
        DISCRIMINATION_FAILURE: float(len(verdicts) - len(read)),
    }


@scorer(
    metrics={
        DISCRIMINATION: speaker_metrics(mean()),
        POSITION_BIAS: speaker_metrics(mean()),
        DISCRIMINATION_FAILURE: [count()],
    }
)
def real_or_simulated(grader: str | None = None) -> Scorer:
    """The `grader`'s accuracy at naming the real message over the simulated one, asked in both orders.

    Args:
        grader: A model for the judge instead of the `grader` role (default: the paper's gpt-4o-mini).
    """

    async def score(state: TaskState, target: Target) -> Score:
        model = get_model(grader, role="grader", default=PAPER_GRADER)
        speaker = state.metadata["speaker_name"]
        simulated = merged_text(predicted_message(state.output.completion, speaker))
        real = merged_text(target.text)
        verdicts = []
        for position in REAL_POSITIONS:
            first, second = (real, simulated) if position == "A" else (simulated, real)
            prompt = discrimination_prompt(speaker, state.input_text, first, second)
            result = await ask_judge(model, prompt, parse_verdict, DISCRIMINATION_REPAIR)
            verdicts.append(
                {"real_position": position, "verdict": result.value, "judge_replies": result.replies}
            )
        value = verdict_values(verdicts)
        shown = "; ".join(
            f"real {v['real_position']}: judge {v['verdict'] or 'unreadable'}" for v in verdicts
        )
        return Score(
            value=value,  # type: ignore[arg-type]
            answer=simulated,
            explanation=shown,
            metadata={"grader": str(model), DISCRIMINATION_VERDICTS: verdicts},
        )

    return score


def session_text(turns: Sequence[Turn]) -> str:
    """A session as the session judge reads it: one `Name: text` line a merged message, no image lines."""
    return "\n".join(dialogue_line(turn.speaker, turn.text) for turn in turns if turn.text)


@scorer(
    metrics={
        DISCRIMINATION: [mean(), stderr()],
        POSITION_BIAS: [mean()],
        DISCRIMINATION_FAILURE: [count()],
    }
)
def session_real_or_simulated(grader: str | None = None) -> Scorer:
    """Per simulated pair: the `grader`'s accuracy at naming the real session of each simulated day, both orders.

    The real session is cut to the simulated one's number of merged messages (`messages_per_session`), so the
    judge cannot go by length.

    Args:
        grader: A model for the judge instead of the `grader` role (default: the paper's gpt-4o-mini).
    """

    async def score(state: TaskState, target: Target) -> Score:
        model = get_model(grader, role="grader", default=PAPER_GRADER)
        simulated = conversation_from_json(
            state.metadata["conversation_id"], state.metadata[SIMULATED_CONVERSATION]
        )
        real = next(c for c in load_conversations() if c.id == simulated.id)
        real_days = {
            s.number: turns for s, turns in zip(real.sessions, conversation_turns(real), strict=True)
        }
        speakers = " and ".join(display_name(speaker) for speaker in real.speakers)
        verdicts = []
        for session, turns in zip(simulated.sessions, conversation_turns(simulated), strict=True):
            real_text = session_text(real_days[session.number][: len(turns)])
            simulated_text = session_text(turns)
            for position in REAL_POSITIONS:
                first, second = (
                    (real_text, simulated_text) if position == "A" else (simulated_text, real_text)
                )
                prompt = SESSION_DISCRIMINATION_JUDGE.format(
                    speakers=speakers, date=format_date(session.date_time), first=first, second=second
                )
                result = await ask_judge(model, prompt, parse_verdict, DISCRIMINATION_REPAIR)
                verdicts.append(
                    {
                        "session": session.number,
                        "real_position": position,
                        "verdict": result.value,
                        "judge_replies": result.replies,
                    }
                )
        return Score(
            value=verdict_values(verdicts),  # type: ignore[arg-type]
            explanation=f"{len(verdicts)} verdicts over {len(simulated.sessions)} sessions",
            metadata={"grader": str(model), DISCRIMINATION_VERDICTS: verdicts},
        )

    return score
