"""Local fine-tuning: a LoRA adapter per speaker on a causal language model (peft + transformers' Trainer).

Each speaker's exported chats (`export`) are rendered the way Inspect's `hf/` provider renders a chat at
evaluation time, so the model learns to answer the prompts it will be asked:

- with the tokenizer's chat template: the system and user turns through the template with the generation
  prompt, tokenized as the provider tokenizes (special tokens added), then the rest of the template's
  rendering of the whole chat (the assistant's message and its end-of-turn) as the target;
- without one: the provider's fallback, `role: content` lines, with the message and the end-of-sequence token
  as the target.

Only the target's tokens carry loss. An example longer than `max_length` keeps its last tokens (the end of the
history and the whole message, up to half of `max_length`). After training the adapter is merged into the
base weights and the model and tokenizer are saved, so `hf/<directory>` loads them with no peft at evaluation.
Trains on a GPU when one is available, else on the CPU.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from realtalk_evals.errors import InputError
from realtalk_evals.finetune.export import HF_DATASET_DIR, INSTALL_HINT, speaker_directory
from realtalk_evals.parameters import Selection
from realtalk_evals.persona.samples import select_speakers
from realtalk_evals.persona.speaker_models import record_speaker_models

IGNORE_INDEX = -100
"""Label of a token that carries no loss (the prompt, padding): the value transformers' losses skip."""

METADATA_FILE = "realtalk_finetune.json"


@dataclass(frozen=True)
class LoraSettings:
    """Training settings; the defaults are common LoRA choices (the paper gives none for its fine-tuning)."""

    epochs: float = 3.0
    max_steps: int = -1
    """Stop after this many optimizer steps (-1: run all epochs)."""
    learning_rate: float = 2e-4
    batch_size: int = 1
    gradient_accumulation: int = 8
    max_length: int = 4096
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: str | list[str] = "all-linear"
    device: str = "auto"
    """`auto` (a GPU when present, else the CPU), `cpu` or `cuda`."""
    seed: int = 0


@dataclass
class TrainingResult:
    """One speaker's trained model."""

    speaker: str
    base_model: str
    directory: str
    inspect_model: str
    train_examples: int
    validation_examples: int
    truncated_examples: int
    steps: int
    train_loss: float | None
    validation_loss: float | None
    device: str
    settings: dict[str, Any] = field(default_factory=dict)


def _require_training_libraries() -> None:
    try:
        import peft  # noqa: F401
        import transformers  # noqa: F401
        from datasets import load_from_disk  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as error:
        raise InputError(f"local fine-tuning needs peft, datasets and accelerate: {INSTALL_HINT}") from error


def fallback_chat(messages: Sequence[dict[str, str]]) -> str:
    """Inspect's `hf/` rendering of a chat when the tokenizer has no chat template."""
    return "".join(f"{message['role']}: {message['content']}\n" for message in messages)


def prompt_and_target(tokenizer: Any, messages: Sequence[dict[str, str]]) -> tuple[list[int], list[int]]:
    """Token ids of the prompt (as the `hf/` provider builds it) and of the assistant's message."""
    prompt_messages, answer = list(messages[:-1]), messages[-1]["content"]
    if tokenizer.chat_template:
        prompt = tokenizer.apply_chat_template(prompt_messages, tokenize=False, add_generation_prompt=True)
        full = tokenizer.apply_chat_template(list(messages), tokenize=False)
        target = full[len(prompt) :] if full.startswith(prompt) else answer + (tokenizer.eos_token or "")
    else:
        prompt, target = fallback_chat(prompt_messages), answer + (tokenizer.eos_token or "")
    prompt_ids = tokenizer(prompt)["input_ids"]
    target_ids = tokenizer(target, add_special_tokens=False)["input_ids"]
    return list(prompt_ids), list(target_ids)


def tokenize_chat(tokenizer: Any, messages: Sequence[dict[str, str]], max_length: int) -> dict[str, Any]:
    """`input_ids`, `attention_mask` and `labels` (prompt masked), cut to `max_length` from the left."""
    prompt_ids, target_ids = prompt_and_target(tokenizer, messages)
    target_ids = target_ids[: max(1, max_length // 2)] if len(target_ids) > max_length // 2 else target_ids
    budget = max_length - len(target_ids)
    truncated = len(prompt_ids) > budget
    prompt_ids = prompt_ids[len(prompt_ids) - budget :] if truncated else prompt_ids
    ids = prompt_ids + target_ids
    return {
        "input_ids": ids,
        "attention_mask": [1] * len(ids),
        "labels": [IGNORE_INDEX] * len(prompt_ids) + target_ids,
        "truncated": truncated,
    }


def _device(requested: str) -> str:
    import torch

    if requested not in ("auto", "cpu", "cuda"):
        raise InputError(f"unknown device {requested!r}; valid choices: auto, cpu, cuda")
    if requested == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda was asked for, but no CUDA GPU is available")
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return requested


def train_speaker(
    base_model: str, speaker: str, data: str | Path, out: str | Path, settings: LoraSettings = LoraSettings()
) -> TrainingResult:
    """Train one speaker's LoRA adapter on their exported data; save the merged model to `out`."""
    _require_training_libraries()
    import torch
    from datasets import Dataset, load_from_disk  # type: ignore[import-untyped]
    from peft import LoraConfig, get_peft_model
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        DataCollatorForSeq2Seq,
        Trainer,
        TrainingArguments,
    )

    dataset_dir = speaker_directory(data, speaker) / HF_DATASET_DIR
    if not dataset_dir.is_dir():
        raise InputError(
            f"no training dataset for {speaker} in {data}: run `realtalk finetune export --speaker {speaker} "
            f"--out {data}` first"
        )
    splits = load_from_disk(str(dataset_dir))
    device = _device(settings.device)
    bf16 = device == "cuda" and torch.cuda.is_bf16_supported()

    tokenizer = AutoTokenizer.from_pretrained(base_model)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token  # as the hf/ provider does
    tokenized = {
        name: [tokenize_chat(tokenizer, row["messages"], settings.max_length) for row in splits[name]]
        for name in splits
    }
    truncated = sum(example.pop("truncated") for rows in tokenized.values() for example in rows)

    torch.manual_seed(settings.seed)
    base = AutoModelForCausalLM.from_pretrained(base_model, dtype=torch.bfloat16 if bf16 else torch.float32)
    lora = LoraConfig(
        r=settings.lora_r,
        lora_alpha=settings.lora_alpha,
        lora_dropout=settings.lora_dropout,
        target_modules=settings.target_modules,
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(base, lora)
    out = Path(out)
    validation = Dataset.from_list(tokenized["validation"]) if tokenized.get("validation") else None
    arguments = TrainingArguments(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=settings.epochs,
        max_steps=settings.max_steps,
        learning_rate=settings.learning_rate,
        per_device_train_batch_size=settings.batch_size,
        per_device_eval_batch_size=settings.batch_size,
        gradient_accumulation_steps=settings.gradient_accumulation,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=device == "cpu",
        bf16=bf16,
        seed=settings.seed,
        dataloader_pin_memory=device == "cuda",
    )
    trainer = Trainer(
        model=model,
        args=arguments,
        train_dataset=Dataset.from_list(tokenized["train"]),
        eval_dataset=validation,
        data_collator=DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=IGNORE_INDEX),
        processing_class=tokenizer,
    )
    outcome = trainer.train()
    validation_loss = trainer.evaluate()["eval_loss"] if validation is not None else None

    merged = trainer.model.merge_and_unload()  # type: ignore[union-attr,operator]
    merged.save_pretrained(str(out))
    shutil.rmtree(out / "checkpoints", ignore_errors=True)  # nothing is saved there (save_strategy="no")
    tokenizer.save_pretrained(str(out))
    result = TrainingResult(
        speaker=speaker,
        base_model=base_model,
        directory=str(out.resolve()),
        inspect_model=f"hf/{out.resolve()}",
        train_examples=len(tokenized["train"]),
        validation_examples=len(tokenized.get("validation", [])),
        truncated_examples=truncated,
        steps=outcome.global_step,
        train_loss=_finite(outcome.training_loss),
        validation_loss=_finite(validation_loss),
        device=device,
        settings=asdict(settings),
    )
    (out / METADATA_FILE).write_text(json.dumps(asdict(result), indent=2) + "\n", encoding="utf-8")
    return result


def _finite(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def run_local_finetune(
    base_model: str,
    speakers: Selection,
    data: str | Path,
    out: str | Path,
    models_file: str | Path,
    settings: LoraSettings = LoraSettings(),
) -> list[TrainingResult]:
    """Train each speaker in turn into `out/<speaker>/`; record each model in `models_file` as it is saved."""
    results = []
    for split in select_speakers(speakers):
        result = train_speaker(base_model, split.speaker, data, Path(out) / split.speaker, settings)
        record_speaker_models(models_file, {split.speaker: result.inspect_model})
        results.append(result)
    return results
