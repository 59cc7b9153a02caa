"""Scoring cost at the real models' sizes, without their weights: random models of the same architectures.

Run by hand (not in CI), from the repository root:

    REALTALK_DATA_DIR=/path/to/data python benchmarks/real_size_scoring.py [--limit 100] [--device cpu]

Compute does not depend on the weights, so random-weight models built from a config cost what the real ones
cost. Built once and kept in benchmarks/.real_size_models/ (git-ignored, about 3 GB), in a child process:
a byte-level BPE tokenizer trained with `tokenizers` on the REALTALK messages, three roberta-base classifiers
(3-label softmax sentiment, 11-label multi-label emotion, 1-value regression intimacy) and a roberta-large
encoder for BERTScore at layer 17. (The paper's emotion and intimacy models are roberta-large:
`--large-classifiers` builds those two at that size.) Models are loaded before timing (load time reported).

Measured, each with cold caches (fresh classifier and generate caches) and then warm (same caches, same
process):
1. `persona_simulation -T solver=gold --limit N` with a `realtalk/mock` grader answering every judge prompt
   at once: samples/s, and the wall time split into classifiers and BERTScore (the local models run one batch
   at a time in a worker thread, so their busy times add up), judges (a judge call in flight while no local
   model runs) and the rest (Inspect, the project's own work, idle waits).
2. `ei_analysis --limit M` (the mock grader is the judge): messages labelled per second.
3. `memory=dense` indexing every turn of Chat_1 with a random sentence-transformers encoder of
   all-MiniLM-L6-v2's size (BERT, 6 layers, 384 wide, WordPiece vocabulary trained on the messages, mean
   pooling; built once in the same directory), through the memory package's `embed` and its on-disk cache:
   cold (empty cache) and warm (every turn a cache hit). `--skip-persona --ei-limit 0` measures it alone
   (then no scoring model is loaded and the peak memory is the retriever's).
Peak memory (the process's maximum RSS; with `--device cuda` also torch's peak GPU allocation).

`--device cpu` hides any GPU (CUDA_VISIBLE_DEVICES=""); `--device cuda` needs one (the pipelines and
bert-score then use it). Results are reported per device. Prints a table and writes JSON to
benchmarks/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
MODELS = HERE / ".real_size_models"
RESULTS = HERE / "results"
sys.path[:0] = [str(REPO), str(REPO / "tests")]

BERTSCORE_LAYERS = 17
"""bert-score's layer for roberta-large."""
BASE: dict[str, Any] = {
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
}
LARGE: dict[str, Any] = {
    "hidden_size": 1024,
    "num_hidden_layers": 24,
    "num_attention_heads": 16,
    "intermediate_size": 4096,
}
CACHE_STATES = ["cold", "warm"]
"""The scoring runs, in order, on the same caches (`--cold-only`: the first)."""
VOCAB = 50265
"""roberta's vocabulary size (the embedding matrix's size; the trained tokenizer uses fewer ids)."""


# ---------------------------------------------------------------- building the models (child process)


def _messages() -> list[str]:
    from realtalk_evals.data.realtalk import load_conversations

    return [m.text for c in load_conversations() for s in c.sessions for m in s.messages if m.text]


def _build(root: Path, large_classifiers: bool) -> None:
    import torch
    from tiny_models import EMOTION_LABELS, SENTIMENT_LABELS  # type: ignore[import-not-found]
    from tokenizers import ByteLevelBPETokenizer
    from transformers import (
        RobertaConfig,
        RobertaForSequenceClassification,
        RobertaModel,
        RobertaTokenizerFast,
    )

    staging = root.with_name(root.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        _messages(),
        vocab_size=VOCAB,
        min_frequency=2,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
    )
    (staging / "tokenizer").mkdir(parents=True)
    bpe.save_model(str(staging / "tokenizer"))
    tokenizer = RobertaTokenizerFast.from_pretrained(str(staging / "tokenizer"), model_max_length=512)

    def config(size: dict[str, Any], **extra: Any) -> Any:
        return RobertaConfig(
            vocab_size=VOCAB,
            max_position_embeddings=514,
            type_vocab_size=1,
            layer_norm_eps=1e-5,
            pad_token_id=tokenizer.pad_token_id,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            **size,
            **extra,
        )

    classifiers = (
        ("sentiment", SENTIMENT_LABELS, "single_label_classification", BASE),
        ("emotion", EMOTION_LABELS, "multi_label_classification", LARGE if large_classifiers else BASE),
        ("intimacy", ("intimacy",), "regression", LARGE if large_classifiers else BASE),
    )
    for seed, (name, labels, problem, size) in enumerate(classifiers, 1):
        torch.manual_seed(seed)
        labelled = config(
            size,
            id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)},
            problem_type=problem,
        )
        RobertaForSequenceClassification(labelled).save_pretrained(staging / name)
        tokenizer.save_pretrained(staging / name)
        print(f"built {name}", flush=True)
    torch.manual_seed(4)
    RobertaModel(config(LARGE), add_pooling_layer=False).save_pretrained(staging / "bertscore")
    tokenizer.save_pretrained(staging / "bertscore")
    print("built bertscore (roberta-large)", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    staging.rename(root)


def models_dir(large_classifiers: bool) -> Path:
    """Build the models in a child process (so its memory is not this process's peak) unless already built."""
    root = MODELS / ("large-classifiers" if large_classifiers else "base-classifiers")
    if not (root / "bertscore" / "config.json").is_file():
        print(f"building real-size random models in {root} (once) ...", flush=True)
        flag = ["--large-classifiers"] if large_classifiers else []
        subprocess.run([sys.executable, __file__, "--build-only", *flag], check=True)
    return root


# ---------------------------------------------------------------- timing the phases


class Intervals:
    """Start/end times of calls, possibly overlapping and from several threads."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    def add(self, start: float, end: float) -> None:
        with self._lock:
            self.spans.append((start, end))


def _union(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _length(spans: list[tuple[float, float]]) -> float:
    return sum(end - start for start, end in _union(spans))


class Phases:
    """Wraps the functions that run the classifiers, BERTScore and the judges, recording when each ran."""

    def __init__(self) -> None:
        self.classifiers = Intervals()
        self.bertscore = Intervals()
        self.judges = Intervals()

    def install(self) -> None:
        import realtalk_evals.scorers.content_similarity as content
        from realtalk_evals.ei import classifiers, judges

        def timed_sync(function: Callable[..., Any], record: Intervals) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    record.add(started, time.perf_counter())

            return wrapper

        def timed_async(function: Callable[..., Any], record: Intervals) -> Callable[..., Any]:
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    record.add(started, time.perf_counter())

            return wrapper

        classifiers.infer = timed_sync(classifiers.infer, self.classifiers)  # type: ignore[assignment]
        content.bertscore_f1 = timed_sync(content.bertscore_f1, self.bertscore)  # type: ignore[assignment]
        judges.ask_judge = timed_async(judges.ask_judge, self.judges)  # type: ignore[assignment]

    def split(self, started: float, ended: float) -> dict[str, float]:
        """Wall time as classifiers + BERTScore + judges (alone) + rest, in seconds."""

        def within(record: Intervals) -> list[tuple[float, float]]:
            return [(max(a, started), min(b, ended)) for a, b in record.spans if b > started and a < ended]

        local = within(self.classifiers) + within(self.bertscore)
        everything = local + within(self.judges)
        return {
            "classifiers_s": round(_length(within(self.classifiers)), 2),
            "bertscore_s": round(_length(within(self.bertscore)), 2),
            "judges_s": round(_length(everything) - _length(local), 2),
            "rest_s": round((ended - started) - _length(everything), 2),
        }


class MockGrader:
    """Valid replies to the appendix-C prompts (True/False, or the empathy JSON), at once; counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, messages: list[Any], *_: Any) -> Any:
        from inspect_ai.model import ModelOutput

        self.calls += 1
        prompt = messages[0].text
        if prompt.startswith("Empathy Assessment"):
            reply = '{"emotional_reaction": 1, "interpretation": 0, "exploration": 1}'
        else:
            reply = "True" if len(prompt) % 2 else "False"
        return ModelOutput.from_content("grader", reply)


def _peak_memory() -> dict[str, float]:
    peak = {"max_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)}
    import torch

    if torch.cuda.is_available():
        peak["cuda_max_allocated_gb"] = round(torch.cuda.max_memory_allocated() / 1024**3, 2)
    return peak


@contextmanager
def _fresh_caches(scratch: Path, name: str) -> Iterator[None]:
    os.environ["INSPECT_CACHE_DIR"] = str(scratch / name / "inspect")
    os.environ["REALTALK_CACHE_DIR"] = str(scratch / name / "realtalk")
    yield


def _run_eval(
    task: Any, model: Any, roles: dict[str, Any], limit: int, log_dir: Path
) -> tuple[Any, float, float]:
    from inspect_ai import eval as inspect_eval

    started = time.perf_counter()
    cpu_started = _cpu_s()
    [log] = inspect_eval(
        task,
        model=model,
        model_roles=roles,
        limit=limit,
        log_dir=str(log_dir),
        display="none",
        log_samples=True,
    )
    wall = time.perf_counter() - started
    if log.status != "success":
        raise RuntimeError(f"eval failed: {log.error}")
    return log, wall, _cpu_s() - cpu_started


def _cpu_s() -> float:
    """CPU seconds of this process (all threads): less sensitive than wall time to other work on the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _batch_stats() -> dict[str, int]:
    from realtalk_evals.local_models.batching import batcher_stats

    totals = {"classified_texts": 0, "classifier_batches": 0, "bertscore_pairs": 0, "bertscore_batches": 0}
    for key, stats in batcher_stats().items():
        if isinstance(key, tuple) and key[0] == "classifier":
            totals["classified_texts"] += stats.items
            totals["classifier_batches"] += stats.batches
        elif isinstance(key, tuple) and key[0] == "bertscore":
            totals["bertscore_pairs"] += stats.items
            totals["bertscore_batches"] += stats.batches
    return totals


def _measure_task(
    name: str,
    make: Callable[[MockGrader], tuple[Any, Any, dict[str, Any]]],
    limit: int,
    phases: Phases,
    scratch: Path,
) -> list[dict[str, Any]]:
    """One task, cold then warm caches; `make(grader)` gives (task, model, model roles)."""
    from realtalk_evals.local_models.batching import reset_batcher_stats

    rows = []
    with _fresh_caches(scratch, name.split()[0]):
        for caches in CACHE_STATES:
            grader = MockGrader()
            reset_batcher_stats()
            task, model, roles = make(grader)
            started = time.perf_counter()
            log, wall, cpu = _run_eval(task, model, roles, limit, scratch / "logs")
            items = len(log.samples or [])
            rows.append(
                {
                    "measure": f"{name}, {caches} caches",
                    "items": items,
                    "wall_s": round(wall, 2),
                    "per_s": round(items / wall, 3),
                    "cpu_s": round(cpu, 2),
                    **phases.split(started, started + wall),
                    "judge_calls": grader.calls,
                    **_batch_stats(),
                    **_peak_memory(),
                }
            )
            print(rows[-1], flush=True)
    return rows


def _classifier_args(root: Path) -> dict[str, Any]:
    return {f"{kind}_model": str(root / kind) for kind in ("sentiment", "emotion", "intimacy")}


def measure_persona(root: Path, limit: int, phases: Phases, scratch: Path) -> list[dict[str, Any]]:
    from inspect_ai.model import get_model

    from realtalk_evals.tasks.persona_simulation import persona_simulation

    def make(grader: MockGrader) -> tuple[Any, Any, dict[str, Any]]:
        task = persona_simulation(
            solver="gold",
            bertscore_model=str(root / "bertscore"),
            bertscore_layers=BERTSCORE_LAYERS,
            **_classifier_args(root),
        )
        return (
            task,
            "realtalk/mock",
            {"grader": get_model("realtalk/grader", custom_outputs=grader, memoize=False)},
        )

    return _measure_task("persona_simulation gold", make, limit, phases, scratch)


def measure_ei_analysis(root: Path, limit: int, phases: Phases, scratch: Path) -> list[dict[str, Any]]:
    from inspect_ai.model import get_model

    from realtalk_evals.tasks.ei_analysis import ei_analysis

    def make(grader: MockGrader) -> tuple[Any, Any, dict[str, Any]]:
        judge = get_model("realtalk/judge", custom_outputs=grader, memoize=False)
        return ei_analysis(**_classifier_args(root)), judge, {}

    return _measure_task("ei_analysis labelling", make, limit, phases, scratch)


# ---------------------------------------------------------------- a model's run against a straightforward reference


def _model_side_replies(limit: int) -> tuple[list[Any], dict[str, str], dict[str, str]]:
    """The first `limit` test samples and two sets of replies that differ from every real message of the test
    split: R (timed) gives each sample a message of its speaker from the speaker's training conversation (the
    same person, new text, in turn), P (the warm-up run) R's text reversed."""
    from realtalk_evals.data.realtalk import load_conversations
    from realtalk_evals.persona.samples import persona_dataset, select_speakers

    samples = list(persona_dataset(load_conversations(), select_speakers(None), "test"))[:limit]
    train = list(persona_dataset(load_conversations(), select_speakers(None), "train"))

    def speaker(sample: Any) -> str:
        return str(sample.metadata["speaker"])

    own = {name: [str(t.target) for t in train if speaker(t) == name] for name in map(speaker, samples)}
    replies, warm_up = {}, {}
    for index, sample in enumerate(samples):
        texts = own[speaker(sample)]
        replies[str(sample.input)] = texts[index % len(texts)]
        warm_up[str(sample.input)] = texts[index % len(texts)][::-1]
    return samples, replies, warm_up


def _replier(replies: dict[str, str]) -> Any:
    """A `realtalk/mock` model under test answering each sample's D.1 prompt with its reply from `replies`."""
    from inspect_ai.model import ModelOutput, get_model

    def reply(messages: list[Any], *_: Any) -> Any:
        return ModelOutput.from_content("replier", replies[messages[-1].text])

    return get_model(
        f"realtalk/replier-{len(replies)}-{hash(next(iter(replies.values())))}",
        custom_outputs=reply,
        memoize=False,
    )


def _suite_scores(log: Any) -> dict[str, dict[str, Any]]:
    """Per sample: the prediction, the real message, BERTScore and both sides' classifier labels."""
    scores = {}
    for sample in log.samples or []:
        content, ei = sample.scores["content_similarity"], sample.scores["ei_agreement"]
        scores[str(sample.id)] = {
            "pair": (content.answer, str(sample.target)),
            "bertscore": content.value["bertscore"],
            "predicted": {k: ei.metadata["predicted_ei"][k] for k in ("sentiment", "emotion", "intimacy")},
            "real": {k: ei.metadata["real_ei"][k] for k in ("sentiment", "emotion", "intimacy")},
        }
    return scores


def reference_scoring(root: Path, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The straightforward way: each classifier's transformers pipeline over the replies and the real messages,
    32 texts a batch, and bert-score's `BERTScorer.score` of each reply against its real message, 32 a batch."""
    from realtalk_evals.ei.classifiers import _FUNCTION, load_pipeline, read_output
    from realtalk_evals.scorers.content_similarity import BertScoreSettings, load_bertscorer

    predictions, references = [p for p, _ in pairs], [r for _, r in pairs]
    labels: dict[str, list[dict[str, Any]]] = {}
    for kind in ("sentiment", "emotion", "intimacy"):
        pipe = load_pipeline(str(root / kind))
        names = [pipe.model.config.id2label[i] for i in sorted(pipe.model.config.id2label)]
        outputs = pipe(
            predictions + references,
            batch_size=32,
            truncation=True,
            top_k=None,
            function_to_apply=_FUNCTION[kind],
        )  # type: ignore[index]
        labels[kind] = [read_output(kind, output, names) for output in outputs]  # type: ignore[arg-type]
    scorer = load_bertscorer(BertScoreSettings(str(root / "bertscore"), BERTSCORE_LAYERS))
    _, _, f1 = scorer.score(predictions, references, batch_size=32)
    return {"labels": labels, "bertscore": [float(value) for value in f1.tolist()]}


def _label(record: dict[str, Any]) -> Any:
    """A classifier record's label, or the intimacy regressor's raw value (what MessageEI holds)."""
    return record["label"] if "label" in record else record["raw"]


def compare(suite: dict[str, dict[str, Any]], reference: dict[str, Any]) -> dict[str, Any]:
    """How far the suite's scores are from the reference's on the same texts (labels must agree)."""
    rows = list(suite.values())
    n = len(rows)
    bert = max(abs(row["bertscore"] - ref) for row, ref in zip(rows, reference["bertscore"], strict=True))
    mismatches, intimacy = 0, 0.0
    for kind in ("sentiment", "emotion", "intimacy"):
        records = reference["labels"][kind]
        for side, offset in (("predicted", 0), ("real", n)):
            for index, row in enumerate(rows):
                mine, theirs = row[side][kind], _label(records[offset + index])
                if kind == "intimacy":
                    intimacy = max(intimacy, abs(mine - theirs))
                else:
                    mismatches += mine != theirs
    return {"bertscore_max_diff": bert, "intimacy_max_diff": intimacy, "label_mismatches": mismatches}


def measure_model_side(
    root: Path, limit: int, rounds: int, phases: Phases, scratch: Path
) -> list[dict[str, Any]]:
    """A model's run (replies that differ from the real messages) against the straightforward reference on the
    same texts, alternately, `rounds` times. The suite runs in three states, each on its own fresh caches:
    cold (nothing cached), after a gold run (the real messages' labels and judgements cached: a model's first
    run) and after another model's run (the real messages' BERTScore embeddings cached too: every later run)."""
    from inspect_ai.model import get_model

    from realtalk_evals.local_models.batching import reset_batcher_stats
    from realtalk_evals.tasks.persona_simulation import persona_simulation

    samples, replies, warm_up = _model_side_replies(limit)
    print(f"model side: {len(samples)} samples, {len(set(replies.values()))} distinct replies", flush=True)

    def task(solver: Any) -> Any:
        return persona_simulation(
            solver=solver,
            bertscore_model=str(root / "bertscore"),
            bertscore_layers=BERTSCORE_LAYERS,
            **_classifier_args(root),
        )

    def run(label: str, solver: str, model: Any) -> dict[str, Any]:
        grader = MockGrader()
        reset_batcher_stats()
        started = time.perf_counter()
        log, wall, cpu = _run_eval(
            task(solver),
            model,
            {"grader": get_model("realtalk/grader", custom_outputs=grader, memoize=False)},
            limit,
            scratch / "logs",
        )
        row = {
            "measure": f"persona model side, {label}", "items": len(log.samples or []), "wall_s": round(wall, 2),
            "per_s": round(len(log.samples or []) / wall, 3), "cpu_s": round(cpu, 2), **phases.split(started, started + wall),
            "judge_calls": grader.calls, **_batch_stats(), **_peak_memory(), "scores": _suite_scores(log),
        }  # fmt: skip
        return row

    rows: list[dict[str, Any]] = []
    for round_ in range(rounds):
        states: list[dict[str, Any]] = []
        with _fresh_caches(scratch, f"cold-{round_}"):
            states.append(run("cold caches", "model", _replier(replies)))
        with _fresh_caches(scratch, f"first-{round_}"):
            run("gold (warm-up)", "gold", "realtalk/mock")
            states.append(run("after a gold run (a model's first run)", "model", _replier(replies)))
        with _fresh_caches(scratch, f"later-{round_}"):
            run("another model (warm-up)", "model", _replier(warm_up))
            states.append(run("after another model's run", "model", _replier(replies)))
        pairs = [score["pair"] for score in states[0]["scores"].values()]
        started, cpu_started = time.perf_counter(), _cpu_s()
        reference = reference_scoring(root, pairs)
        wall, cpu = time.perf_counter() - started, _cpu_s() - cpu_started
        rows.append(
            {"measure": "reference (pipelines + bert_score, batch 32)", "items": len(pairs), "wall_s": round(wall, 2),
             "per_s": round(len(pairs) / wall, 3), "cpu_s": round(cpu, 2), **_peak_memory()}
        )  # fmt: skip
        print({k: v for k, v in rows[-1].items()}, flush=True)
        for state in states:
            state["vs_reference"] = compare(state.pop("scores"), reference)
            state["cpu_ratio"] = round(cpu / state["cpu_s"], 2)
            state["wall_ratio"] = round(wall / state["wall_s"], 2)
            rows.append(state)
            print(state, flush=True)
    return rows


MINILM: dict[str, Any] = {
    "hidden_size": 384,
    "num_hidden_layers": 6,
    "num_attention_heads": 12,
    "intermediate_size": 1536,
    "max_position_embeddings": 512,
    "vocab_size": 30522,
}
"""sentence-transformers/all-MiniLM-L6-v2's BERT (mean pooling, normalised, 256 tokens at most)."""
MINILM_MAX_TOKENS = 256
RETRIEVER_CONVERSATION = "Chat_1_"
"""The conversation whose every turn is embedded (its name starts with this)."""


def _build_sentence_encoder(root: Path) -> None:
    """A random all-MiniLM-L6-v2-sized sentence-transformers model with a WordPiece vocabulary from the data."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling, Transformer
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertModel, BertTokenizerFast  # type: ignore[attr-defined]

    staging = root.with_name(root.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    base = staging / "bert"
    base.mkdir(parents=True)
    wordpiece = BertWordPieceTokenizer(lowercase=True)
    wordpiece.train_from_iterator(_messages(), vocab_size=MINILM["vocab_size"], min_frequency=2)
    wordpiece.save_model(str(base))
    tokenizer = BertTokenizerFast(vocab=str(base / "vocab.txt"), model_max_length=512)
    torch.manual_seed(5)
    BertModel(BertConfig(**MINILM), add_pooling_layer=False).save_pretrained(base)
    tokenizer.save_pretrained(base)
    transformer = Transformer(str(base), max_seq_length=MINILM_MAX_TOKENS)
    pooling = Pooling(MINILM["hidden_size"], "mean")
    SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu").save(
        str(staging / "encoder")
    )
    shutil.rmtree(root, ignore_errors=True)
    staging.rename(root)
    print("built sentence encoder (all-MiniLM-L6-v2 size)", flush=True)


def sentence_encoder_dir() -> Path:
    """Build the encoder in a child process unless already built; its directory (an `embedding_model`)."""
    root = MODELS / "sentence-encoder"
    if not (root / "encoder" / "modules.json").is_file():
        print(f"building a real-size random sentence encoder in {root} (once) ...", flush=True)
        subprocess.run([sys.executable, __file__, "--build-encoder-only"], check=True)
    return root / "encoder"


def measure_retriever(scratch: Path) -> list[dict[str, Any]]:
    """`memory=dense` indexing one whole conversation (every turn), through the memory package's own
    embedding function and on-disk cache: cold (empty cache, every turn encoded) and warm (all cache hits)."""
    import importlib.util

    if importlib.util.find_spec("realtalk_evals.memory") is None:
        print("dense retriever: skipped (realtalk_evals.memory is not installed)", flush=True)
        return []
    from realtalk_evals.data.realtalk import load_conversations
    from realtalk_evals.memory.systems.base import MemorySettings
    from realtalk_evals.memory.systems.dense import DenseMemory
    from realtalk_evals.memory.systems.embeddings import load_embedding_model

    encoder = str(sentence_encoder_dir())
    started = time.perf_counter()
    load_embedding_model(encoder)
    print(f"sentence encoder loaded in {time.perf_counter() - started:.1f} s", flush=True)
    [conversation] = [c for c in load_conversations() if c.id.startswith(RETRIEVER_CONVERSATION)]
    rows = []
    with _fresh_caches(scratch, "retriever"):
        for caches in ("cold", "warm"):
            memory = DenseMemory(MemorySettings(unit="turn", embedding_model=encoder))
            started = time.perf_counter()
            cpu_started = _cpu_s()
            memory.index(conversation)
            wall = time.perf_counter() - started
            turns = len(memory.units)
            rows.append(
                {
                    "measure": f"dense retriever, {conversation.id} every turn, {caches} cache",
                    "items": turns,
                    "wall_s": round(wall, 2),
                    "per_s": round(turns / wall, 1),
                    "cpu_s": round(_cpu_s() - cpu_started, 2),
                    **_peak_memory(),
                }
            )
            print(rows[-1], flush=True)
    return rows


def _load_models(root: Path) -> float:
    from realtalk_evals.ei.classifiers import load_pipeline
    from realtalk_evals.scorers.content_similarity import BertScoreSettings, load_bertscorer

    started = time.perf_counter()
    for kind in ("sentiment", "emotion", "intimacy"):
        load_pipeline(str(root / kind))
    load_bertscorer(BertScoreSettings(str(root / "bertscore"), BERTSCORE_LAYERS))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=100, help="persona_simulation samples")
    parser.add_argument("--ei-limit", type=int, default=200, help="ei_analysis messages (0: skip)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--large-classifiers", action="store_true", help="emotion and intimacy roberta-large")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build-encoder-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-persona", action="store_true", help="only ei_analysis and the retriever")
    parser.add_argument("--cold-only", action="store_true", help="scoring with cold caches only")
    parser.add_argument("--skip-retriever", action="store_true", help="no dense-retriever measurement")
    parser.add_argument(
        "--model-side", type=int, default=0, metavar="ROUNDS",
        help="a model's run against the straightforward reference, ROUNDS times alternately (--limit samples)",
    )  # fmt: skip
    args = parser.parse_args()

    if args.cold_only:
        CACHE_STATES[1:] = []
    if args.build_encoder_only:
        _build_sentence_encoder(MODELS / "sentence-encoder")
        return 0

    if args.build_only:
        _build(
            MODELS / ("large-classifiers" if args.large_classifiers else "base-classifiers"),
            args.large_classifiers,
        )
        return 0
    if args.device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
    scoring = not args.skip_persona or args.ei_limit > 0 or args.model_side > 0
    root = models_dir(args.large_classifiers) if scoring else MODELS

    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        print("--device cuda: no GPU visible to torch", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="realtalk-real-size-"))
    try:
        load_s = _load_models(root) if scoring else 0.0
        print(f"models loaded in {load_s:.1f} s", flush=True)
        phases = Phases()
        phases.install()
        rows = [] if args.skip_persona else measure_persona(root, args.limit, phases, scratch)
        if args.model_side:
            rows += measure_model_side(root, args.limit, args.model_side, phases, scratch)
        if args.ei_limit:
            rows += measure_ei_analysis(root, args.ei_limit, phases, scratch)
        if not args.skip_retriever:
            rows += measure_retriever(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    columns = [
        "measure",
        "items",
        "wall_s",
        "per_s",
        "cpu_s",
        "classifiers_s",
        "bertscore_s",
        "judges_s",
        "rest_s",
    ]
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(str(row.get(column, "")) for column in columns))
    print(f"peak memory: {_peak_memory()}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "benchmark": "real_size_scoring",
        "date": stamp,
        "device": args.device,
        "gpu": torch.cuda.get_device_name(0) if args.device == "cuda" else None,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
            "environment": {
                k: v for k, v in os.environ.items() if k.startswith("REALTALK_") and "DIR" not in k
            },
        },
        "large_classifiers": args.large_classifiers,
        "model_load_s": round(load_s, 2),
        "rows": rows,
        "peak_memory": _peak_memory(),
    }
    path = RESULTS / f"real_size_scoring-{args.device}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
