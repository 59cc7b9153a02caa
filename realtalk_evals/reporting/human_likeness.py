"""Persona simulation's human-likeness in `realtalk report`: real-or-simulated discrimination (accuracy with a
Wilson interval and the judge's position bias, per speaker and overall) and style fidelity (per statistic,
the difference of means and the Wasserstein distance, per speaker and over speakers).

Both read the samples' scores of persona_simulation runs, pooled per run identity like table 2's rows; a run
identity without the scorer's values has no row.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from inspect_ai.log import EvalSample

from realtalk_evals.persona.style import STYLE_STATISTICS, style_distances
from realtalk_evals.reporting.persona import run_label
from realtalk_evals.reporting.pools import GRADER, MODEL, Pool, identity_cells, pool_columns, pools
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.sections import Row, Section, Table, number_cell
from realtalk_evals.score_keys import (
    DISCRIMINATION_VERDICTS,
    REAL_OR_SIMULATED,
    STYLE_FIDELITY,
    style_key,
)
from realtalk_evals.task_names import PERSONA_SIMULATION

OVERALL = "overall"
"""The row of a run identity's every speaker together."""


@dataclass(frozen=True)
class Verdicts:
    """Readable verdicts of a judge: how many named the real message, how many said `A`, how many failed."""

    correct: int = 0
    first: int = 0
    read: int = 0
    unreadable: int = 0

    def __add__(self, other: Verdicts) -> Verdicts:
        return Verdicts(
            self.correct + other.correct,
            self.first + other.first,
            self.read + other.read,
            self.unreadable + other.unreadable,
        )

    @property
    def accuracy(self) -> float:
        return self.correct / self.read if self.read else math.nan

    @property
    def position_bias(self) -> float:
        """The share of `A` answers: 0.5 = no preference for a position."""
        return self.first / self.read if self.read else math.nan

    def interval(self) -> tuple[float, float]:
        """The accuracy's 95% Wilson interval (NaN without verdicts)."""
        if not self.read:
            return math.nan, math.nan
        from scipy.stats import binomtest  # type: ignore[import-untyped]

        interval = binomtest(self.correct, self.read).proportion_ci(confidence_level=0.95, method="wilson")
        return float(interval.low), float(interval.high)


def sample_verdicts(sample: EvalSample) -> Verdicts:
    score = (sample.scores or {}).get(REAL_OR_SIMULATED)
    records = (score.metadata or {}).get(DISCRIMINATION_VERDICTS, []) if score else []
    read = [r for r in records if r.get("verdict") is not None]
    return Verdicts(
        correct=sum(r["verdict"] == r["real_position"] for r in read),
        first=sum(r["verdict"] == "A" for r in read),
        read=len(read),
        unreadable=len(records) - len(read),
    )


def _by_speaker(pool: Pool) -> dict[str, list[EvalSample]]:
    """Speaker -> every scored epoch of their questions, speakers in name order."""
    found: dict[str, list[EvalSample]] = defaultdict(list)
    for epochs in pool.questions.values():
        found[str(epochs[0].metadata["speaker"])] += epochs
    return dict(sorted(found.items()))


def _has_score(pool: Pool, scorer: str) -> bool:
    return any(scorer in (sample.scores or {}) for epochs in pool.questions.values() for sample in epochs)


def _label_cells(pool: Pool, columns: list[str]) -> list[str]:
    return [run_label(pool.identity)] + identity_cells(pool.identity, columns)


def discrimination_section(runs: list[Run]) -> Section | None:
    """Accuracy, Wilson interval and position bias per speaker and overall; None without discrimination."""
    chosen = [pool for pool in pools(runs, PERSONA_SIMULATION) if _has_score(pool, REAL_OR_SIMULATED)]
    if not chosen:
        return None
    columns = pool_columns(chosen, always=(MODEL, GRADER))
    rows = []
    for pool in chosen:
        speakers = {
            speaker: sum((sample_verdicts(s) for s in samples), Verdicts())
            for speaker, samples in _by_speaker(pool).items()
        }
        everyone = sum(speakers.values(), Verdicts())
        for speaker, counts in [(OVERALL, everyone), *speakers.items()]:
            low, high = counts.interval()
            ids = None if speaker == OVERALL else {str(s.id) for s in _by_speaker(pool)[speaker]}
            rows.append(
                Row(
                    _label_cells(pool, columns)
                    + [
                        speaker,
                        str(counts.read),
                        number_cell(counts.accuracy, 3),
                        f"{number_cell(low, 3)}-{number_cell(high, 3)}",
                        number_cell(counts.position_bias, 3),
                        str(counts.unreadable),
                    ],
                    [run_label(pool.identity), *identity_cells(pool.identity, columns), speaker, counts.read]
                    + [counts.accuracy, low, high, counts.position_bias, counts.unreadable],
                    pool.sources(ids),
                )
            )
    return Section(
        "Real-or-simulated discrimination",
        [
            "The grader saw the conversation so far and two candidates, the real message and the simulated "
            "one, in both orders (two verdicts a message). Accuracy: the share of readable verdicts that "
            "named the real message (0.5: the judge cannot tell; 1: the simulation is always caught), with "
            "its 95% Wilson interval over verdicts (the two orders of one message are not independent, so "
            "the interval is somewhat narrow). Position bias: the share of `A` answers (0.5: none; a judge "
            "that always answers A gets accuracy 0.5 and bias 1). `another person's real messages` rows are "
            "the judge check (`-T solver=other_person`): trust a judge whose interval there lies above 0.5 "
            "and whose bias is near 0.5."
        ],
        [
            Table(
                [
                    "run",
                    *columns,
                    "speaker",
                    "verdicts",
                    "accuracy",
                    "95% CI (Wilson)",
                    "share of A",
                    "unreadable",
                ],
                rows,
                csv="discrimination.csv",
                csv_columns=["run", *columns, "speaker", "verdicts", "accuracy", "ci_low", "ci_high"]
                + ["position_bias", "unreadable"],
            )
        ],
    )


def _style_values(samples: Iterable[EvalSample]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """The simulated and the real messages' style statistics of the samples scored by style fidelity."""
    simulated, real = [], []
    for sample in samples:
        score = (sample.scores or {}).get(STYLE_FIDELITY)
        if score is None or not isinstance(score.value, dict):
            continue
        value = score.value
        simulated.append({n: float(value[style_key("simulated", n)]) for n in STYLE_STATISTICS})  # type: ignore[arg-type]
        real.append({n: float(value[style_key("real", n)]) for n in STYLE_STATISTICS})  # type: ignore[arg-type]
    return simulated, real


def style_section(runs: list[Run]) -> Section | None:
    """Per statistic, simulated minus real mean and the Wasserstein distance, per speaker and their mean."""
    chosen = [pool for pool in pools(runs, PERSONA_SIMULATION) if _has_score(pool, STYLE_FIDELITY)]
    if not chosen:
        return None
    columns = pool_columns(chosen, always=(MODEL,))
    kinds = ("mean_difference", "wasserstein")
    rows = []
    for pool in chosen:
        per_speaker = {}
        for speaker, samples in _by_speaker(pool).items():
            simulated, real = _style_values(samples)
            if simulated:
                distances = style_distances(simulated, real)
                per_speaker[speaker] = {
                    (n, k): getattr(distances[n], k) for n in STYLE_STATISTICS for k in kinds
                }
        if not per_speaker:
            continue
        mean = {
            key: sum(v[key] for v in per_speaker.values()) / len(per_speaker)
            for key in next(iter(per_speaker.values()))
        }
        for speaker, values in [("mean over speakers", mean), *per_speaker.items()]:
            ids = None if speaker not in per_speaker else {str(s.id) for s in _by_speaker(pool)[speaker]}
            rows.append(
                Row(
                    _label_cells(pool, columns)
                    + [speaker]
                    + [
                        f"{values[(n, 'mean_difference')]:+.2f} / {values[(n, 'wasserstein')]:.2f}"
                        for n in STYLE_STATISTICS
                    ],
                    [run_label(pool.identity), *identity_cells(pool.identity, columns), speaker]
                    + [values[(n, k)] for n in STYLE_STATISTICS for k in kinds],
                    pool.sources(ids),
                )
            )
    if not rows:
        return None
    return Section(
        "Style fidelity",
        [
            "Per style statistic (docs/human_likeness.md), the simulated messages against the real ones of "
            "the same samples: difference of means (simulated - real) / Wasserstein distance between the two "
            "distributions, in the statistic's unit (0 / 0: alike). Bubbles count the lines of a reply and "
            "the chat messages of a real turn, one a line, alike (the gold solver scores 0 everywhere); D.1's "
            "prompt does not tell the model how to send several, `-T prompt=bubbles` does."
        ],
        [
            Table(
                ["run", *columns, "speaker"] + [f"{n} (Δ / W)" for n in STYLE_STATISTICS],
                rows,
                csv="style_fidelity.csv",
                csv_columns=["run", *columns, "speaker"]
                + [f"{n}_{k}" for n in STYLE_STATISTICS for k in kinds],
            )
        ],
    )
