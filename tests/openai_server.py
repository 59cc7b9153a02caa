"""A scriptable OpenAI-compatible chat-completions server for tests and benchmarks.

Inspect's real `openai` provider (the OpenAI SDK, its HTTP client, Inspect's retry and concurrency) is pointed
at it with `OPENAI_BASE_URL`, so a test exercises the whole request path without a network or a key. The
server is uvicorn + Starlette (both Inspect dependencies), runs in a background thread with its own event loop,
listens on 127.0.0.1 only, on a port the OS picks, and stops when its context manager exits.

    with start_openai_server(delay=0.2, failures=FailurePlan(first=3, faults=(429, 500))) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        ...
        assert len(server.chat_requests) == 10

Behaviour is scriptable: `reply` (request messages -> reply text), `delay` (an async sleep before answering,
so concurrent requests overlap as they would against a real API), `failures` (which requests get an HTTP
error or a dropped connection) and `fault_for` (request messages -> a fault, for failing chosen requests, e.g.
every request about one question; an attribute, so a test can "fix" the server by setting it to None). Every
request is recorded with its headers and JSON body.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

Fault = int | Literal["drop", "hang"]
"""An HTTP status to answer with; `drop`: start a response, then close the connection mid-body; `hang`: never
answer (the request waits until the client gives up or the server stops)."""

HANG_S = 3600.0
"""How long a `hang` fault waits: longer than any test, which stops the server (cancelling it) first."""

NO_CHOICES = "\0no-choices"
"""A reply function's answer for a completion with an empty `choices` list, as some providers send."""

ReplyFunction = Callable[[list[dict[str, Any]]], str | None]
"""Request messages -> reply text; None answers with `content: null`, as some providers do; NO_CHOICES with
`choices: []`."""
FaultFunction = Callable[[list[dict[str, Any]]], "Fault | None"]

CACHE_MIN_TOKENS = 1024
CACHE_BLOCK_TOKENS = 128
CHARS_PER_TOKEN = 4


def message_text(message: dict[str, Any]) -> str:
    """The text of one OpenAI chat message, whether `content` is a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return message_text(message)
    return ""


def default_reply(messages: list[dict[str, Any]]) -> str:
    """`{"score": 1}` when the last user message asks for a JSON score (a judge), else a short answer."""
    if '"score"' in last_user_text(messages):
        return '{"score": 1}'
    return "In February 2025"


def approximate_tokens(text: str) -> int:
    """About four characters a token: enough for usage figures in tests."""
    return max(1, len(text) // CHARS_PER_TOKEN) if text else 0


@dataclass(frozen=True)
class FailurePlan:
    """Which chat requests fail, and how.

    Requests are numbered in arrival order. A request fails when its number is below `first`, or, after that,
    with probability `fraction` (drawn from `random.Random(seed)` in arrival order, so the number of failures
    is reproducible). Failing requests take the faults of `faults` in turn.

    `client_retry=False` adds `x-should-retry: false`, which the OpenAI SDK obeys, so the retry is left to
    Inspect; `retry_after` (seconds) adds `retry-after-ms`, which the SDK waits instead of its own backoff.

    `max_per_request` caps the failures of one request (the same JSON body, as a retry sends it): once it has
    failed that often it is answered, without a draw. With a fraction, this keeps the number of failures
    reproducible when retries interleave with new requests, and bounds the retry chain of each request.
    """

    first: int = 0
    fraction: float = 0.0
    seed: int = 0
    faults: Sequence[Fault] = (500,)
    client_retry: bool = True
    retry_after: float | None = None
    max_per_request: int | None = None

    def __post_init__(self) -> None:
        if self.max_per_request is not None and self.max_per_request < 1:
            raise ValueError(f"max_per_request must be at least 1, got {self.max_per_request}")
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must be within [0, 1], got {self.fraction}")
        if not self.faults:
            raise ValueError("faults must name at least one status or 'drop'")
        for fault in self.faults:
            if fault not in ("drop", "hang") and not (isinstance(fault, int) and 400 <= fault <= 599):
                raise ValueError(
                    f"fault {fault!r} is neither an HTTP error status (4xx/5xx), 'drop' nor 'hang'"
                )


@dataclass
class RecordedRequest:
    """One request as the server received it, and what it did with it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float
    """`time.monotonic()` when the request arrived."""
    answered_at: float | None = None
    outcome: Fault | None = None
    """The status sent (200 on success), or `drop`."""


class _ConnectionDropped(Exception):
    """Raised after a response has started, so uvicorn closes the connection without finishing it."""


class _DroppedResponse(Response):
    """Headers promising a JSON body, a few bytes of it, then a closed connection."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"id": "chatcmpl-', "more_body": True})
        raise _ConnectionDropped


class _QuietDrops(logging.Filter):
    """Keep uvicorn from logging a traceback for every connection dropped on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _ConnectionDropped))


@dataclass
class OpenAIServer:
    """State and behaviour of a running server; `start_openai_server` builds and runs it."""

    reply: ReplyFunction = default_reply
    delay: float = 0.0
    failures: FailurePlan = field(default_factory=FailurePlan)
    model_ids: Sequence[str] = ("gpt-4o-mini", "gpt-4o")
    requests: list[RecordedRequest] = field(default_factory=list)
    port: int = 0
    max_in_flight: int = 0
    """The most chat requests the server was handling at once (with `delay`, a measure of concurrency)."""
    fault_for: FaultFunction | None = None
    """Scripted faults for chosen requests, checked before (and instead of) `failures`."""
    echo_key: bool = False
    """A 401 says `Incorrect API key provided: <the key sent>`, as OpenAI's API does."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._chat_count = 0
        self._failure_count = 0
        self._in_flight = 0
        self._random = random.Random(self.failures.seed)
        self._cached_prefixes: set[bytes] = set()
        self._failures_per_body: dict[str, int] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def env(self, api_key: str = "test-key") -> dict[str, str]:
        """Environment that points Inspect's `openai` provider (or a subprocess) at this server."""
        return {"OPENAI_BASE_URL": self.base_url, "OPENAI_API_KEY": api_key}

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    @property
    def successful_chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.chat_requests if r.outcome == 200]

    @property
    def failed_chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.chat_requests if r.outcome not in (200, None)]

    def reset(self) -> None:
        """Forget recorded requests and restart the failure plan and the prompt cache."""
        with self._lock:
            self.requests.clear()
            self._chat_count = self._failure_count = 0
            self.max_in_flight = self._in_flight
            self._random = random.Random(self.failures.seed)
            self._cached_prefixes.clear()
            self._failures_per_body.clear()

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat_completions, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
            ]
        )

    async def _record(self, request: Request) -> RecordedRequest:
        raw = await request.body()
        try:
            body: Any = await request.json() if raw else None
        except ValueError:
            body = raw.decode("utf-8", errors="replace")
        recorded = RecordedRequest(
            method=request.method,
            path=request.url.path,
            headers={key.lower(): value for key, value in request.headers.items()},
            body=body,
            received_at=time.monotonic(),
        )
        with self._lock:
            self.requests.append(recorded)
        return recorded

    async def _models(self, request: Request) -> Response:
        recorded = await self._record(request)
        recorded.outcome, recorded.answered_at = 200, time.monotonic()
        data = [
            {"id": model, "object": "model", "created": 0, "owned_by": "test"} for model in self.model_ids
        ]
        return JSONResponse({"object": "list", "data": data})

    def _planned_fault(self, body: dict[str, Any]) -> tuple[int, Fault | None]:
        """Number this chat request in arrival order and decide whether it fails."""
        scripted = self.fault_for(body["messages"]) if self.fault_for is not None else None
        cap = self.failures.max_per_request
        key = json.dumps(body, sort_keys=True) if cap is not None else ""
        with self._lock:
            number = self._chat_count
            self._chat_count += 1
            if scripted is not None:
                return number, scripted
            if cap is not None and self._failures_per_body.get(key, 0) >= cap:
                return number, None
            fails = number < self.failures.first or (
                self.failures.fraction > 0 and self._random.random() < self.failures.fraction
            )
            if not fails:
                return number, None
            fault = self.failures.faults[self._failure_count % len(self.failures.faults)]
            self._failure_count += 1
            self._failures_per_body[key] = self._failures_per_body.get(key, 0) + 1
            return number, fault

    async def _chat_completions(self, request: Request) -> Response:
        recorded = await self._record(request)
        body = recorded.body
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            recorded.outcome, recorded.answered_at = 400, time.monotonic()
            return _error(400, "invalid_request_error", "request body must be JSON with a `messages` list")
        if body.get("stream"):
            recorded.outcome, recorded.answered_at = 400, time.monotonic()
            return _error(400, "invalid_request_error", "this test server does not stream")
        number, fault = self._planned_fault(body)
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if fault == "hang":
                await asyncio.sleep(HANG_S)
                fault = 504
            if fault == "drop":
                response: Response = _DroppedResponse()
            elif fault is not None:
                response = self._failure(fault, recorded.headers.get("authorization", ""))
            else:
                response = self._completion(number, body)
        finally:
            with self._lock:
                self._in_flight -= 1
        recorded.outcome = fault if fault is not None else 200
        recorded.answered_at = time.monotonic()
        return response

    def _completion(self, number: int, body: dict[str, Any]) -> Response:
        messages: list[dict[str, Any]] = body["messages"]
        text = self.reply(messages)
        choices = [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ]
        if text == NO_CHOICES:
            text, choices = "", []
        prompt = "\n".join(message_text(message) for message in messages)
        prompt_tokens = approximate_tokens(prompt)
        completion_tokens = approximate_tokens(text or "")
        return JSONResponse(
            {
                "id": f"chatcmpl-test-{number}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": str(body.get("model", "gpt-4o-mini")),
                "system_fingerprint": "fp_test",
                "choices": choices,
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                    "prompt_tokens_details": {
                        "cached_tokens": self._cached_tokens(prompt),
                        "audio_tokens": 0,
                    },
                    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
                },
            },
            headers={"x-request-id": f"req_test_{number}"},
        )

    def _failure(self, status: int, authorization: str = "") -> Response:
        headers = {}
        if not self.failures.client_retry:
            headers["x-should-retry"] = "false"
        if self.failures.retry_after is not None:
            headers["retry-after-ms"] = str(int(self.failures.retry_after * 1000))
        kind = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(status, "server_error")
        message = f"scripted failure (HTTP {status})"
        if status == 401 and self.echo_key:
            message = f"Incorrect API key provided: {authorization.removeprefix('Bearer ')}. You can find your API key at https://platform.openai.com/account/api-keys."
        return _error(status, kind, message, headers)

    def _cached_tokens(self, prompt: str) -> int:
        """Tokens of the longest prompt prefix seen before, like OpenAI's automatic prompt caching.

        OpenAI caches prompts of at least 1024 tokens in 128-token steps; here a step is 512 characters.
        """
        step = CACHE_BLOCK_TOKENS * CHARS_PER_TOKEN
        digest = hashlib.sha256()
        cached = 0
        with self._lock:
            for end in range(step, len(prompt) + 1, step):
                digest.update(prompt[end - step : end].encode("utf-8"))
                tokens = end // CHARS_PER_TOKEN
                if tokens < CACHE_MIN_TOKENS:
                    continue
                key = digest.copy().digest()
                if key in self._cached_prefixes:
                    cached = tokens
                else:
                    self._cached_prefixes.add(key)
        return cached


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
    return JSONResponse(body, status_code=status, headers=headers)


@contextmanager
def start_openai_server(
    reply: ReplyFunction = default_reply,
    delay: float = 0.0,
    failures: FailurePlan | None = None,
    startup_timeout: float = 10.0,
    fault_for: FaultFunction | None = None,
    echo_key: bool = False,
) -> Iterator[OpenAIServer]:
    """Run an OpenAIServer on 127.0.0.1 (ephemeral port) in a background thread while the block runs."""
    server = OpenAIServer(
        reply=reply, delay=delay, failures=failures or FailurePlan(), fault_for=fault_for, echo_key=echo_key
    )
    with serve(server, startup_timeout) as running:
        yield running


@contextmanager
def serve(server: OpenAIServer, startup_timeout: float = 10.0) -> Iterator[OpenAIServer]:
    """Run a built server (an OpenAIServer or a subclass with more routes) on 127.0.0.1 while the block runs."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server.port = sock.getsockname()[1]
    config = uvicorn.Config(
        server.app(),
        log_config=None,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    runner = uvicorn.Server(config)
    quiet = _QuietDrops()
    logging.getLogger("uvicorn.error").addFilter(quiet)
    thread = threading.Thread(
        target=runner.run, kwargs={"sockets": [sock]}, name="openai-test-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not runner.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the OpenAI test server did not start")
            time.sleep(0.01)
        yield server
    finally:
        runner.should_exit = True
        thread.join(timeout=10)
        sock.close()
        logging.getLogger("uvicorn.error").removeFilter(quiet)
