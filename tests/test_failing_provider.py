"""memory_probing against a provider that is slow, fails, is interrupted, or is handed a secret key.

Inspect's real `openai` provider talks to the scripted server of `openai_server.py`. Every run answers with
the same deterministic reply function, so a run that went through failures must end with exactly the
per-sample scores of a clean run. The OpenAI SDK's own retries (two, 0.5-8 s apart) are switched off with the
client option `max_retries=0` (a model arg, `-M max_retries=0` on the command line), so every retry here is
Inspect's and is recorded in the log.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval, eval_retry
from inspect_ai.event import ModelEvent
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import Model, get_model
from inspect_ai.scorer import Target
from openai_server import (
    FailurePlan,
    Fault,
    OpenAIServer,
    RecordedRequest,
    ReplyFunction,
    last_user_text,
    start_openai_server,
)

from realtalk_evals.cli import main as realtalk_main
from realtalk_evals.tasks.memory_probing import memory_probing

pytestmark = pytest.mark.slow  # end to end: Inspect against a scripted provider, and real runs

REPO = Path(__file__).resolve().parent.parent
TASK_FILE = REPO / "tasks" / "memory_probing.py"
# `file@task`: Inspect globs a bare task path from the working directory and rejects an absolute one
TASK = f"{TASK_FILE}@memory_probing"
MODEL = "openai/gpt-4o-mini"
INSPECT = [sys.executable, "-m", "inspect_ai"]
LIMIT = 6
SCORERS = {"partial_match", "llm_judge", "empty_reply"}
QUESTION_LINE = re.compile(r"^Question: (.*)$", re.MULTILINE)

Scores = dict[str, dict[str, Any]]
"""Sample id -> scorer -> score value."""

Serve = Callable[..., AbstractContextManager[OpenAIServer]]
"""`serve(api_key=..., **options of start_openai_server)`: a server with the deterministic replies, the env
pointed at it."""


# --- a deterministic provider -------------------------------------------------------------------------------


def question_of(request: RecordedRequest | list[dict[str, Any]]) -> str:
    """The memory question a request is about: answer and judge prompts both carry a `Question:` line."""
    messages = request.body["messages"] if isinstance(request, RecordedRequest) else request
    return QUESTION_LINE.findall(last_user_text(messages))[-1]


def is_judgement(request: RecordedRequest | list[dict[str, Any]]) -> bool:
    messages = request.body["messages"] if isinstance(request, RecordedRequest) else request
    return '"score"' in last_user_text(messages)


@pytest.fixture(scope="module")
def gold() -> dict[str, str]:
    """Question -> gold answer of the first LIMIT samples, whose questions must be distinct."""
    samples = list(memory_probing(conversations=1).dataset)[:LIMIT]
    answers = {str(s.metadata["question"]): Target(s.target).text for s in samples if s.metadata}
    assert len(answers) == LIMIT
    return answers


def scripted_reply(gold: Mapping[str, str]) -> ReplyFunction:
    """Per question, the gold answer, its first word or a wrong answer; the judge gives 1, 0.5 or 0 likewise.

    Varied scores make "equal to the clean run" mean something; depending only on the question makes them
    the same in every run, whatever the order of requests.
    """

    def reply(messages: list[dict[str, Any]]) -> str:
        question = question_of(messages)
        pick = len(question) % 3
        if is_judgement(messages):
            return json.dumps({"score": (1, 0.5, 0)[pick]})
        return (gold[question], gold[question].split()[0], "I don't remember")[pick]

    return reply


def openai_model() -> Model:
    """The model under test and the grader alike, with the OpenAI SDK's own retries off (module docstring)."""
    return get_model(MODEL, max_retries=0, memoize=False)


def run_memory_probing(log_dir: Path, **options: Any) -> EvalLog:
    [log] = eval(
        TASK,
        task_args={"conversations": 1},
        model=openai_model(),
        model_roles={"grader": openai_model()},
        limit=LIMIT,
        log_dir=str(log_dir),
        display="none",
        **options,
    )
    return read_eval_log(log.location)


def scores_of(log: EvalLog) -> Scores:
    assert log.samples is not None
    return {str(s.id): {name: score.value for name, score in (s.scores or {}).items()} for s in log.samples}


def metrics_of(log: EvalLog) -> dict[str, dict[str, float]]:
    assert log.results is not None
    return {s.name: {m.name: m.value for m in s.metrics.values()} for s in log.results.scores}


def assert_same_scores_as_clean(log: EvalLog, clean: EvalLog) -> None:
    assert log.status == "success", log.error
    scores = scores_of(log)
    assert len(scores) == LIMIT and all(set(value) == SCORERS for value in scores.values())
    assert scores == scores_of(clean)
    assert metrics_of(log) == metrics_of(clean)


def requests_per_question(requests: list[RecordedRequest]) -> Counter[tuple[str, str]]:
    """(question, `answer` or `judge`) -> number of requests."""
    return Counter((question_of(r), "judge" if is_judgement(r) else "answer") for r in requests)


def each_asked_once(questions: set[str]) -> Counter[tuple[str, str]]:
    return Counter({(q, kind): 1 for q in questions for kind in ("answer", "judge")})


def point_inspect_at(server: OpenAIServer, setenv: Any, api_key: str = "test-key") -> None:
    for name, value in server.env(api_key).items():
        setenv(name, value)


@pytest.fixture(scope="module")
def clean(gold: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> EvalLog:
    """The reference: the same replies from a server that never fails."""
    with start_openai_server(reply=scripted_reply(gold)) as server, pytest.MonkeyPatch.context() as patch:
        point_inspect_at(server, patch.setenv)
        patch.setenv("INSPECT_CACHE_DIR", str(tmp_path_factory.mktemp("clean-cache")))
        log = run_memory_probing(tmp_path_factory.mktemp("clean-logs"))
    assert log.status == "success", log.error
    values = [v for sample in scores_of(log).values() for v in sample.values()]
    assert len({json.dumps(v) for v in values}) >= 4, "the reference scores should vary"
    return log


@pytest.fixture
def serve(gold: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Serve:
    """Start a server with the deterministic replies and point Inspect's openai provider (env) at it."""

    @contextmanager
    def start(api_key: str = "test-key", **options: Any) -> Iterator[OpenAIServer]:
        with start_openai_server(reply=scripted_reply(gold), **options) as server:
            point_inspect_at(server, monkeypatch.setenv, api_key)
            yield server

    return start


# --- 1. a slow, failing provider ----------------------------------------------------------------------------


def test_slow_provider_failing_with_429_500_and_drops_is_carried_by_inspect_retries_to_the_clean_scores(
    serve: Serve, gold: dict[str, str], clean: EvalLog, tmp_path: Path
) -> None:
    # seed 1 fails 3 of the 12 distinct requests (an answer and two judgements, all in the first wave), in
    # turn a 429, a 500 and a dropped connection; each fails once, so no call waits through more than one of
    # Inspect's backoffs (3-6 s, which the openai provider offers no setting to shorten)
    plan = FailurePlan(fraction=0.25, seed=1, faults=(429, 500, "drop"), max_per_request=1)
    with serve(delay=0.3, failures=plan) as server:
        log = run_memory_probing(tmp_path)
    assert_same_scores_as_clean(log, clean)
    assert [r.outcome for r in server.failed_chat_requests] == [429, 500, "drop"]
    assert requests_per_question(server.successful_chat_requests) == each_asked_once(set(gold))
    retried = [e.error for s in log.samples or [] for e in s.events if isinstance(e, ModelEvent) and e.error]
    assert len(retried) == 3, "every failed attempt was Inspect's, recorded in the log before it retried"


# --- 2. interrupted runs completed by eval-retry ------------------------------------------------------------


def finished_samples(log: EvalLog) -> dict[str, str]:
    """Sample id -> question of the samples a log holds as finished (scored, no error)."""
    return {
        str(s.id): str(s.metadata["question"])
        for s in log.samples or []
        if s.error is None and set(s.scores or {}) == SCORERS
    }


def test_run_stopped_by_a_provider_outage_is_completed_by_eval_retry_without_redoing_finished_samples(
    serve: Serve, gold: dict[str, str], clean: EvalLog, tmp_path: Path
) -> None:
    outage = list(gold)[2]

    def fail_during_outage(messages: list[dict[str, Any]]) -> Fault | None:
        return 503 if question_of(messages) == outage else None

    with serve(fault_for=fail_during_outage) as server:
        # one sample at a time, so the samples before the outage finish and the ones after it never start
        stopped = run_memory_probing(tmp_path, fail_on_error=True, max_retries=0, max_samples=1)
        assert stopped.status == "error" and stopped.error is not None
        # once retries are spent, the message is tenacity's RetryError; the 503 is in the chained traceback
        assert "InternalServerError" in stopped.error.message and "503" in stopped.error.traceback
        finished = finished_samples(stopped)
        assert 0 < len(finished) < LIMIT and outage not in finished.values()
        assert {r.outcome for r in server.failed_chat_requests} == {503}

        server.fault_for = None  # the provider is back
        before_retry = len(server.chat_requests)
        [retried] = eval_retry(stopped.location, log_dir=str(tmp_path), max_samples=LIMIT, display="none")
        retry_requests = server.chat_requests[before_retry:]

    assert_same_scores_as_clean(read_eval_log(retried.location), clean)
    unfinished = set(gold) - set(finished.values())
    assert requests_per_question(retry_requests) == each_asked_once(unfinished)


ATTEMPT_TIMEOUT_S = 10
"""Long enough for every attempt to reach the server, and every answered one to finish, on a loaded machine:
an attempt that times out before its request is sent would leave fewer hung requests than attempts, and one
that times out on the way back would be asked twice. The run takes one sample at a time, so an attempt's
time is its own request's work, never that of five other samples' 26,000-token prompts (at a load average
of 17 on 2 cores, 5 s with six samples at once was not enough). The hung attempts wait it out twice (with
Inspect's 3-6 s backoff between)."""

RUN_BOUND_S = 900
"""Only a safety bound: without `--attempt-timeout` the run would wait forever; with it, it ends by itself.
(300 s was hit by an `inspect eval-retry` that had written its successful log, at a load average of about 20
on 2 cores.)"""


def test_a_hung_provider_ends_in_recorded_errors_that_eval_retry_completes(
    serve: Serve, gold: dict[str, str], clean: EvalLog, tmp_path: Path
) -> None:
    """The README's `--attempt-timeout` with `--max-retries`, and `inspect eval-retry`, as a user runs them."""
    hung = list(gold)[2]
    log_dir = tmp_path / "logs"

    def never_answer(messages: list[dict[str, Any]]) -> Fault | None:
        return "hang" if question_of(messages) == hung else None

    def inspect_cli(*command: str) -> subprocess.CompletedProcess[str]:
        # the timeout is the bound: a run still waiting on the hung provider is killed and fails the test
        return subprocess.run(
            [*INSPECT, *command],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=RUN_BOUND_S,
            check=False,
        )

    with serve(fault_for=never_answer) as server:
        options = ["--limit", str(LIMIT), "--attempt-timeout", str(ATTEMPT_TIMEOUT_S), "--max-retries", "1"]
        options += ["--max-samples", "1"]  # see ATTEMPT_TIMEOUT_S
        inspect_cli(*inspect_eval(log_dir, *options, "--display", "none")[len(INSPECT) :])
        [stopped_path] = log_dir.glob("*.eval")
        stopped = read_eval_log(str(stopped_path))
        assert stopped.status == "error" and stopped.error is not None  # the error is recorded in the log
        hung_requests = [r for r in server.chat_requests if question_of(r) == hung]
        assert len(hung_requests) >= 2 and all(
            r.answered_at is None for r in hung_requests
        )  # attempts abandoned
        finished = finished_samples(stopped)
        assert len(finished) < LIMIT and hung not in finished.values()

        server.fault_for = None  # the provider answers again
        before_retry = len(server.chat_requests)
        retry = inspect_cli("eval-retry", str(stopped_path), "--log-dir", str(log_dir), "--display", "none")
        retry_requests = server.chat_requests[before_retry:]

    assert retry.returncode == 0, retry.stdout + retry.stderr
    [final] = [log for log in map(read_eval_log, map(str, log_dir.glob("*.eval"))) if log.status == "success"]
    assert_same_scores_as_clean(final, clean)
    assert requests_per_question(retry_requests) == each_asked_once(set(gold) - set(finished.values()))


def inspect_eval(log_dir: Path, *options: str) -> list[str]:
    """`inspect eval` of memory_probing on chat 1, with the openai provider as model and grader."""
    return [
        *INSPECT,
        "eval",
        TASK,
        "-T",
        "conversations=1",
        "--model",
        MODEL,
        "--model-role",
        f"grader={MODEL}",
        "--log-dir",
        str(log_dir),
        *options,
    ]


def test_killed_inspect_eval_is_completed_by_eval_retry_from_its_log_and_sample_buffer(
    serve: Serve, gold: dict[str, str], clean: EvalLog, tmp_path: Path
) -> None:
    log_dir = tmp_path / "logs"
    asked: list[str] = []

    def hold_from_the_fourth_question(messages: list[dict[str, Any]]) -> Fault | None:
        """No answer to the 4th question asked (or later): it stays in flight until the kill, however slow
        the machine, so exactly 3 samples are finished when the run is killed."""
        question = question_of(messages)
        if question not in asked:
            asked.append(question)
        return "hang" if asked.index(question) >= 3 else None

    with serve(fault_for=hold_from_the_fourth_question) as server:
        # Inspect keeps its sample buffer (samples finished since the last write of the .eval) under the user
        # data directory; both processes must see the same one, as they would on one machine
        env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data-home")}
        run = subprocess.Popen(
            inspect_eval(log_dir, "--limit", str(LIMIT), "--max-samples", "1", "--display", "none"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            # one sample at a time, and Inspect logs a sample before it frees its slot: when the 4th question
            # is asked, 3 samples are finished (in the .eval or the sample buffer) and 3 are not
            deadline = time.monotonic() + RUN_BOUND_S
            while len({question_of(r) for r in list(server.chat_requests)}) < 4:
                assert run.poll() is None and time.monotonic() < deadline, "the run ended before the kill"
                time.sleep(0.05)
            finished = {question_of(r) for r in list(server.successful_chat_requests) if is_judgement(r)}
        finally:
            os.killpg(run.pid, signal.SIGKILL)  # with the 4th answer in flight
            run.wait()
        server.fault_for = None  # the provider answers again
        [killed] = log_dir.glob("*.eval")
        before_retry = len(server.chat_requests)
        retry = subprocess.run(
            [
                *INSPECT,
                "eval-retry",
                str(killed),
                "--max-samples",
                str(LIMIT),
                "--log-dir",
                str(log_dir),
                "--display",
                "none",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_BOUND_S,
            check=False,
        )
        retry_requests = server.chat_requests[before_retry:]

    assert retry.returncode == 0, retry.stdout + retry.stderr
    crashed = read_eval_log(str(killed))
    assert crashed.status == "started"
    assert len(finished) == 3
    assert len(finished_samples(crashed)) < len(finished), (
        "the .eval is written every few samples: the sample finished after the last write must come from"
        " Inspect's sample buffer"
    )
    [final] = [log for log in map(read_eval_log, map(str, log_dir.glob("*.eval"))) if log.status != "started"]
    assert_same_scores_as_clean(final, clean)
    assert requests_per_question(retry_requests) == each_asked_once(set(gold) - finished)


# --- 3. secrets ---------------------------------------------------------------------------------------------


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        yield from (path for path in root.rglob("*") if path.is_file())


def contents(path: Path) -> Iterator[bytes]:
    """The raw bytes of a file and, for a zip (an .eval log), of each of its members uncompressed."""
    yield path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield archive.read(name)


def test_api_key_reaches_the_provider_but_no_log_report_or_error_message(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    random_part = secrets.token_hex(16)
    key = f"sk-test-SECRET-{random_part}"
    leaks = (key, "sk-test-SECRET", random_part)
    log_dir, data_home, reports = tmp_path / "logs", tmp_path / "data-home", tmp_path / "reports"
    generate_cache = Path(os.environ["INSPECT_CACHE_DIR"])

    with serve(api_key=key) as server:
        ok = run_memory_probing(log_dir)
    assert ok.status == "success", ok.error
    assert {r.headers.get("authorization") for r in server.chat_requests} == {f"Bearer {key}"}

    # a rejected key, from the command line as a user would see it: the provider answers 401 without
    # echoing the key (Inspect does not retry a 401); everything that run wrote under its data dir is checked
    with serve(api_key=key, failures=FailurePlan(first=10**6, faults=(401,))) as server:
        env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
        rejected = subprocess.run(
            inspect_eval(log_dir, "--limit", "2"),
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    assert {r.headers.get("authorization") for r in server.chat_requests} == {f"Bearer {key}"}
    output = rejected.stdout + rejected.stderr
    assert "401" in output
    [failed] = [log for log in map(read_eval_log, map(str, log_dir.glob("*.eval"))) if log.status == "error"]
    assert failed.error is not None and "401" in failed.error.message

    assert realtalk_main(["report", str(log_dir), "--out", str(reports)]) == 0
    printed = capsys.readouterr()
    texts = [output, failed.error.message, failed.error.traceback, printed.out, printed.err]
    for leak in leaks:
        assert not any(leak in text for text in texts), f"{leak!r} in an error message or the report output"
        for path in files_under(log_dir, reports, data_home, generate_cache):
            assert not any(leak.encode() in data for data in contents(path)), f"{leak!r} in {path}"
