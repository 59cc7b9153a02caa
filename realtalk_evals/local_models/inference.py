"""Local-model inference on CPU or GPU without wasted work: length-sorted batches, inference mode, threads.

Messages of a conversation range from a word to hundreds of tokens (merged messages), and a batch costs what
its longest text costs times its size: batches built from texts of similar length cut most of the padding.
A text's result does not depend on the texts batched with it (attention masks hide the padding), so sorting
changes nothing but floating-point noise. The classifiers' forward pass is the one the transformers
text-classification pipeline runs (same tokenizer call, same logits-to-scores functions), without the
pipeline's per-text preprocessing and data-loader machinery, under `torch.inference_mode`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

TORCH_THREADS_ENV = "REALTALK_TORCH_THREADS"
"""Torch's intra-op threads for the local models (default: torch's own choice, one per core)."""


CPU_BATCH = 4
"""Texts per forward pass on CPU: length-sorted batches of 4 took about 40% less CPU than a micro-batch's
texts (about 15) in one padded batch, for roberta-base and roberta-large, and 10% less than one text at a
time (benchmarks/README.md). Accelerators take the configured batch size."""


def forward_batch_size(device: Any, requested: int) -> int:
    """`requested` on an accelerator, at most CPU_BATCH on CPU (a GEMM there gains little from more rows)."""
    return min(requested, CPU_BATCH) if str(device).startswith("cpu") else requested


def length_sorted_chunks(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices into `lengths`, longest first, cut into batches of at most `batch_size`."""
    order = sorted(range(len(lengths)), key=lambda index: lengths[index], reverse=True)
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def configure_threads() -> None:
    """Apply $REALTALK_TORCH_THREADS, if set, to torch (process-wide)."""
    value = os.environ.get(TORCH_THREADS_ENV)
    if value:
        import torch

        threads = int(value)
        if threads < 1:
            raise ValueError(f"{TORCH_THREADS_ENV} must be a positive integer, got {value}")
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


def inference_mode() -> AbstractContextManager[Any]:
    """`torch.inference_mode()`, with the thread setting applied (for code that runs a model)."""
    import torch

    configure_threads()
    return torch.inference_mode()


def _score_function(function: str) -> Callable[[Any], Any]:
    from transformers.pipelines.text_classification import sigmoid, softmax

    functions: dict[str, Callable[[Any], Any]] = {"softmax": softmax, "sigmoid": sigmoid, "none": lambda x: x}
    return functions[function]


def classify_texts(
    pipe: Any, texts: Sequence[str], function: str, max_length: int, batch_size: int
) -> list[list[dict[str, Any]]]:
    """Per text, every label's score (`[{"label", "score"}]` in label order), as the pipeline gives with
    `top_k=None`: the texts are tokenized once, batched by length and padded as the pipeline pads."""
    tokenizer, model = pipe.tokenizer, pipe.model
    encoded = tokenizer(list(texts), truncation=True, max_length=max_length)
    names = list(encoded.keys())
    labels = [model.config.id2label[index] for index in range(len(model.config.id2label))]
    to_scores = _score_function(function)
    outputs: list[list[dict[str, Any]]] = [[] for _ in texts]
    with inference_mode():
        lengths = [len(ids) for ids in encoded["input_ids"]]
        for chunk in length_sorted_chunks(lengths, forward_batch_size(pipe.device, batch_size)):
            batch = tokenizer.pad(
                {name: [encoded[name][i] for i in chunk] for name in names}, return_tensors="pt"
            )
            logits = model(**{name: tensor.to(pipe.device) for name, tensor in batch.items()}).logits
            for index, row in zip(chunk, logits.float().cpu().numpy(), strict=True):
                scores = to_scores(row)
                outputs[index] = [
                    {"label": labels[i], "score": score.item()} for i, score in enumerate(scores)
                ]
    return outputs
