"""The OpenAI test server (tests/openai_server.py) with the files and fine-tuning APIs, for hosted fine-tuning.

    with start_finetune_server(polls_per_status=2) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        ...
        assert server.jobs["ftjob-1"]["status"] == "succeeded"

Uploaded files are kept (`server.files`). A job moves `validating_files` -> `running` -> `succeeded` as it is
polled, each status lasting `polls_per_status` retrievals, and then names a fine-tuned model
`ft:<model>:realtalk-test:<suffix>:<job number>`. A training file that is not valid chat fine-tuning JSONL fails
its job during validation, as OpenAI does; `fail_for` (job request body -> error message) fails chosen jobs
while they run. The chat-completions route of the base server stays available, so the same server can then
answer as the fine-tuned models.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from openai_server import OpenAIServer, _error, serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

JobFailure = Callable[[dict[str, Any]], "str | None"]

STATUSES = ("validating_files", "running", "succeeded")
ROLES = {"system", "user", "assistant"}


@dataclass
class UploadedFile:
    id: str
    filename: str
    purpose: str
    content: bytes

    def chats(self) -> list[list[dict[str, Any]]]:
        return [json.loads(line)["messages"] for line in self.content.decode("utf-8").splitlines() if line]


def training_file_error(file: UploadedFile) -> str | None:
    """What OpenAI's validation would object to in a chat fine-tuning file, or None."""
    try:
        chats = file.chats()
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        return f"line is not a JSON object with `messages`: {error}"
    if not chats:
        return "the file holds no example"
    for number, chat in enumerate(chats, 1):
        roles = [message.get("role") for message in chat]
        if set(roles) - ROLES or roles[-1:] != ["assistant"]:
            return f"example {number} has roles {roles}; the last must be the assistant's"
        if not all(isinstance(message.get("content"), str) for message in chat):
            return f"example {number} has a message without text content"
    return None


@dataclass
class FineTuneServer(OpenAIServer):
    """OpenAIServer plus `/v1/files` and `/v1/fine_tuning/jobs` (create, retrieve, events)."""

    polls_per_status: int = 1
    fail_for: JobFailure | None = None
    files: dict[str, UploadedFile] = field(default_factory=dict)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)

    def app(self) -> Starlette:
        routes = [
            Route("/v1/files", self._upload, methods=["POST"]),
            Route("/v1/fine_tuning/jobs", self._create_job, methods=["POST"]),
            Route("/v1/fine_tuning/jobs/{job_id}", self._retrieve_job, methods=["GET"]),
            Route("/v1/fine_tuning/jobs/{job_id}/events", self._job_events, methods=["GET"]),
        ]
        return Starlette(routes=[*super().app().routes, *routes])

    async def _upload(self, request: Request) -> Response:
        await self._record(request)
        header = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
        form = BytesParser(policy=HTTP).parsebytes(header + await request.body())
        fields: dict[str, Any] = {}
        for part in form.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields[str(name)] = (part.get_filename(), part.get_payload(decode=True))
        if "file" not in fields or "purpose" not in fields:
            return _error(400, "invalid_request_error", "multipart form needs `file` and `purpose`")
        filename, content = fields["file"]
        upload = UploadedFile(
            id=f"file-{len(self.files) + 1}",
            filename=filename or "upload.jsonl",
            purpose=fields["purpose"][1].decode(),
            content=content,
        )
        self.files[upload.id] = upload
        return JSONResponse(
            {
                "id": upload.id,
                "object": "file",
                "bytes": len(content),
                "created_at": int(time.time()),
                "filename": upload.filename,
                "purpose": upload.purpose,
                "status": "processed",
            }
        )

    async def _create_job(self, request: Request) -> Response:
        body = (await self._record(request)).body
        if not isinstance(body, dict) or not isinstance(body.get("model"), str):
            return _error(400, "invalid_request_error", "a job needs a `model` and a `training_file`")
        for key in ("training_file", "validation_file"):
            if body.get(key) is not None and body[key] not in self.files:
                return _error(400, "invalid_request_error", f"{key} {body[key]!r} does not exist")
        if body.get("training_file") is None:
            return _error(400, "invalid_request_error", "a job needs a `training_file`")
        job_id = f"ftjob-{len(self.jobs) + 1}"
        self.jobs[job_id] = {
            "id": job_id,
            "object": "fine_tuning.job",
            "created_at": int(time.time()),
            "error": None,
            "fine_tuned_model": None,
            "finished_at": None,
            "hyperparameters": {"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"},
            "model": body["model"],
            "organization_id": "org-test",
            "result_files": [],
            "seed": body.get("seed") or 0,
            "status": STATUSES[0],
            "trained_tokens": None,
            "training_file": body["training_file"],
            "validation_file": body.get("validation_file"),
            "suffix": body.get("suffix"),
            "metadata": body.get("metadata"),
            "method": body.get("method") or {"type": "supervised"},
            "request": body,
        }
        self.polls[job_id] = 0
        self.events[job_id] = []
        self._event(job_id, "Validating training file")
        return JSONResponse(self._public(job_id))

    def _public(self, job_id: str) -> dict[str, Any]:
        return {key: value for key, value in self.jobs[job_id].items() if key != "request"}

    def _event(self, job_id: str, message: str, level: str = "info") -> None:
        number = sum(len(events) for events in self.events.values()) + 1
        self.events[job_id].append(
            {
                "id": f"ftevent-{number}",
                "object": "fine_tuning.job.event",
                "created_at": int(time.time()),
                "level": level,
                "message": message,
                "type": "message",
            }
        )

    def _advance(self, job_id: str) -> None:
        """One retrieval's worth of progress: the next status after `polls_per_status` polls."""
        job = self.jobs[job_id]
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return
        self.polls[job_id] += 1
        position = STATUSES.index(job["status"])
        steps = self.polls_per_status
        if job["status"] == "running":
            self._event(job_id, f"Step {min(self.polls[job_id] - steps, steps)}/{steps}: training loss=0.5")
        if self.polls[job_id] < (position + 1) * steps:
            return
        if job["status"] == "validating_files":
            problem = training_file_error(self.files[job["training_file"]])
            if problem is not None:
                return self._fail(job_id, "invalid_training_file", problem)
            job["status"] = "running"
            self._event(job_id, "Fine-tuning job started")
        elif job["status"] == "running":
            problem = self.fail_for(job["request"]) if self.fail_for is not None else None
            if problem is not None:
                return self._fail(job_id, "server_error", problem)
            number = job_id.split("-")[-1]
            job.update(
                status="succeeded",
                fine_tuned_model=f"ft:{job['model']}:realtalk-test:{job['suffix']}:{number}",
                finished_at=int(time.time()),
                trained_tokens=len(self.files[job["training_file"]].content) // 4,
            )
            self._event(job_id, "The job has successfully completed")

    def _fail(self, job_id: str, code: str, message: str) -> None:
        self.jobs[job_id].update(
            status="failed",
            error={"code": code, "message": message, "param": None},
            finished_at=int(time.time()),
        )
        self._event(job_id, f"Job failed: {message}", level="error")

    async def _retrieve_job(self, request: Request) -> Response:
        await self._record(request)
        job_id = request.path_params["job_id"]
        if job_id not in self.jobs:
            return _error(404, "invalid_request_error", f"no fine-tuning job {job_id}")
        self._advance(job_id)
        return JSONResponse(self._public(job_id))

    async def _job_events(self, request: Request) -> Response:
        await self._record(request)
        job_id = request.path_params["job_id"]
        if job_id not in self.jobs:
            return _error(404, "invalid_request_error", f"no fine-tuning job {job_id}")
        limit = int(request.query_params.get("limit", 20))
        newest_first = list(reversed(self.events[job_id]))
        return JSONResponse(
            {"object": "list", "data": newest_first[:limit], "has_more": len(newest_first) > limit}
        )


@contextmanager
def start_finetune_server(
    polls_per_status: int = 1, fail_for: JobFailure | None = None
) -> Iterator[FineTuneServer]:
    """Run a FineTuneServer on 127.0.0.1 (ephemeral port) while the block runs."""
    with serve(FineTuneServer(polls_per_status=polls_per_status, fail_for=fail_for)) as server:
        yield server  # type: ignore[misc]
