"""Each task's headline is the number its docs lead with, first in the log and declared to Inspect; every
metric is shown by a short name; no viewer column shows a whole dict-valued score (issue 21, point 8)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from command_line import INSPECT_EVAL, run_command
from inspect_ai import eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import ChatMessage, ModelOutput, get_model
from inspect_ai.scorer import SampleScore, Score
from inspect_ai.util import registry_create, registry_info
from test_persona_task import Grader, tiny_model_args

from realtalk_evals.metrics import count


def judge_reply(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """A judge for every suite prompt: a JSON score, an EI truth value, or an EPITOME score."""
    text = messages[-1].text
    if text.startswith("Empathy Assessment") or "empathy" in text.lower()[:40]:
        reply = '{"emotional_reaction": 1, "interpretation": 1, "exploration": 0}'
    elif '"score"' in text:
        reply = '{"score": 1}'
    else:
        reply = "True"
    return ModelOutput.from_content(model="judge", content=reply)


def judge() -> Any:
    return get_model("realtalk/judge", custom_outputs=judge_reply, memoize=False)


def check_log(log: EvalLog, scorer: str, score: str, metric: str, first_score: bool = True) -> float:
    """The declared headline (which Inspect's viewer lists) is resolved, and is the first metric of the first
    score unless a scorer-level metric must come first; names are short; returns its value."""
    log = read_eval_log(log.location)
    assert log.status == "success", log.error
    assert log.results is not None and log.results.headline is not None
    headline = log.results.headline
    assert (headline.scorer, headline.score, headline.metric) == (scorer, score, metric)
    first = next(s for s in log.results.scores if (s.scorer, s.name) == (scorer, score))
    assert next(iter(first.metrics)) == metric
    if first_score:
        assert first is log.results.scores[0]
    for evaluated in log.results.scores:
        for key, value in evaluated.metrics.items():
            assert "realtalk_evals/" not in key + value.name, (evaluated.name, key, value.name)
    # Inspect's viewer shows a score whose name is its scorer's as that scorer's whole value: with a dict
    # value, a cell of raw JSON
    dict_scorers = {
        name
        for sample in log.samples or []
        for name, s in (sample.scores or {}).items()
        if isinstance(s.value, dict)
    }
    clashes = [s.name for s in log.results.scores if s.name == s.scorer and s.scorer in dict_scorers]
    assert not clashes, clashes
    return first.metrics[metric].value


def test_memory_probing_leads_with_judged_accuracy_and_prints_short_metric_names(tmp_path: Path) -> None:
    """From the command line, as the console shows it (`memory=recent` adds the evidence-recall counts)."""
    result = run_command(
        [*INSPECT_EVAL, "realtalk_evals/memory_probing", "--model", "realtalk/mock"]
        + ["--model-role", "grader=realtalk/mock", "-T", "conversations=1", "-T", "memory=recent"]
        + ["--limit", "3", "--display", "plain", "--log-dir", str(tmp_path)],
        tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    results = output.split("total time:")[-1].split("Log:")[0]  # the results table of the console
    assert "realtalk_evals/" not in results, output
    assert all(name in results for name in ("llm_accuracy", "judge_failure", "count", "unknown_evidence")), (
        output
    )
    [path] = tmp_path.glob("*.eval")
    value = check_log(read_eval_log(str(path)), "llm_judge", "llm_accuracy", "mean")
    assert math.isnan(value)  # the mock judge's reply is no verdict: counted as failures, no accuracy


def test_judge_calibration_leads_with_overall_accuracy(tmp_path: Path) -> None:
    [log] = eval(
        "realtalk_evals/judge_calibration",
        task_args={"conversations": 1, "categories": 3},
        model=judge(),
        limit=12,
        log_dir=str(tmp_path),
        display="none",
    )
    value = check_log(log, "judge_verdict", "accuracy", "mean")
    log = read_eval_log(log.location)
    expected = [bool(s.metadata["should_pass"]) for s in log.samples or []]  # the judge accepts everything
    assert value == pytest.approx(sum(expected) / len(expected))


def test_ei_analysis_leads_with_the_share_of_fully_labelled_messages(
    tmp_path: Path, tiny_model_env: Any
) -> None:
    [log] = eval(
        "realtalk_evals/ei_analysis",
        task_args={"conversations": 1, "sessions": 1},
        model=get_model("realtalk/mock", memoize=False),  # no readable EI judgement: nothing fully labelled
        limit=4,
        log_dir=str(tmp_path),
        display="none",
    )
    # the speaker-level means (a metric of the scorer, not of one value key) come first in Inspect's layout
    assert check_log(log, "message_ei", "labelled", "mean", first_score=False) == 0.0  # a rate, not NaN


def test_persona_simulation_leads_with_rouge_l_over_speakers(tmp_path: Path) -> None:
    [log] = eval(
        "realtalk_evals/persona_simulation",
        task_args={**tiny_model_args(), "speaker": "Emi", "max_per_speaker": 2},
        model=get_model("realtalk/mock", reply="omg same", memoize=False),
        model_roles={"grader": Grader().model()},
        log_dir=str(tmp_path),
        display="none",
    )
    assert 0.0 <= check_log(log, "content_similarity", "rougeL", "speaker_mean") <= 1.0


def test_conversation_simulation_leads_with_a_distance_not_a_signed_difference(tmp_path: Path) -> None:
    [log] = eval(
        "realtalk_evals/conversation_simulation",
        task_args={"pairs": 1, "sessions": 1, "messages_per_session": 2},
        model=get_model("realtalk/mock", reply="hey", memoize=False),
        log_dir=str(tmp_path),
        display="none",
    )
    assert check_log(log, "conversation_style_fidelity", "words_wasserstein", "mean") >= 0.0


def test_a_short_named_metric_is_made_again_from_its_logged_name() -> None:
    """Inspect recomputes metrics (after a score edit) by making each one from the name the log holds."""
    made = registry_create("metric", registry_info(count()).name)
    scores = [SampleScore(score=Score(value=v)) for v in (1.0, 0.0, 1.0)]
    assert registry_info(made).name == "count" and made(scores) == 2.0  # type: ignore[arg-type]
