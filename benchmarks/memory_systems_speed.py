"""Speed and cost of the memory systems: BM25 indexing and retrieval, and input tokens against `memory=full`.

Run by hand (not in CI), from the repository root:

    REALTALK_DATA_DIR=/path/to/data python benchmarks/memory_systems_speed.py [--skip-eval]

1. Index: BM25 over the turns of all 10 conversations (after the data are loaded). Target: under 1 s.
2. Retrieval: the top 10 turns of each of the 728 questions. Target: under 2 ms a question.
3. Tokens: two 728-question runs, `memory=full` and `memory=bm25 -T top_k=10`, with Inspect's real `openai`
   provider against tests/openai_server.py (about four characters a token); input tokens of the model under
   test (cached included) are compared. Target: bm25 sends at most 10% of full's.

With `--repeat N` (default 3), indexing and retrieval run N times and the fastest counts.

Prints a table, writes JSON to benchmarks/results/ (git-ignored), and exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
sys.path[:0] = [str(REPO), str(REPO / "tests")]

INDEX_TARGET_S = 1.0
RETRIEVAL_TARGET_MS = 2.0
TOKEN_RATIO_TARGET = 0.10
MODEL = "openai/gpt-4o-mini"


def retrieval_figures() -> dict[str, Any]:
    from realtalk_evals.data.realtalk import load_conversations
    from realtalk_evals.memory.systems.bm25 import BM25Memory

    conversations = load_conversations()
    started = time.perf_counter()
    systems = {}
    for conversation in conversations:
        systems[conversation.id] = BM25Memory()
        systems[conversation.id].index(conversation)
    index_s = time.perf_counter() - started
    questions = [(conversation.id, qa.question) for conversation in conversations for qa in conversation.qa]
    started = time.perf_counter()
    for conversation_id, question in questions:
        systems[conversation_id].search(question, 10)
    retrieval_ms = 1000 * (time.perf_counter() - started) / len(questions)
    return {
        "turns": sum(len(conversation.messages) for conversation in conversations),
        "questions": len(questions),
        "index_s": index_s,
        "retrieval_ms": retrieval_ms,
    }


def token_figures() -> dict[str, Any]:
    from inspect_ai import eval
    from inspect_ai.model import ModelUsage
    from openai_server import start_openai_server

    from realtalk_evals.tasks.memory_probing import memory_probing

    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch, start_openai_server() as server:
        os.environ.update(
            OPENAI_BASE_URL=server.base_url,
            OPENAI_API_KEY="test-key",
            INSPECT_CACHE_DIR=str(Path(scratch) / "cache"),
        )
        for name, args in (("full", {}), ("bm25", {"memory": "bm25", "top_k": 10})):
            started = time.perf_counter()
            [log] = eval(
                memory_probing(**args),  # type: ignore[arg-type]
                model=MODEL,
                model_roles={"grader": MODEL},
                log_dir=str(Path(scratch) / name),
                display="none",
                max_connections=20,
            )
            usage = sum(log.stats.model_usage.values(), ModelUsage())
            figures[name] = {
                "status": log.status,
                "samples": len(log.samples or []),
                "input_tokens": usage.input_tokens + (usage.input_tokens_cache_read or 0),
                "wall_s": time.perf_counter() - started,
            }
    figures["ratio"] = figures["bm25"]["input_tokens"] / figures["full"]["input_tokens"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--skip-eval", action="store_true", help="only indexing and retrieval (no token runs)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="index and retrieve N times; the fastest counts"
    )
    args = parser.parse_args()
    trials = [retrieval_figures() for _ in range(args.repeat)]
    retrieval = {
        **trials[0],
        "index_s": min(t["index_s"] for t in trials),
        "retrieval_ms": min(t["retrieval_ms"] for t in trials),
        "trials": trials,
    }
    rows = [
        (
            "BM25 index, 10 conversations",
            f"{retrieval['index_s']:.3f} s",
            f"{INDEX_TARGET_S} s",
            retrieval["index_s"] <= INDEX_TARGET_S,
        ),
        (
            "BM25 top-10 retrieval per question",
            f"{retrieval['retrieval_ms']:.3f} ms",
            f"{RETRIEVAL_TARGET_MS} ms",
            retrieval["retrieval_ms"] <= RETRIEVAL_TARGET_MS,
        ),
    ]
    tokens: dict[str, Any] = {}
    if not args.skip_eval:
        tokens = token_figures()
        for name in ("full", "bm25"):
            run = tokens[name]
            ok = run["status"] == "success" and run["samples"] == retrieval["questions"]
            rows.append(
                (
                    f"input tokens, memory={name} ({run['samples']} questions, {run['wall_s']:.0f} s)",
                    f"{run['input_tokens']:,}",
                    "",
                    ok,
                )
            )
        rows.append(
            (
                "bm25 / full input tokens",
                f"{tokens['ratio']:.2%}",
                f"{TOKEN_RATIO_TARGET:.0%}",
                tokens["ratio"] <= TOKEN_RATIO_TARGET,
            )
        )
    for name, value, target, ok in rows:
        print(f"{name:<60} {value:>14} {target:>8}  {'ok' if ok else 'MISSED'}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"memory_systems_{stamp}.json").write_text(
        json.dumps(
            {
                "retrieval": retrieval,
                "tokens": tokens,
                "inspect_ai": version("inspect_ai"),
                "rank_bm25": version("rank_bm25"),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
