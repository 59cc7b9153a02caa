"""Candidate answers whose verdict is known without a model, for calibrating a memory judge.

For each question: the gold answer and the gold answer inside padding (should pass); another question's gold
answer (same conversation and category, token F1 against this gold at most `NEAR_ZERO_F1`), an abstention, and
that wrong answer followed by text telling the judge to give full marks (should fail); and a hedge listing the
gold among such wrong answers (should not get full credit). Every choice comes from `random.Random` seeded with
the seed and the question's id, so a question's candidates do not depend on which other questions are chosen.

A LoCoMo adversarial question (category 5) has no ordinary gold answer: the right answer says the conversation
does not contain it (the target, "Not mentioned in the conversation"), and the file gives a tempting wrong
`adversarial_answer`. Its candidates are that right answer, plain and padded (should pass); the trap answer,
another such question's trap, and the trap followed by the full-marks note (should fail); and a hedge listing the
right answer among the trap and another trap (should not get full credit). "I don't know." is left out: whether
it says the conversation lacks the answer is a judgement call, so its verdict is not known without a model.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from inspect_ai.dataset import Sample

from realtalk_evals.judging.memory_judge import memory_judge_prompt
from realtalk_evals.judging.panel import ACCEPT_AT
from realtalk_evals.memory.answer_f1 import token_f1
from realtalk_evals.prompts import (
    CALIBRATION_ABSTENTION,
    CALIBRATION_HEDGE,
    CALIBRATION_INJECTION,
    CALIBRATION_PADDINGS,
)

Expected = Literal["accept", "reject", "no_full_credit"]

CANDIDATE_KINDS: dict[str, Expected] = {
    "gold": "accept",
    "gold_padded": "accept",
    "other_gold": "reject",
    "abstention": "reject",
    "hedge": "no_full_credit",
    "injection": "reject",
    "trap": "reject",
}
"""Each kind of candidate and the verdict a trustworthy judge gives it."""

NEAR_ZERO_F1 = 0.1
"""The most token F1 a wrong answer (another question's gold) may share with the gold answer."""

HEDGE_WRONG_OPTIONS = 2


@dataclass(frozen=True)
class Candidate:
    kind: str
    text: str

    @property
    def expected(self) -> Expected:
        return CANDIDATE_KINDS[self.kind]

    @property
    def should_pass(self) -> bool:
        return self.expected == "accept"


def accepted(kind: str, score: float) -> bool:
    """Whether a judge's score accepts the candidate: at least ACCEPT_AT, or full credit for a hedge."""
    return score >= 1.0 if CANDIDATE_KINDS[kind] == "no_full_credit" else score >= ACCEPT_AT


def trap_answer(question: Sample) -> str | None:
    """The tempting wrong answer of a LoCoMo adversarial question; None for an ordinary question."""
    trap = (question.metadata or {}).get("adversarial_answer")
    return None if trap is None else str(trap)


def candidates(question: Sample, others: Sequence[Sample], seed: int) -> list[Candidate]:
    """The candidates for one question; `others` are the questions of its conversation and category.

    Kinds that need a wrong answer are left out when no other answer (another question's gold, or for an
    adversarial question another trap) is far enough from this gold (and this trap).
    """
    gold = str(question.target)
    trap = trap_answer(question)
    rng = random.Random(f"{seed}-{question.id}")
    avoid = [gold] if trap is None else [gold, trap]
    answers = {trap_answer(o) or str(o.target) for o in others if o.id != question.id}
    wrong = sorted(a for a in answers if all(token_f1(a, near) <= NEAR_ZERO_F1 for near in avoid))
    rng.shuffle(wrong)
    found = [
        Candidate("gold", gold),
        Candidate("gold_padded", rng.choice(CALIBRATION_PADDINGS).format(answer=gold)),
    ]
    if trap is None:
        found.append(Candidate("abstention", CALIBRATION_ABSTENTION))
    else:
        found.append(Candidate("trap", trap))
    if wrong:
        hedged = wrong[:HEDGE_WRONG_OPTIONS] if trap is None else [trap, wrong[0]]
        options = [*hedged]
        options.insert(rng.randrange(len(options) + 1), gold)
        listed = ", ".join(options[:-1]) + " or " + options[-1]
        found += [
            Candidate("other_gold", wrong[0]),
            Candidate("hedge", CALIBRATION_HEDGE.format(options=listed)),
            Candidate("injection", CALIBRATION_INJECTION.format(answer=wrong[0] if trap is None else trap)),
        ]
    order = list(CANDIDATE_KINDS)
    return sorted(found, key=lambda candidate: order.index(candidate.kind))


def calibration_samples(questions: Sequence[Sample], judge_prompts: Sequence[str], seed: int) -> list[Sample]:
    """One sample per (question, candidate, judge prompt): the filled judge prompt is the input.

    `questions` are memory-probing samples (target = gold answer; metadata `question`, `conversation_id`,
    `category_name`), from any dataset that builds them. The judge prompt is filled as `llm_accuracy` fills it
    (`memory_judge_prompt`): a LoCoMo adversarial question gets MEMORY_JUDGE_ADVERSARIAL under every judge
    prompt.
    """
    groups: dict[tuple[str, str], list[Sample]] = {}
    for question in questions:
        key = (str(question.metadata["conversation_id"]), str(question.metadata["category_name"]))  # type: ignore[index]
        groups.setdefault(key, []).append(question)
    samples = []
    for question in questions:
        metadata = dict(question.metadata or {})
        others = groups[(str(metadata["conversation_id"]), str(metadata["category_name"]))]
        for candidate in candidates(question, others, seed):
            for prompt in judge_prompts:
                samples.append(
                    Sample(
                        id=f"{question.id}-{candidate.kind}-{prompt}",
                        input=memory_judge_prompt(prompt, metadata, str(question.target), candidate.text),
                        target=candidate.expected,
                        metadata={
                            **metadata,
                            "gold": question.target,
                            "candidate": candidate.text,
                            "kind": candidate.kind,
                            "should_pass": candidate.should_pass,
                            "judge_prompt": prompt,
                        },
                    )
                )
    return samples
