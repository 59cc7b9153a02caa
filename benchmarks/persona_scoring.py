"""Speed of persona-simulation scoring: 1,000 samples through both scorers, with tiny local models.

Run by hand (not in CI), from the repository root:

    REALTALK_DATA_DIR=/path/to/data python benchmarks/persona_scoring.py [--samples 1000] [--concurrency 10]

The scorers (`content_similarity`, `ei_agreement`) are called directly on 1,000 test samples (100 per speaker),
`--concurrency` samples at a time as Inspect would, with tiny random-weight RoBERTa classifiers and BERTScore
model (tests/tiny_models.py, loaded before timing) and a network-free `realtalk/mock` grader that answers
every appendix-C prompt at once. Caches live in a temporary directory.

1. First model, cold caches: every message is judged and classified (6 judge calls a sample).
2. A second model (other predictions), same caches: the real messages' labels come from the caches, so only
   the predictions are judged (3 calls a sample, none for a real message).
3. The first model again: everything comes from the caches (0 calls).
4. Overhead: run 1 again in fresh caches with every model call stubbed out (judge replies and local-model
   outputs returned at once), leaving only the project's own work (prompts, parsing, caching, batching).
   The share of run 1's time this accounts for must stay small: scoring is dominated by model calls.

Prints a table, writes JSON to benchmarks/results/ (git-ignored), and exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
sys.path[:0] = [str(REPO), str(REPO / "tests")]

OVERHEAD_TARGET = 0.25
"""The project's own work may take at most this share of the first run's time."""


def _samples(count: int) -> list[Any]:
    from realtalk_evals.data.realtalk import load_conversations
    from realtalk_evals.persona.samples import PERSONA_SPLITS, persona_dataset

    per_speaker = -(-count // len(PERSONA_SPLITS))
    return list(persona_dataset(load_conversations(), PERSONA_SPLITS, "test", 3, per_speaker))[:count]


def _prediction(sample: Any, variant: str) -> str:
    """A plausible message that no speaker wrote: the line before the target, with a model's own ending."""
    previous = sample.input.rsplit("\n", 2)[-2]
    return f"{previous.split(': ', 1)[-1]} {variant}"


class CountingGrader:
    """A realtalk/mock grader that replies validly to C.1, C.2 and C.3 prompts and counts its calls."""

    def __init__(self, targets: set[str]) -> None:
        self.targets = targets
        self.calls = 0
        self.real_calls = 0

    def __call__(self, messages: list[Any], *_: Any) -> Any:
        from inspect_ai.model import ModelOutput

        prompt = messages[0].text
        self.calls += 1
        self.real_calls += any(f"last message ({target})" in prompt for target in self.targets)
        if prompt.startswith("Empathy Assessment"):
            return ModelOutput.from_content(
                "grader", '{"emotional_reaction": 1, "interpretation": 0, "exploration": 1}'
            )
        return ModelOutput.from_content("grader", "True" if len(prompt) % 2 else "False")


def _grader_model(grader: CountingGrader) -> Any:
    from inspect_ai.model import get_model

    return get_model("realtalk/grader", custom_outputs=grader, memoize=False)


def _score_all(states: list[Any], scorers: list[Callable[..., Any]], grader: Any, concurrency: int) -> float:
    import anyio

    from realtalk_evals.inspect_private import init_model_roles

    async def main() -> None:
        init_model_roles({"grader": grader})
        limiter = anyio.CapacityLimiter(concurrency)

        async def one(state: Any) -> None:
            async with limiter:
                for score in scorers:
                    await score(state, state.target)

        async with anyio.create_task_group() as group:
            for state in states:
                group.start_soon(one, state)

    started = time.perf_counter()
    anyio.run(main)
    return time.perf_counter() - started


def _stub_models() -> None:
    """Replace every model call by an instant answer (run 4): judges, classifiers and BERTScore."""
    import realtalk_evals.scorers.content_similarity as content
    from realtalk_evals.ei import classifiers, judges
    from realtalk_evals.judging.ask import JudgeResult

    async def instant_judge(model: Any, prompt: str, parse: Any, repair: str, cache: bool = True) -> Any:
        reply = (
            '{"emotional_reaction": 1, "interpretation": 0, "exploration": 1}'
            if "Empathy" in prompt
            else "True"
        )
        return JudgeResult(value=parse(reply), replies=[reply])

    def instant_infer(kind: str, model_id: str, batch_size: int, texts: list[str]) -> list[dict[str, Any]]:
        if kind == "intimacy":
            return [{"value": 0.5, "raw": 0.0} for _ in texts]
        return [
            {"label": "neutral" if kind == "sentiment" else "joy", "score": 1.0, "scores": {}} for _ in texts
        ]

    judges.ask_judge = instant_judge  # type: ignore[assignment]
    classifiers.infer = instant_infer  # type: ignore[assignment]
    content.bertscore_f1 = lambda settings, pairs: [0.5 for _ in pairs]  # type: ignore[assignment]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument(
        "--concurrency", type=int, default=10, help="samples scored at once (Inspect's default)"
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="realtalk-persona-bench-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    os.environ["INSPECT_CACHE_DIR"] = str(scratch / "inspect-cache")
    os.environ["REALTALK_CACHE_DIR"] = str(scratch / "realtalk-cache")

    from inspect_ai.model import ModelOutput
    from inspect_ai.scorer import Target
    from inspect_ai.solver import TaskState
    from tiny_models import build_tiny_models, model_root  # type: ignore[import-not-found]

    from realtalk_evals.ei.classifiers import load_pipeline
    from realtalk_evals.local_models.batching import batcher_stats, reset_batcher_stats
    from realtalk_evals.scorers.content_similarity import (
        BertScoreSettings,
        content_similarity,
        load_bertscorer,
    )
    from realtalk_evals.scorers.ei_agreement import ei_agreement

    models = build_tiny_models(model_root())
    atexit.register(shutil.rmtree, Path(models.sentiment).parent, ignore_errors=True)
    for path in (models.sentiment, models.emotion, models.intimacy):
        load_pipeline(path)
    load_bertscorer(BertScoreSettings(models.bertscore, models.bertscore_layers))
    samples = _samples(args.samples)
    targets = {str(sample.target) for sample in samples}
    scorers = [
        content_similarity(models.settings),
        ei_agreement(None, models.settings),
    ]

    def states(variant: str) -> list[Any]:
        return [
            TaskState(
                model="realtalk/mock",  # type: ignore[arg-type]
                sample_id=sample.id,
                epoch=1,
                input=sample.input,
                messages=[],
                target=Target(sample.target),
                metadata=sample.metadata,
                output=ModelOutput.from_content("mock", _prediction(sample, variant)),
            )
            for sample in samples
        ]

    def distinct(variant: str | None) -> int:
        """Messages in distinct contexts (identical prompts are one call): real ones, or a model's."""
        return len(
            {
                (
                    s.metadata["session_history"],
                    s.metadata["speaker_name"],
                    s.target if variant is None else _prediction(s, variant),
                )
                for s in samples
            }
        )

    runs: list[dict[str, Any]] = []
    models_under_test = (
        ("1 first model, cold caches", "right?"),
        ("2 second model", "lol"),
        ("3 first model again", "right?"),
    )
    for name, variant in models_under_test:
        grader = CountingGrader(targets)
        reset_batcher_stats()
        wall = _score_all(states(variant), scorers, _grader_model(grader), args.concurrency)
        groups: dict[str, list[Any]] = {"classifier": [], "bertscore": []}
        for key, stats in batcher_stats().items():
            if isinstance(key, tuple) and key[0] in groups:
                groups[key[0]].append(stats)
        classifier, bertscore = groups["classifier"], groups["bertscore"]
        runs.append(
            {
                "run": name,
                "wall_s": round(wall, 2),
                "samples_per_s": round(len(samples) / wall, 1),
                "judge_calls": grader.calls,
                "judge_calls_per_sample": round(grader.calls / len(samples), 2),
                "real_message_judge_calls": grader.real_calls,
                "classified_texts": sum(s.items for s in classifier),
                "classifier_batches": sum(s.batches for s in classifier),
                "bertscore_pairs": sum(s.items for s in bertscore),
                "bertscore_batches": sum(s.batches for s in bertscore),
                "local_model_busy_s": round(sum(s.busy_s for s in [*classifier, *bertscore]), 2),
            }
        )

    os.environ["INSPECT_CACHE_DIR"] = str(scratch / "inspect-cache-stub")
    os.environ["REALTALK_CACHE_DIR"] = str(scratch / "realtalk-cache-stub")
    _stub_models()
    overhead = _score_all(states("right?"), scorers, _grader_model(CountingGrader(targets)), args.concurrency)
    share = overhead / runs[0]["wall_s"]

    columns = list(runs[0])
    print(" | ".join(columns))
    for run in runs:
        print(" | ".join(str(run[column]) for column in columns))
    print(
        f"project's own work (all model calls stubbed): {overhead:.2f} s = {share:.0%} of run 1 "
        f"(target <= {OVERHEAD_TARGET:.0%})"
    )

    checks = {
        "run 1 judges each message once": runs[0]["judge_calls"] == 3 * (distinct(None) + distinct("right?")),
        "run 2 judges only the predictions": runs[1]["judge_calls"] == 3 * distinct("lol"),
        "run 2 judges no real message": runs[1]["real_message_judge_calls"] == 0,
        "run 3 makes no judge call": runs[2]["judge_calls_per_sample"] == 0.0,
        "run 2 classifies only the predictions": runs[1]["classified_texts"] <= len(samples) * 3,
        "run 3 classifies nothing": runs[2]["classified_texts"] == 0,
        "project overhead is small": share <= OVERHEAD_TARGET,
    }
    for check, ok in checks.items():
        print(f"{'ok  ' if ok else 'MISS'} {check}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "benchmark": "persona_scoring",
        "date": stamp,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "samples": len(samples),
        "concurrency": args.concurrency,
        "runs": runs,
        "overhead_s": round(overhead, 2),
        "overhead_share": round(share, 3),
        "checks": checks,
    }
    (RESULTS / f"persona_scoring-{stamp}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
