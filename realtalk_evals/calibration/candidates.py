"""Candidate answers whose verdict is known without a model, for calibrating a memory judge.

For each question: the gold answer and the gold answer inside padding (should pass); another question's gold
answer (same conversation and category, token F1 against this gold at most `NEAR_ZERO_F1`), an abstention, a
vague answer of the category's type (`CALIBRATION_VAGUE`: wrong by construction, it shares no word but function
words with the gold), and that other answer followed by text telling the judge to give full marks (should
fail); and a hedge listing the gold among such wrong answers (should not get full credit). Every choice comes
from `random.Random` seeded with the seed and the question's id, so a question's candidates do not depend on
which other questions are chosen (the vague answer has its own generator, so adding it changed no other
candidate).

A LoCoMo adversarial question (category 5) has no ordinary gold answer: the right answer says the conversation
does not contain it (the target, "Not mentioned in the conversation"), and the file gives a tempting wrong
`adversarial_answer`. Its candidates are that right answer, plain and padded (should pass); the trap answer,
another such question's trap, and the trap followed by the full-marks note (should fail); and a hedge listing the
right answer among the trap and another trap (should not get full credit); and a vague answer that treats the
question as answerable without saying what the answer is (should fail: it neither says "not mentioned" nor
shares a word with the trap). "I don't know." is left out: whether it says the conversation lacks the answer is
a judgement call, so its verdict is not known without a model.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from inspect_ai.dataset import Sample

from realtalk_evals.judging.memory_judge import memory_judge_prompt
from realtalk_evals.judging.panel import ACCEPT_AT
from realtalk_evals.memory.answer_f1 import stemmed_tokens, token_f1
from realtalk_evals.memory.locomo_protocol import says_not_mentioned
from realtalk_evals.prompts import (
    CALIBRATION_ABSTENTION,
    CALIBRATION_HEDGE,
    CALIBRATION_INJECTION,
    CALIBRATION_PADDINGS,
    CALIBRATION_VAGUE,
)

Expected = Literal["accept", "reject", "no_full_credit"]

CANDIDATE_KINDS: dict[str, Expected] = {
    "gold": "accept",
    "gold_padded": "accept",
    "other_gold": "reject",
    "abstention": "reject",
    "vague": "reject",
    "hedge": "no_full_credit",
    "injection": "reject",
    "trap": "reject",
}
"""Each kind of candidate and the verdict a trustworthy judge gives it."""

SENSITIVITY_KINDS = frozenset({"gold", "gold_padded"})
"""The right answers a judge's sensitivity (true-accept rate) is measured on."""

SPECIFICITY_KINDS = frozenset({"other_gold", "abstention", "vague", "trap"})
"""The wrong answers a judge's specificity (1 - false-accept rate) is measured on for correcting accuracy: the
kinds a model under test gives (a specific wrong answer, an abstention, a vague answer, LoCoMo's trap). The
injection (an attack on the judge, not an answer) and the hedge (whose verdict is "no full credit", not a
rejection) are measured and shown, but left out of it."""

FUNCTION_WORDS = (
    "in on at of to for with by from about as it its they them their he him his she her is was were be been or "
    "but not that this these those some one i you we"
)
"""Words a vague answer may share with the gold answer; any other shared word is a key word of the gold, and an
answer that contains one is not vague."""


@lru_cache(maxsize=1)
def _function_stems() -> frozenset[str]:
    """FUNCTION_WORDS stemmed as F1 stems them (on first use: the stemmer's import takes a second)."""
    return frozenset(stemmed_tokens(FUNCTION_WORDS))


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


def shares_key_words(answer: str, gold: str) -> bool:
    """Whether the answer contains a word of the gold other than a function word (stems compared)."""
    return bool((set(stemmed_tokens(answer)) & set(stemmed_tokens(gold))) - _function_stems())


def wrong_by_construction(answer: str, avoid: Sequence[str], adversarial: bool = False) -> bool:
    """Whether a vague answer is wrong whatever the judge: token F1 against each text of `avoid` (the gold, or an
    adversarial question's trap) at most NEAR_ZERO_F1 and no key word shared; for an adversarial question, also
    not saying the conversation lacks the answer (LoCoMo's "not mentioned" rule)."""
    if adversarial and says_not_mentioned(answer):
        return False
    return all(
        token_f1(answer, text) <= NEAR_ZERO_F1 and not shares_key_words(answer, text) for text in avoid
    )


def vague_answer(question: Sample, seed: int) -> str | None:
    """A vague wrong answer of the question's category (CALIBRATION_VAGUE), from its own seeded generator; None
    when every one shares words with the gold (or the trap)."""
    metadata = question.metadata or {}
    trap = trap_answer(question)
    options = list(CALIBRATION_VAGUE[str(metadata["category_name"])])
    random.Random(f"{seed}-{question.id}-vague").shuffle(options)
    avoid = [str(question.target)] if trap is None else [trap]
    return next((text for text in options if wrong_by_construction(text, avoid, trap is not None)), None)


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
    vague = vague_answer(question, seed)
    if vague is not None:
        found.append(Candidate("vague", vague))
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
