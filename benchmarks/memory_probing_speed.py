"""Speed of memory probing: dataset loading and prompt building, and a full run against a timed fake API.

Run by hand (not in CI), from the repository root:

    REALTALK_DATA_DIR=/path/to/data python benchmarks/memory_probing_speed.py

1. Data: in a fresh Python process, load and verify the 10 conversations, render every context (both
   inputs) and build the prompt of every one of the 728 questions; then the same again in that process (warm).
2. Eval: `inspect eval tasks/memory_probing.py -T conversations=1` (70 questions, so 140 requests: one answer
   and one judgement each) with Inspect's real `openai` provider against tests/openai_server.py, which answers
   every request after `--delay` seconds. Run once with `--max-connections 10` and once with Inspect's default
   concurrency. Each run gets a fresh generate cache and log directory, so nothing is served from a cache.
3. Full run (`--full`): all 728 questions with their judge calls, against the released script on the same
   server. The released script (`--released DIR`: the authors' code, run as released, with a no-op stand-in
   for `loguru` if that is not installed) answers and judges one question at a time; it runs on the first
   `--released-questions` questions of every conversation, and its time for all 728 is projected from each
   conversation's seconds per question. The suite: `inspect eval tasks/memory_probing.py` with Inspect's
   defaults, first with a fresh generate cache (1,456 requests), then again on the same cache (a rerun: the
   728 judgements are cache hits); then both again with `--recommended` (realtime logging off, no running
   metrics display, 100 samples a log flush). The CPU time of each `inspect` process (all threads, start-up
   included) is reported per question. `--checkout DIR` runs the suite of another checkout (with its own
   `.venv`) instead, for before/after figures side by side.

Prints a table, writes JSON to benchmarks/results/ (git-ignored), and exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
sys.path[:0] = [str(REPO), str(REPO / "tests")]

QUESTIONS = 728
CONVERSATION_QUESTIONS = 70
"""Questions of Chat_1_Emi_Elise (`-T conversations=1`)."""
MODEL = "openai/gpt-4o-mini"
DATA_FIRST_TARGET_S = 0.5
DATA_WARM_TARGET_S = 0.1
EVAL_SLACK = 1.5
FULL_TARGET = 10.0
"""The full run (728 questions, answers and judgements) at least this many times as fast as the released script."""
RERUN_TARGET = 12.0
"""A rerun (judgements from the generate cache) at least this many times as fast as the released script."""
CPU_PER_QUESTION_TARGET_MS = 45.0
"""Half the 85-95 ms of CPU a question (answer and judgement, start-up included) measured before (issue 26)."""
RECOMMENDED = ["--no-log-realtime", "--no-score-display", "--log-buffer", "100"]
"""The Inspect settings recommended for long runs (benchmarks/README.md): nothing in the finished log changes."""


@dataclass
class Figure:
    name: str
    seconds: float
    target: float | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.target is None or self.seconds <= self.target


# --- 1. dataset loading and prompt building --------------------------------------------------------------


def data_child() -> None:
    """Runs in a fresh process: time each stage of the first load, then the whole of a warm one."""
    started = time.perf_counter()
    import inspect_ai.dataset  # noqa: F401  (Sample; imported first so its cost is not the data's)

    from realtalk_evals.data.files import data_directory
    from realtalk_evals.data.realtalk import load_conversations
    from realtalk_evals.data.records import CATEGORY_NAMES
    from realtalk_evals.memory.context import render_context, render_memory_prompt
    from realtalk_evals.memory.samples import memory_samples
    from realtalk_evals.tasks.memory_probing import memory_probing

    imported = time.perf_counter()

    def build_prompts(conversations: list[Any]) -> int:
        """Render contexts, build samples, and build every prompt, releasing each as the solver does."""
        contexts = {c.id: render_context(c, "conversation") for c in conversations}
        samples = memory_samples(conversations, CATEGORY_NAMES)
        for sample in samples:
            render_memory_prompt(contexts[sample.metadata["conversation_id"]], sample.metadata["question"])  # type: ignore[index]
        return len(samples)

    stages: dict[str, float] = {}
    mark = time.perf_counter()
    directory = data_directory()
    stages["verify (sha256 of every file)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    conversations = load_conversations(directory)
    stages["parse (json + pydantic)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    for conversation in conversations:
        render_context(conversation, "events")
    stages["render 10 event contexts (E)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    count = build_prompts(conversations)
    stages[f"render 10 contexts (C), build {count} samples + prompts"] = time.perf_counter() - mark
    first = sum(stages.values())
    if count != QUESTIONS:
        raise SystemExit(f"expected {QUESTIONS} questions, built {count}")

    mark = time.perf_counter()
    build_prompts(load_conversations())
    warm = time.perf_counter() - mark

    # all prompts alive at once (76 MB of text): not what a run does, where each prompt lives for one sample
    mark = time.perf_counter()
    contexts = {c.id: render_context(c, "conversation") for c in conversations}
    held = [render_memory_prompt(contexts[c.id], qa.question) for c in conversations for qa in c.qa]
    held_all = time.perf_counter() - mark
    held_mb = sum(map(len, held)) / 1e6
    del held

    mark = time.perf_counter()
    memory_probing()
    task = time.perf_counter() - mark
    print(
        json.dumps(
            {
                "imports": imported - started,
                "stages": stages,
                "first": first,
                "warm": warm,
                "task": task,
                "held_all": held_all,
                "held_mb": held_mb,
            }
        )
    )


def data_figures() -> tuple[list[Figure], dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, __file__, "--data-child"], check=False, capture_output=True, text=True, cwd=REPO
    )
    if result.returncode != 0:
        raise SystemExit(f"dataset loading failed:\n{result.stderr[-3000:]}")
    raw = json.loads(result.stdout.strip().splitlines()[-1])
    figures = [
        Figure(f"data: first load, {QUESTIONS} prompts (fresh process)", raw["first"], DATA_FIRST_TARGET_S)
    ]
    figures += [Figure(f"  of which {name}", seconds) for name, seconds in raw["stages"].items()]
    figures += [
        Figure(f"data: warm load, {QUESTIONS} prompts (same process)", raw["warm"], DATA_WARM_TARGET_S),
        Figure("data: memory_probing() task construction, warm", raw["task"]),
        Figure(f"data: {QUESTIONS} prompts all held at once ({raw['held_mb']:.0f} MB)", raw["held_all"]),
        Figure(
            "imports (inspect_ai, project, nltk), not data", raw["imports"], note="part of every start-up"
        ),
    ]
    return figures, raw


# --- 2. a timed run against the fake API ------------------------------------------------------------------


@dataclass
class Run:
    """One `inspect eval` against the fake API; times are `time.monotonic()` seconds."""

    command: list[str]
    launched: float
    first_request: float
    last_answer: float
    finished: float
    requests: int
    max_in_flight: int
    mean_in_flight: float
    inspect_cpu_s: float

    @property
    def wall(self) -> float:
        return self.finished - self.launched

    @property
    def startup(self) -> float:
        return self.first_request - self.launched

    @property
    def request_phase(self) -> float:
        return self.last_answer - self.first_request

    @property
    def shutdown(self) -> float:
        return self.finished - self.last_answer

    def summary(self) -> dict[str, Any]:
        return asdict(self) | {
            "wall_s": self.wall,
            "startup_s": self.startup,
            "request_phase_s": self.request_phase,
            "shutdown_s": self.shutdown,
        }


def timed_run(delay: float, max_connections: int | None) -> Run:
    """Run memory_probing on Chat 1 in a child process, with a fresh cache and log dir; check the log."""
    from inspect_ai.log import read_eval_log
    from openai_server import start_openai_server

    expected = 2 * CONVERSATION_QUESTIONS
    with (
        tempfile.TemporaryDirectory(prefix="realtalk-bench-") as tmp,
        start_openai_server(delay=delay) as server,
    ):
        env = {**os.environ, **server.env(), "INSPECT_CACHE_DIR": str(Path(tmp) / "cache")}
        command = [
            sys.executable, "-m", "inspect_ai", "eval", "tasks/memory_probing.py",
            "-T", "conversations=1", "--model", MODEL, "--model-role", f"grader={MODEL}",
            "--log-dir", str(Path(tmp) / "logs"), "--display", "none",
        ]  # fmt: skip
        if max_connections is not None:
            command += ["--max-connections", str(max_connections)]
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        launched = time.monotonic()
        completed = subprocess.run(command, check=False, env=env, cwd=REPO, capture_output=True, text=True)
        finished = time.monotonic()
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if completed.returncode != 0:
            raise SystemExit(f"inspect eval failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
        [log_file] = list((Path(tmp) / "logs").glob("*.eval"))
        log = read_eval_log(str(log_file))
        scored = sum(
            1 for s in log.samples or [] if s.scores and {"partial_match", "llm_judge"} <= set(s.scores)
        )
        answered = server.successful_chat_requests
        problems = []
        if log.status != "success":
            problems.append(f"log status {log.status}: {log.error}")
        if scored != CONVERSATION_QUESTIONS:
            problems.append(f"{scored} of {CONVERSATION_QUESTIONS} samples scored")
        if len(answered) != expected:
            problems.append(
                f"the server answered {len(answered)} requests, expected {expected} (a cache hit?)"
            )
        if problems:
            raise SystemExit("; ".join(problems))
        first_request = min(r.received_at for r in answered)
        last_answer = max(r.answered_at or r.received_at for r in answered)
        busy = sum((r.answered_at or r.received_at) - r.received_at for r in answered)
        return Run(
            command=command[1:],
            launched=launched,
            first_request=first_request,
            last_answer=last_answer,
            finished=finished,
            requests=len(answered),
            max_in_flight=server.max_in_flight,
            mean_in_flight=busy / (last_answer - first_request),
            inspect_cpu_s=(cpu_after.ru_utime - cpu_before.ru_utime)
            + (cpu_after.ru_stime - cpu_before.ru_stime),
        )


def eval_figures(label: str, run: Run, delay: float, connections: int) -> list[Figure]:
    """Target: the run finishes within 1.5 x the time 140 requests take on `connections`, plus the fixed cost of
    starting and stopping the `inspect` process (launch -> first request, last answer -> exit)."""
    requests = 2 * CONVERSATION_QUESTIONS
    ideal = requests * delay / connections
    return [
        Figure(
            f"eval {label}: wall time",
            run.wall,
            run.startup + run.shutdown + EVAL_SLACK * ideal,
            f"process start/stop + {EVAL_SLACK} x {requests} x {delay} s / {connections}",
        ),
        Figure("  start-up (launch -> first request)", run.startup),
        Figure("  requests (first request -> last answer)", run.request_phase, note=f"ideal {ideal:.2f}"),
        Figure("  shutdown (last answer -> exit)", run.shutdown),
    ]


# --- 3. all 728 questions, against the released script -----------------------------------------------------


def _loguru_stand_in() -> None:
    """A no-op `loguru` for the released code when it is not installed (the benchmark's only dependency gap)."""
    try:
        import loguru  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        import types

        quiet = types.SimpleNamespace(
            **dict.fromkeys(("debug", "info", "warning", "error"), lambda *_, **__: None)
        )
        sys.modules["loguru"] = types.SimpleNamespace(logger=quiet)  # type: ignore[assignment]


def released_child(released: Path, per_conversation: int) -> None:
    """Runs in a fresh process: the released `QATool.invoke` (answer, F1, judgement; one request at a time) on the
    first `per_conversation` questions of each conversation, against $OPENAI_BASE_URL; prints seconds each."""
    import contextlib
    import io

    from realtalk_evals.data.files import data_directory

    _loguru_stand_in()
    sys.path.insert(0, str(released))
    from eval_memory.qa_tool import QATool  # type: ignore[import-not-found]

    tool = QATool("gpt-4o-mini", evaluate_model="gpt-4o-mini")
    timings = {}
    for path in sorted(data_directory().glob("Chat_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        questions = [qa for qa in data["qa"] if qa["category"] not in (4, 5)]
        seconds = []
        for qa in questions[:per_conversation]:
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):  # it prints every prediction
                tool.invoke(qa["question"], qa.get("answer", ""), qa["category"], data)
            seconds.append(time.perf_counter() - started)
        timings[path.stem] = {"questions": len(questions), "seconds": seconds}
    print(json.dumps(timings))


@dataclass
class Projection:
    seconds: float
    measured_questions: int
    measured_s: float
    cpu_s: float
    requests: int


def released_projection(released: Path, delay: float, per_conversation: int) -> Projection:
    """The released script's time for all 728 questions, from each conversation's mean seconds per question."""
    from openai_server import start_openai_server

    with start_openai_server(delay=delay) as server:
        env = {**os.environ, **server.env()}
        command = [sys.executable, __file__, "--released-child", str(released), str(per_conversation)]
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(command, check=False, capture_output=True, text=True, cwd=REPO, env=env)
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise SystemExit(f"the released script failed:\n{result.stderr[-3000:]}")
        requests = len(server.successful_chat_requests)
    timings = json.loads(result.stdout.strip().splitlines()[-1])
    total = sum(t["questions"] for t in timings.values())
    if total != QUESTIONS:
        raise SystemExit(f"the released script sees {total} questions, expected {QUESTIONS}")
    measured = [s for t in timings.values() for s in t["seconds"]]
    return Projection(
        seconds=sum(t["questions"] * sum(t["seconds"]) / len(t["seconds"]) for t in timings.values()),
        measured_questions=len(measured),
        measured_s=sum(measured),
        cpu_s=(cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime),
        requests=requests,
    )


@dataclass
class FullRun:
    label: str
    wall_s: float
    cpu_s: float
    requests: int
    log_mb: float
    load_average: float

    @property
    def cpu_ms_per_question(self) -> float:
        return 1000 * self.cpu_s / QUESTIONS


def full_runs(checkout: Path, delay: float, recommended: bool, server: Any) -> list[FullRun]:
    """All 728 questions with a fresh generate cache, then a rerun on that cache; checks each log."""
    from inspect_ai.log import read_eval_log

    python = checkout / ".venv" / "bin" / "python"
    runs = []
    with tempfile.TemporaryDirectory(prefix="realtalk-bench-full-") as tmp:
        for label, expected in (("fresh cache", 2 * QUESTIONS), ("rerun, judgements cached", QUESTIONS)):
            logs = Path(tmp) / label.split(",")[0].replace(" ", "-")
            command = [
                str(python if python.exists() else sys.executable), "-m", "inspect_ai", "eval",
                "tasks/memory_probing.py", "--model", MODEL, "--model-role", f"grader={MODEL}",
                "--log-dir", str(logs), "--display", "none", *(RECOMMENDED if recommended else []),
            ]  # fmt: skip
            env = {**os.environ, **server.env(), "INSPECT_CACHE_DIR": str(Path(tmp) / "cache")}
            server.reset()
            cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            completed = subprocess.run(
                command, check=False, env=env, cwd=checkout, capture_output=True, text=True
            )
            wall = time.monotonic() - started
            cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if completed.returncode != 0:
                raise SystemExit(f"inspect eval failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
            [log_file] = list(logs.glob("*.eval"))
            log = read_eval_log(str(log_file), header_only=True)
            answered = len(server.successful_chat_requests)
            if log.status != "success" or not log.results or log.results.completed_samples != QUESTIONS:
                raise SystemExit(
                    f"{label}: log status {log.status}, {log.results and log.results.completed_samples} samples"
                )
            if answered != expected:
                raise SystemExit(f"{label}: the server answered {answered} requests, expected {expected}")
            runs.append(
                FullRun(
                    label=f"{checkout.name}{' --recommended' if recommended else ''}, {label}",
                    wall_s=wall,
                    cpu_s=(cpu_after.ru_utime - cpu_before.ru_utime)
                    + (cpu_after.ru_stime - cpu_before.ru_stime),
                    requests=answered,
                    log_mb=log_file.stat().st_size / 1e6,
                    load_average=os.getloadavg()[0],
                )
            )
            print(asdict(runs[-1]) | {"cpu_ms_per_question": runs[-1].cpu_ms_per_question}, flush=True)
    return runs


def full_figures(projection: Projection, runs: list[FullRun]) -> list[Figure]:
    figures = [
        Figure(
            f"released script, {QUESTIONS} questions (projected from {projection.measured_questions})",
            projection.seconds,
            note=f"{projection.cpu_s:.1f} s CPU for the {projection.measured_questions}",
        )
    ]
    for run in runs:
        target = RERUN_TARGET if "rerun" in run.label else FULL_TARGET
        figures += [
            Figure(
                f"{run.label}: wall", run.wall_s, projection.seconds / target,
                f"{projection.seconds / run.wall_s:.1f}x the released script (target {target:.0f}x)",
            ),
            Figure(
                "  CPU ms a question (all threads, start-up included)", run.cpu_ms_per_question,
                CPU_PER_QUESTION_TARGET_MS if "rerun" not in run.label else None,
                f"{run.cpu_s:.1f} s CPU, log {run.log_mb:.1f} MB, load average {run.load_average:.1f}",
            ),
        ]  # fmt: skip
    return figures


# --- report ------------------------------------------------------------------------------------------------


def print_table(figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures)
    print(f"{'measure':<{width}}  {'seconds':>8}  {'target':>8}  result")
    for f in figures:
        target = f"{f.target:8.3f}" if f.target is not None else " " * 8
        verdict = "" if f.target is None else ("ok" if f.ok else "MISSED")
        print(f"{f.name:<{width}}  {f.seconds:8.3f}  {target}  {verdict} {f.note}".rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the fake API takes per request")
    parser.add_argument("--skip-eval", action="store_true", help="only measure dataset loading")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per eval configuration; the fastest counts"
    )
    parser.add_argument(
        "--full", action="store_true", help="also the 728-question runs against the released script"
    )
    parser.add_argument(
        "--released",
        type=Path,
        default=None,
        help="the released code's directory (with eval_memory/qa_tool.py)",
    )
    parser.add_argument(
        "--released-questions",
        type=int,
        default=7,
        help="questions per conversation the released script runs",
    )
    parser.add_argument(
        "--checkout", type=Path, action="append", default=None,
        help="run the full runs from this checkout (its .venv) instead; repeat for several, run alternately",
    )  # fmt: skip
    parser.add_argument(
        "--skip-defaults", action="store_true", help="full runs only with --recommended settings"
    )
    parser.add_argument("--data-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--released-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.data_child:
        data_child()
        return 0
    if args.released_child:
        released_child(Path(args.released_child[0]), int(args.released_child[1]))
        return 0
    if args.full and args.released is None:
        parser.error(
            "--full needs --released DIR (the released code, e.g. a clone of the authors' repository)"
        )
    if not os.environ.get("REALTALK_DATA_DIR"):
        print("note: REALTALK_DATA_DIR is unset; the per-user cache (or a download) is used", file=sys.stderr)

    load_at_start = os.getloadavg()
    figures, data = data_figures()
    runs: list[dict[str, Any]] = []
    if not args.skip_eval:
        for label, max_connections in [("--max-connections 10", 10), ("Inspect default concurrency", None)]:
            attempts = [timed_run(args.delay, max_connections) for _ in range(args.repeat)]
            best = min(attempts, key=lambda run: run.wall)
            figures += eval_figures(label, best, args.delay, connections=10)
            runs.append({"label": label, "best": best.summary(), "walls_s": [run.wall for run in attempts]})
            print(
                f"{label}: best of {len(attempts)} (walls {', '.join(f'{r.wall:.2f}' for r in attempts)} s); "
                f"{best.mean_in_flight:.1f} requests in flight on average, at most {best.max_in_flight}; "
                f"inspect used {best.inspect_cpu_s:.1f} s of CPU",
                flush=True,
            )

    full: list[dict[str, Any]] = []
    if args.full:
        from openai_server import start_openai_server

        projection = released_projection(args.released.resolve(), args.delay, args.released_questions)
        print(f"released script: {asdict(projection)}", flush=True)
        done: list[FullRun] = []
        with start_openai_server(delay=args.delay) as server:
            for recommended in ([False] if not args.skip_defaults else []) + [True]:
                for checkout in args.checkout or [REPO]:
                    done += full_runs(checkout.resolve(), args.delay, recommended, server)
        figures += full_figures(projection, done)
        full = [{"released": asdict(projection)}] + [asdict(run) for run in done]

    print_table(figures)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"memory_probing_speed-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "date": stamp,
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                "load_average_at_start": load_at_start,
                "inspect_ai": version("inspect_ai"),
                "delay_s": args.delay,
                "figures": [asdict(f) | {"ok": f.ok} for f in figures],
                "data": data,
                "runs": runs,
                "full": full,
            },
            indent=2,
        )
    )
    print(f"written: {out.relative_to(REPO)}")
    missed = [f.name.strip() for f in figures if not f.ok]
    if missed:
        print("targets missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
