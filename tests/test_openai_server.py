"""The OpenAI test server on its own, then memory_probing through Inspect's real `openai` provider against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from inspect_ai import eval
from inspect_ai.event import ModelEvent
from inspect_ai.log import EvalLog, read_eval_log
from openai_server import FailurePlan, OpenAIServer, start_openai_server

REPO = Path(__file__).resolve().parent.parent
# `file@task`: Inspect globs a bare task path from the working directory and rejects an absolute one
TASK = f"{REPO / 'tasks' / 'memory_probing.py'}@memory_probing"
MODEL = "openai/gpt-4o-mini"
LIMIT = 5


def point_inspect_at(server: OpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    with start_openai_server() as running:
        point_inspect_at(running, monkeypatch)
        yield running


def client(server: OpenAIServer, max_retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=max_retries)


def ask(server: OpenAIServer | openai.OpenAI, text: str) -> str:
    sdk = server if isinstance(server, openai.OpenAI) else client(server)
    response = sdk.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    return response.choices[0].message.content or ""


# --- the server on its own ---------------------------------------------------------------------------------


def test_default_reply_answers_judges_with_a_score_and_questions_briefly(server: OpenAIServer) -> None:
    assert ask(server, 'Grade it. Reply with JSON only, in the form {"score": s}') == '{"score": 1}'
    assert ask(server, "Question: where did Emi go?\n\nAnswer:") == "In February 2025"
    [judge, question] = server.chat_requests
    assert judge.headers["authorization"] == "Bearer test-key"
    assert question.body["messages"][0]["content"].startswith("Question: where")


def test_usage_reports_cached_tokens_for_a_repeated_long_prefix(server: OpenAIServer) -> None:
    context = "".join(f"line {i} of a long shared conversation\n" for i in range(400))
    first = client(server).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": context + "Question: one?"}]
    )
    second = client(server).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": context + "Question: two?"}]
    )
    assert first.usage and second.usage
    assert first.usage.prompt_tokens >= 1024
    assert first.usage.prompt_tokens_details and first.usage.prompt_tokens_details.cached_tokens == 0
    cached = second.usage.prompt_tokens_details and second.usage.prompt_tokens_details.cached_tokens
    assert cached and 1024 <= cached <= len(context) // 4
    assert client(server).models.list().data[0].id == "gpt-4o-mini"


def test_failure_plan_fails_the_first_requests_in_turn_then_answers() -> None:
    plan = FailurePlan(first=3, faults=(429, 500, "drop"))
    with start_openai_server(failures=plan) as server:
        with pytest.raises(openai.RateLimitError):
            ask(server, "q")
        with pytest.raises(openai.InternalServerError):
            ask(server, "q")
        with pytest.raises(openai.APIConnectionError):
            ask(server, "q")
        assert ask(server, "q") == "In February 2025"
    assert [r.outcome for r in server.chat_requests] == [429, 500, "drop", 200]


def test_failure_fraction_is_reproducible_for_a_seed() -> None:
    plan = FailurePlan(fraction=0.3, seed=7, faults=(503,), retry_after=0.001)
    outcomes = []
    for _ in range(2):
        with start_openai_server(failures=plan) as server:
            retrying = client(server, max_retries=5)
            for _ in range(12):
                ask(retrying, "q")
        outcomes.append([r.outcome for r in server.chat_requests])
    assert outcomes[0] == outcomes[1]
    assert 0 < outcomes[0].count(503) < 12 and outcomes[0].count(200) == 12


def test_failure_plan_rejects_a_success_status_as_a_fault() -> None:
    with pytest.raises(ValueError, match="neither an HTTP error status"):
        FailurePlan(first=1, faults=(200,))


# --- memory_probing through Inspect's openai provider -----------------------------------------------------


def run_memory_probing(log_dir: Path, **generate_config: object) -> EvalLog:
    [log] = eval(
        TASK,
        task_args={"conversations": 1},
        model=MODEL,
        model_roles={"grader": MODEL},
        limit=LIMIT,
        log_dir=str(log_dir),
        display="none",
        **generate_config,  # type: ignore[arg-type]
    )
    return read_eval_log(log.location)


def assert_fully_scored(log: EvalLog) -> None:
    assert log.status == "success", log.error
    assert log.samples is not None and len(log.samples) == LIMIT
    for sample in log.samples:
        assert sample.scores is not None
        assert set(sample.scores) == {"partial_match", "llm_judge", "empty_reply"}
        assert sample.scores["llm_judge"].value == {"llm_accuracy": 1.0, "judge_failure": 0.0}
        assert sample.output.completion == "In February 2025"


def test_memory_probing_runs_on_the_openai_provider(server: OpenAIServer, tmp_path: Path) -> None:
    log = run_memory_probing(tmp_path)
    assert_fully_scored(log)
    requests = server.chat_requests
    assert len(requests) == 2 * LIMIT, "one answer and one judgement per sample"
    assert all(r.headers["authorization"] == "Bearer test-key" for r in requests)
    assert all(r.body["model"] == "gpt-4o-mini" for r in requests)
    prompts = [r.body["messages"][-1]["content"] for r in requests]
    assert sum(p.startswith("Below is a conversation between Emi and Elise") for p in prompts) == LIMIT
    assert (
        sum(p.startswith("Given the question and its ground truth answer, evaluate") for p in prompts)
        == LIMIT
    )
    usage = log.stats.model_usage[MODEL]
    assert usage.input_tokens_cache_read, "the server's cached_tokens reach Inspect's usage"


def test_inspect_retries_rate_limits_and_server_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # `x-should-retry: false` keeps the OpenAI SDK from retrying, so these retries are Inspect's own
    # (its backoff starts at 3 s and cannot be shortened by configuration, so this test takes ~5-8 s).
    plan = FailurePlan(first=3, faults=(429, 500), client_retry=False)
    with start_openai_server(failures=plan) as server:
        point_inspect_at(server, monkeypatch)
        log = run_memory_probing(tmp_path, max_retries=3, timeout=60)
    assert_fully_scored(log)
    assert [r.outcome for r in server.failed_chat_requests] == [429, 500, 429]
    assert len(server.successful_chat_requests) == 2 * LIMIT
    assert log.samples is not None
    failed_attempts = [
        event.error
        for sample in log.samples
        for event in sample.events
        if isinstance(event, ModelEvent) and event.error
    ]
    assert len(failed_attempts) == 3, "Inspect records each failed attempt before retrying it"
