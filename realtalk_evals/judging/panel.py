"""A panel of LLM judges: the models bound to the `grader` role, their combined verdict, and their agreement.

Inspect binds a role to several models with `--model-role grader=a,b` (or a YAML list of configs), as its own
`model_graded_qa` does for its grader panels; `-T graders=a,b` binds the same role from the task. Each judge
scores every sample; the panel's score is the mean of the judges that gave a verdict, its majority verdict
counts a judge as accepting at a score of at least 0.5, and the judges' agreement is Krippendorff's alpha
(Inspect's `krippendorff_alpha`, interval level: scores are numbers in [0, 1]) over the samples that at least
two judges scored.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence

from inspect_ai.model import Model, get_model, model_roles
from inspect_ai.scorer import Metric, SampleScore, Score, krippendorff_alpha
from inspect_ai.solver import Generate, Solver, TaskState, solver

from realtalk_evals.errors import InputError
from realtalk_evals.inspect_private import active_model
from realtalk_evals.judging.ask import PAPER_GRADER
from realtalk_evals.metrics import short_metric
from realtalk_evals.parameters import names

GRADER_ROLE = "grader"

_MARKUP = re.compile(r"\[/?[a-z]+\]")
"""Rich console markup in provider errors (`[bold]...[/bold]`), dropped from our one-line messages."""

ACCEPT_AT = 0.5
"""A judge's score at or above which it counts as accepting the answer (for the majority verdict)."""

JUDGE_SCORES = "judge_scores"
"""Score metadata key: each judge's score in panel order (None for a judge that failed)."""


def judge_identity(model: Model) -> str:
    """What makes two judges the same judge: name, base URL, generate config and model args."""
    return json.dumps(
        [str(model), model.api.base_url, model.config.model_dump(exclude_none=True), model.model_args],
        sort_keys=True,
        default=repr,
    )


def check_distinct(models: Sequence[Model]) -> None:
    """Raise InputError when a judge appears twice: its verdicts would be counted as independent."""
    seen: set[str] = set()
    for model in models:
        identity = judge_identity(model)
        if identity in seen:
            raise InputError(
                f"grader {model} is bound twice to the `{GRADER_ROLE}` role: a panel needs distinct judges "
                "(give each its own model, model args or generate config)"
            )
        seen.add(identity)


def panel_models(grader: str | None = None) -> list[Model]:
    """The judges of the running sample: every model bound to `grader` (the paper's judge when none is)."""
    if grader is None:
        bound = model_roles().get(GRADER_ROLE)
        if isinstance(bound, list):
            return list(bound)
    return [get_model(grader, role=GRADER_ROLE, default=PAPER_GRADER)]


def panel_value(scores: Sequence[float | None]) -> dict[str, float]:
    """The panel's score from each judge's (None = failed): mean, failures, and for 2+ judges the majority,
    unanimity and each judge's own score (`llm_accuracy_<n>`, 1-based in panel order)."""
    given = [score for score in scores if score is not None]
    value = {
        "llm_accuracy": sum(given) / len(given) if given else math.nan,
        "judge_failure": float(len(scores) - len(given)),
    }
    if len(scores) > 1:
        accepting = sum(score >= ACCEPT_AT for score in given)
        value["llm_majority"] = float(accepting > len(given) / 2) if given else math.nan
        value["judges_agree"] = float(len(set(given)) == 1) if len(given) > 1 else math.nan
        for number, score in enumerate(scores, start=1):
            value[f"llm_accuracy_{number}"] = math.nan if score is None else score
    return value


def alpha(units: Iterable[Sequence[float | None]]) -> float:
    """Krippendorff's alpha (interval) of per-sample judge scores; None entries are missing ratings."""
    sample_scores = [
        SampleScore(score=Score(value=[score for score in unit if score is not None])) for unit in units
    ]
    usable = [s for s in sample_scores if isinstance(s.score.value, list) and len(s.score.value) > 1]
    if not usable:
        return math.nan
    return float(krippendorff_alpha(level="interval")(usable))  # type: ignore[arg-type]


@short_metric
def judge_agreement() -> Metric:
    """Krippendorff's alpha of the panel's judges, from each sample's `judge_scores` metadata."""

    def compute(scores: list[SampleScore]) -> float:
        return alpha((s.score.metadata or {}).get(JUDGE_SCORES) or [] for s in scores)

    return compute


def _reason(error: BaseException) -> str:
    """A provider's error as one plain line: Inspect's rich markup and line breaks dropped."""
    text = str(getattr(error, "message", "") or error or type(error).__name__)
    paragraphs = [" ".join(part.split()) for part in _MARKUP.sub("", text).split("\n\n") if part.strip()]
    return ": ".join(paragraphs).removeprefix("ERROR: ").rstrip(".")


def default_grader_problem(error: BaseException) -> str:
    """The one message for a default grader that cannot be made: what failed, and the role to bind."""
    return (
        f"the default grader {PAPER_GRADER} cannot be used: {_reason(error)}. Bind the judge with "
        f"--model-role {GRADER_ROLE}=PROVIDER/MODEL (a trial run without keys: {GRADER_ROLE}=realtalk/mock)"
    )


def default_grader_role() -> dict[str, str | Model | list[str | Model]] | None:
    """The paper's judge as the task's default `grader` (a `--model-role grader=...` binding overrides it),
    made now: a missing key, package or provider stops the run before the model under test is called.

    Inspect binds `--model-role` before it builds the task, so a bound role is seen here and left alone. A task
    built outside an eval (Python code that passes `model_roles=` to `eval()` later) cannot know its roles
    yet: an unusable default is then left to `check_graders`, which stops every sample before its first call.
    """
    if model_roles().get(GRADER_ROLE) is not None:
        return None
    try:
        model = get_model(PAPER_GRADER, memoize=False)
    except Exception as error:
        if active_model() is None:
            return None
        raise InputError(default_grader_problem(error)) from error
    return {GRADER_ROLE: model}


def grader_roles(graders: object) -> dict[str, str | Model | list[str | Model]] | None:
    """The task's model roles: `-T graders=...`, else the default grader; each made now, so that a bad one stops
    the run here, before any model call."""
    chosen = names("graders", graders)
    if chosen is None:
        return default_grader_role()
    models: list[str | Model] = []
    for name in chosen:
        try:
            models.append(get_model(name, memoize=False))
        except Exception as error:
            raise InputError(f"grader {name!r} (graders) cannot be resolved: {_reason(error)}") from error
    check_distinct([model for model in models if isinstance(model, Model)])
    return {GRADER_ROLE: models if len(models) > 1 else models[0]}


@solver
def check_graders() -> Solver:
    """Stop a sample before any model call when the `grader` role holds the same judge twice, or when no
    grader is bound and the default cannot be made (a task built before `eval()`: see default_grader_role)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        bound = model_roles().get(GRADER_ROLE)
        if isinstance(bound, list):
            check_distinct(bound)
        elif bound is None:
            try:
                get_model(role=GRADER_ROLE, default=PAPER_GRADER)
            except Exception as error:
                raise InputError(default_grader_problem(error)) from error
        return state

    return solve
