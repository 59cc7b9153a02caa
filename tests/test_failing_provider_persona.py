"""persona_simulation through a provider that fails: Inspect's retries carry it to the clean run's scores.

The persona task makes many more calls per sample than memory probing (the answer, then six judge calls for
the simulated and the real message), so this checks that the EI judges' calls, too, survive 429s, 500s and
dropped connections without a lost or invented label. Replies depend only on the prompt, so a run that went
through failures must end with exactly the clean run's per-sample scores.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.event import ModelEvent
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import get_model
from openai_server import FailurePlan, last_user_text, message_text, start_openai_server
from test_persona_task import tiny_model_args

from realtalk_evals.tasks.persona_simulation import persona_simulation

pytestmark = pytest.mark.slow  # end to end: Inspect against a scripted provider, and real runs

MODEL = "openai/gpt-4o-mini"


def reply(messages: list[dict[str, Any]]) -> str:
    """A deterministic persona message or EI judgement (a system message), varied by the prompt's hash."""
    first = message_text(messages[0])
    judged = first.startswith(("Empathy Assessment", "Reflectiveness Classification", "Grounding Act"))
    prompt = first if judged else last_user_text(messages)
    pick = int(hashlib.sha256(prompt.encode()).hexdigest(), 16)
    if prompt.startswith("Empathy Assessment"):
        return json.dumps({"emotional_reaction": pick % 3, "interpretation": pick % 2, "exploration": 0})
    if judged:
        return ("True", "False")[pick % 2]
    return ("haha yes same!!", "I think I'm just tired today, sorry", "where did you go?")[pick % 3]


def run(log_dir: Path) -> EvalLog:
    model = get_model(MODEL, max_retries=0, memoize=False)  # the SDK's own retries off: Inspect's do it all
    grader = get_model(MODEL, max_retries=0, memoize=False)
    [log] = eval(
        persona_simulation(speaker="Emi", max_per_speaker=2, **tiny_model_args()),  # type: ignore[arg-type]
        model=model,
        model_roles={"grader": grader},
        log_dir=str(log_dir),
        display="none",
    )
    return read_eval_log(log.location)


def sample_scores(log: EvalLog) -> dict[str, dict[str, Any]]:
    assert log.samples is not None
    return {str(s.id): {name: score.value for name, score in (s.scores or {}).items()} for s in log.samples}


def flat(scores: dict[str, dict[str, Any]]) -> dict[str, float]:
    """`sample/scorer/key` -> value (a scorer with one number: `sample/scorer/`), for a tolerant comparison."""
    return {
        f"{sample}/{scorer}/{key}": value
        for sample, by_scorer in scores.items()
        for scorer, values in by_scorer.items()
        for key, value in (values.items() if isinstance(values, dict) else [("", values)])
    }


def test_persona_run_through_429_500_and_drops_ends_with_the_clean_runs_scores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_openai_server(reply=reply) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        clean = run(tmp_path / "clean")
    assert clean.status == "success", clean.error

    monkeypatch.setenv(
        "INSPECT_CACHE_DIR", str(tmp_path / "second-cache")
    )  # no cache hits: every call is made
    plan = FailurePlan(first=3, faults=(429, 500, "drop"))  # the first three requests, retries included
    with start_openai_server(reply=reply, delay=0.1, failures=plan) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        failing = run(tmp_path / "failing")

    assert failing.status == "success", failing.error
    assert [r.outcome for r in server.failed_chat_requests] == [429, 500, "drop"]
    scores = sample_scores(failing)
    assert len(scores) == 2 and all(
        set(s) == {"content_similarity", "ei_agreement", "style_fidelity", "empty_reply"}
        for s in scores.values()
    )
    # BERTScore pads each batch to its longest text, so its F1 moves in the 7th digit with the batch's make-up
    assert flat(scores) == pytest.approx(flat(sample_scores(clean)), rel=1e-5, nan_ok=True)
    retried = [e for s in failing.samples or [] for e in s.events if isinstance(e, ModelEvent) and e.error]
    assert len(retried) == 3
    failures = {
        key: value for s in scores.values() for key, value in s["ei_agreement"].items() if "failures" in key
    }
    assert set(failures.values()) == {0.0}, "no label was lost to the provider's errors"
