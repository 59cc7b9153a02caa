"""Hosted fine-tuning through the OpenAI API: one job per speaker, on that speaker's exported C_a data.

Uploads the speaker's `train.jsonl` (and `validation.jsonl`) with purpose `fine-tune`, creates a supervised
job, follows every job with a live display until it ends, and records each fine-tuned model, as an Inspect
model name (`openai/ft:...`), in the speaker -> model file that `persona_simulation -T speaker_models=FILE`
reads. The client is the openai SDK's: `OPENAI_API_KEY` and `OPENAI_BASE_URL` are read from the environment.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from realtalk_evals.errors import InputError
from realtalk_evals.finetune.export import exported_files
from realtalk_evals.parameters import Selection
from realtalk_evals.persona.samples import select_speakers
from realtalk_evals.persona.speaker_models import record_speaker_models

if TYPE_CHECKING:
    from openai import OpenAI
    from openai.types.fine_tuning import FineTuningJob
    from rich.progress import Progress, TaskID

DEFAULT_BASE_MODEL = "gpt-4o-mini-2024-07-18"
"""The paper's persona model family (gpt-4o-mini), as a snapshot OpenAI fine-tunes."""

TERMINAL_STATUSES = ("succeeded", "failed", "cancelled")
SPEAKER_METADATA_KEY = "realtalk_speaker"
"""Job metadata naming the speaker, so `--job` can follow a job again after an interruption."""

_STEP = re.compile(r"Step (\d+)/(\d+)")


@dataclass
class SpeakerJob:
    """A job being followed, and how it ended."""

    speaker: str
    job_id: str
    status: str = "validating_files"
    fine_tuned_model: str | None = None
    error: str | None = None

    @property
    def inspect_model(self) -> str | None:
        return f"openai/{self.fine_tuned_model}" if self.fine_tuned_model else None


def _client() -> OpenAI:
    try:
        from openai import OpenAI
    except ImportError as error:
        raise InputError('hosted fine-tuning needs the openai SDK: pip install "openai>=1.50"') from error
    return OpenAI()


def job_suffix(speaker: str) -> str:
    """OpenAI's model-name suffix (at most 64 characters): `realtalk-<speaker>`."""
    return f"realtalk-{speaker.lower()}"[:64]


def start_job(
    client: OpenAI,
    speaker: str,
    data: str | Path,
    base_model: str,
    epochs: int | None = None,
    seed: int | None = None,
) -> SpeakerJob:
    """Upload the speaker's exported files and create their supervised fine-tuning job."""
    train_path, validation_path = exported_files(data, speaker)
    with train_path.open("rb") as handle:
        train_file = client.files.create(file=handle, purpose="fine-tune")
    options: dict[str, Any] = {}
    if validation_path is not None:
        with validation_path.open("rb") as handle:
            options["validation_file"] = client.files.create(file=handle, purpose="fine-tune").id
    if epochs is not None:
        options["method"] = {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": epochs}}}
    if seed is not None:
        options["seed"] = seed
    job = client.fine_tuning.jobs.create(
        model=base_model,
        training_file=train_file.id,
        suffix=job_suffix(speaker),
        metadata={SPEAKER_METADATA_KEY: speaker},
        **options,
    )
    return SpeakerJob(speaker=speaker, job_id=job.id, status=job.status)


def existing_job(client: OpenAI, job_id: str) -> SpeakerJob:
    """A job created earlier by this command (its metadata names the speaker)."""
    job = client.fine_tuning.jobs.retrieve(job_id)
    speaker = (job.metadata or {}).get(SPEAKER_METADATA_KEY)
    if not speaker:
        raise InputError(
            f"job {job_id} was not created by `realtalk finetune openai` (no speaker in metadata)"
        )
    return SpeakerJob(speaker=select_speakers([speaker])[0].speaker, job_id=job.id, status=job.status)


def _latest_event(client: OpenAI, job_id: str) -> str:
    events = client.fine_tuning.jobs.list_events(job_id, limit=1).data
    return events[0].message if events else ""


def _show(progress: Progress, task: TaskID, job: SpeakerJob, event: str) -> None:
    """The job's status and latest event; the bar follows the `Step i/n` events, and fills on success."""
    step = _STEP.search(event)
    if step:
        progress.update(task, completed=int(step.group(1)), total=int(step.group(2)))
    elif job.status == "succeeded":
        total = next(t.total for t in progress.tasks if t.id == task) or 1
        progress.update(task, completed=total, total=total)
    progress.update(task, status=job.status, event=event[:60])


def _update(job: SpeakerJob, remote: FineTuningJob) -> None:
    job.status = remote.status
    job.fine_tuned_model = remote.fine_tuned_model
    if remote.error is not None and remote.error.message:
        job.error = f"{remote.error.code}: {remote.error.message}"


def follow_jobs(
    client: OpenAI,
    jobs: Sequence[SpeakerJob],
    poll_interval: float,
    on_done: Callable[[SpeakerJob], None],
    sleep: Callable[[float], None] = time.sleep,
) -> list[SpeakerJob]:
    """Poll every job until it ends, with one progress line per speaker; `on_done` runs as each ends."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<9}"),
        TextColumn("{task.fields[status]:<16}"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[event]}"),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:
        tasks = {
            job.job_id: progress.add_task(job.speaker, total=None, status=job.status, event=job.job_id)
            for job in jobs
        }
        pending = list(jobs)
        while pending:
            for job in list(pending):
                _update(job, client.fine_tuning.jobs.retrieve(job.job_id))
                _show(progress, tasks[job.job_id], job, _latest_event(client, job.job_id))
                if job.status in TERMINAL_STATUSES:
                    pending.remove(job)
                    progress.stop_task(tasks[job.job_id])
                    on_done(job)
            if pending:
                sleep(poll_interval)
    return list(jobs)


def run_openai_finetune(
    speakers: Selection,
    data: str | Path,
    models_file: str | Path,
    base_model: str = DEFAULT_BASE_MODEL,
    poll_interval: float = 30.0,
    epochs: int | None = None,
    seed: int | None = None,
    job_ids: Sequence[str] = (),
    client: OpenAI | None = None,
) -> list[SpeakerJob]:
    """Start (or, with `job_ids`, follow again) the speakers' jobs; record each fine-tuned model as it ends."""
    if poll_interval <= 0:
        raise InputError(f"poll interval must be positive, got {poll_interval}")
    client = client or _client()
    if job_ids:
        jobs = [existing_job(client, job_id) for job_id in job_ids]
    else:
        splits = select_speakers(speakers)
        for split in splits:  # every file is checked before anything is uploaded
            exported_files(data, split.speaker)
        jobs = []
        for split in splits:
            jobs.append(start_job(client, split.speaker, data, base_model, epochs, seed))
            print(f"{split.speaker}: fine-tuning job {jobs[-1].job_id} created")

    def record(job: SpeakerJob) -> None:
        if job.inspect_model:
            record_speaker_models(models_file, {job.speaker: job.inspect_model})

    try:
        return follow_jobs(client, jobs, poll_interval, record)
    except KeyboardInterrupt:
        ids = " ".join(f"--job {job.job_id}" for job in jobs if job.status not in TERMINAL_STATUSES)
        print(
            "Stopped following; the jobs go on. Follow them again with "
            f"`realtalk finetune openai {ids} --models-file {models_file}`."
        )
        raise
