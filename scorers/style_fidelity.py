"""Style fidelity of persona simulation: does the simulated message look like the person's writing?

Local, no model call (realtalk_evals.persona.style): per sample the five style statistics of the simulated message and
of the real one; the metric compares the two distributions per speaker, as the difference of means and the
Wasserstein distance of each statistic. Both sides are measured on the turn written one chat bubble a line: the
model's reply as it is, the real turn as its merged chat messages one a line (`real_reply`), so the gold
reply scores 0 on every statistic. `conversation_style` applies the same comparison to a whole simulated
conversation against the real sessions it simulates.
"""

from __future__ import annotations

import math
from collections import defaultdict

from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, mean, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.data.realtalk import conversation_from_json, load_conversations
from realtalk_evals.data.simulated import SIMULATED_CONVERSATION
from realtalk_evals.metrics import short_metric
from realtalk_evals.persona.samples import predicted_message, real_reply
from realtalk_evals.persona.style import STYLE_STATISTICS, conversation_style, message_style, style_distances
from realtalk_evals.score_keys import style_key

ALL_SPEAKERS = "all"


STYLE_METADATA = "style"
"""`Score.metadata` key of `style_fidelity`: the sample's statistics (its value, for the metric, which Inspect
hands one value key at a time)."""


def style_fidelity_values(scores: list[SampleScore]) -> dict[str, float]:
    """`<speaker>/<statistic>_mean_difference` and `..._wasserstein` per speaker; `all/...` their mean."""
    simulated: dict[str, list[dict[str, float]]] = defaultdict(list)
    real: dict[str, list[dict[str, float]]] = defaultdict(list)
    for sample_score in scores:
        value = (sample_score.score.metadata or {}).get(STYLE_METADATA)
        speaker = str((sample_score.sample_metadata or {}).get("speaker", ALL_SPEAKERS))
        if not isinstance(value, dict):
            continue
        simulated[speaker].append({n: float(value[style_key("simulated", n)]) for n in STYLE_STATISTICS})  # type: ignore[arg-type]
        real[speaker].append({n: float(value[style_key("real", n)]) for n in STYLE_STATISTICS})  # type: ignore[arg-type]
    result: dict[str, float] = {}
    for speaker in simulated:
        for name, distance in style_distances(simulated[speaker], real[speaker]).items():
            result[f"{speaker}/{name}_mean_difference"] = distance.mean_difference
            result[f"{speaker}/{name}_wasserstein"] = distance.wasserstein
    if simulated:
        for name in STYLE_STATISTICS:
            for kind in ("mean_difference", "wasserstein"):
                values = [result[f"{s}/{name}_{kind}"] for s in simulated]
                result[f"{ALL_SPEAKERS}/{name}_{kind}"] = (
                    sum(values) / len(values) if all(map(math.isfinite, values)) else math.nan
                )
    return result


@short_metric
def style() -> Metric:
    """Per speaker and statistic: simulated minus real mean, and the Wasserstein distance."""
    return style_fidelity_values


STYLE_KEYS = tuple(style_key(side, name) for side in ("simulated", "real") for name in STYLE_STATISTICS)


# every metric under a value key (a scorer-level metric would make Inspect's viewer show the whole value)
@scorer(metrics={key: [mean(), *([style()] if key == STYLE_KEYS[0] else [])] for key in STYLE_KEYS})
def style_fidelity() -> Scorer:
    """The style statistics of the simulated and the real message (no model call); the comparison of their
    distributions per speaker (`style`) comes with the first statistic."""

    async def score(state: TaskState, target: Target) -> Score:
        prediction = predicted_message(state.output.completion, state.metadata["speaker_name"])
        simulated = message_style(prediction)
        real = message_style(real_reply(state.metadata, target.text))
        values = {
            **{style_key("simulated", name): simulated[name] for name in STYLE_STATISTICS},
            **{style_key("real", name): real[name] for name in STYLE_STATISTICS},
        }
        return Score(value=values, answer=prediction, metadata={STYLE_METADATA: values})

    return score


CONVERSATION_STYLE_KEYS = tuple(
    f"{name}_{kind}" for kind in ("wasserstein", "mean_difference") for name in STYLE_STATISTICS
)
"""Every statistic's Wasserstein distance (0 = the real distribution), then its signed mean difference; the first,
`words_wasserstein`, is the task's headline."""


@scorer(metrics={key: [mean()] for key in CONVERSATION_STYLE_KEYS})
def conversation_style_fidelity() -> Scorer:
    """A simulated conversation against the real one's simulated sessions: each statistic's distance, the mean
    over the two speakers (per speaker in the score's metadata). No model call."""

    async def score(state: TaskState, target: Target) -> Score:
        simulated = conversation_from_json(
            state.metadata["conversation_id"], state.metadata[SIMULATED_CONVERSATION]
        )
        real = next(c for c in load_conversations() if c.id == simulated.id)
        numbers = {s.number for s in simulated.sessions}
        real = real.model_copy(update={"sessions": [s for s in real.sessions if s.number in numbers]})
        simulated_style, real_style = conversation_style(simulated), conversation_style(real)
        per_speaker = {
            speaker: {
                f"{name}_{kind}": getattr(distance, kind)
                for name, distance in style_distances(
                    simulated_style.get(speaker, []), real_style[speaker]
                ).items()
                for kind in ("mean_difference", "wasserstein")
            }
            for speaker in real_style
        }
        value = {
            key: sum(values[key] for values in per_speaker.values()) / len(per_speaker)
            for key in CONVERSATION_STYLE_KEYS
        }
        return Score(value=value, metadata={"per_speaker": per_speaker})

    return score
