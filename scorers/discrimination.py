"""Real-or-simulated discrimination of persona simulation: can a judge tell the real message from the model's?

The `grader` sees the conversation so far and two candidate next messages, the real one and the simulated
one (each written as one line, as merged messages are), in an order fixed by a seed derived from the sample id (the same on every run and epoch), and names the
one the person really wrote. A sample scores 1 when the judge finds the real message, 0 when it picks the
simulated one: the mean per speaker is the discrimination accuracy (0.5: the judge cannot tell; 1.0: the
simulation is always caught). An unreadable reply gets one repair turn (`ask_judge`), then counts as a
failure and is left unscored.
"""

from __future__ import annotations

import math
import random
import re

from inspect_ai.model import get_model
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.judging.ask import PAPER_GRADER, ask_judge
from realtalk_evals.metrics import count, speaker_metrics
from realtalk_evals.persona.samples import discrimination_prompt, one_line, predicted_message
from realtalk_evals.prompts import DISCRIMINATION_REPAIR

__all__ = ["one_line", "parse_verdict", "real_first", "real_or_simulated"]

ORDER_SEED = "realtalk-discrimination-v1"
"""Seeds each sample's candidate order, with the sample id."""

_VERDICT = re.compile(
    r"[\s*_`\"'(\[]*(?:(?:message|answer|option)\s*:?\s*)?([AB])[\s*_`\"'.)\]]*", re.IGNORECASE
)


def real_first(sample_id: str | int) -> bool:
    """Whether the real message is candidate A for this sample (a fair coin seeded by the sample id)."""
    return random.Random(f"{ORDER_SEED}:{sample_id}").random() < 0.5


def parse_verdict(reply: str) -> str | None:
    """`A` or `B` from a reply that is only that letter (markup and `Message B.` tolerated, also as its last
    line); anything else is None."""
    lines = [line for line in reply.strip().splitlines() if line.strip()]
    for candidate in [reply.strip(), *lines[-1:]]:
        match = _VERDICT.fullmatch(candidate)
        if match:
            return match.group(1).upper()
    return None


@scorer(
    metrics={
        "discrimination": speaker_metrics(mean()),
        "discrimination_failure": [count()],
    }
)
def real_or_simulated(grader: str | None = None) -> Scorer:
    """1 when the `grader` picks the real message over the simulated one, 0 when it is fooled.

    Args:
        grader: A model for the judge instead of the `grader` role (default: the paper's gpt-4o-mini).
    """

    async def score(state: TaskState, target: Target) -> Score:
        model = get_model(grader, role="grader", default=PAPER_GRADER)
        speaker = state.metadata["speaker_name"]
        simulated = predicted_message(state.output.completion, speaker)
        first = real_first(state.sample_id)
        candidates = (target.text, simulated) if first else (simulated, target.text)
        prompt = discrimination_prompt(speaker, state.input_text, *candidates)
        result = await ask_judge(model, prompt, parse_verdict, DISCRIMINATION_REPAIR)
        real_label = "A" if first else "B"
        metadata = {
            "grader": str(model),
            "real_position": real_label,
            "verdict": result.value,
            "judge_replies": result.replies,
        }
        if result.value is None:
            return Score(
                value={"discrimination": math.nan, "discrimination_failure": 1.0},
                answer=simulated,
                explanation=f"judge failure: no A or B in reply {result.replies[-1]!r}",
                metadata=metadata,
            )
        caught = result.value == real_label
        return Score(
            value={"discrimination": float(caught), "discrimination_failure": 0.0},
            answer=simulated,
            explanation=f"real message is {real_label}; judge chose {result.value}",
            metadata=metadata,
        )

    return score
