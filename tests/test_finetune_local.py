"""`realtalk finetune local`: a few LoRA steps on a tiny Llama built here, then the model through Inspect's `hf/`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from realtalk_evals.cli import main
from realtalk_evals.finetune.export import export_training_data, read_jsonl
from realtalk_evals.finetune.local_lora import IGNORE_INDEX, fallback_chat, tokenize_chat

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
"""A minimal chat template: each turn between a role marker and `<|end|>` (the end-of-sequence token)."""


def build_tiny_llama(directory: Path, corpus: list[str]) -> str:
    """A random 2-layer, 32-wide Llama with a byte-level BPE tokenizer of a few hundred tokens, saved."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    specials = ["<unk>", "<s>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>"]
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    bpe.train_from_iterator(corpus, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="<|end|>",
        chat_template=CHAT_TEMPLATE,
    )
    size: dict[str, Any] = {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
    }
    ids = {"bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id}
    config = LlamaConfig(vocab_size=len(tokenizer), max_position_embeddings=512, **size, **ids)
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return str(directory)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("local-finetune")
    export_training_data(root / "data", "Emi", history_sessions=0, validation_fraction=0.1)
    corpus = [chat[2]["content"] for chat in read_jsonl(root / "data" / "Emi" / "train.jsonl")]
    return root, build_tiny_llama(root / "base", corpus)


def test_prompt_tokens_carry_no_loss_and_long_examples_keep_their_end(setup: tuple[Path, str]) -> None:
    from transformers import AutoTokenizer

    root, base = setup
    tokenizer = AutoTokenizer.from_pretrained(base)
    chat = read_jsonl(root / "data" / "Emi" / "train.jsonl")[5]
    example = tokenize_chat(tokenizer, chat, max_length=10_000)
    answer = [t for t in example["labels"] if t != IGNORE_INDEX]
    assert tokenizer.decode(answer) == chat[2]["content"] + "<|end|>"
    prompt = example["input_ids"][: len(example["input_ids"]) - len(answer)]
    rendered = tokenizer.apply_chat_template(chat[:2], tokenize=False, add_generation_prompt=True)
    assert tokenizer.decode(prompt) == rendered  # as Inspect's hf/ provider renders the chat
    assert not example["truncated"]

    # too long: the prompt loses its start, the message keeps at most half of max_length, from its start
    short = tokenize_chat(tokenizer, chat, max_length=24)
    kept = [t for t in short["labels"] if t != IGNORE_INDEX]
    assert len(short["input_ids"]) == 24 and short["truncated"]
    assert kept == answer[: min(len(answer), 12)] and short["input_ids"][-len(kept) :] == kept
    assert short["input_ids"][: 24 - len(kept)] == prompt[-(24 - len(kept)) :]

    tokenizer.chat_template = None  # Inspect's fallback rendering: `role: content` lines
    plain = tokenize_chat(tokenizer, chat, max_length=10_000)
    prompt_length = plain["labels"].count(IGNORE_INDEX)
    assert tokenizer.decode(plain["input_ids"][:prompt_length]) == fallback_chat(chat[:2])


@pytest.mark.slow
def test_trains_merges_and_loads_through_inspects_hf_provider(
    setup: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from inspect_ai.model import GenerateConfig, get_model
    from safetensors.torch import load_file

    root, base = setup
    models_file = tmp_path / "speaker_models.json"
    argv = ["finetune", "local", "--base-model", base, "--speaker", "Emi", "--data", str(root / "data")]
    argv += ["--out", str(tmp_path / "models"), "--models-file", str(models_file), "--max-steps", "3"]
    argv += [
        "--max-length",
        "96",
        "--batch-size",
        "2",
        "--gradient-accumulation",
        "1",
        "--learning-rate",
        "0.01",
    ]
    argv += ["--device", "cpu"]
    assert main(argv) == 0
    assert "Emi: 3 steps on cpu" in capsys.readouterr().out

    directory = tmp_path / "models" / "Emi"
    assert json.loads(models_file.read_text()) == {"Emi": f"hf/{directory.resolve()}"}
    metadata = json.loads((directory / "realtalk_finetune.json").read_text())
    assert (
        metadata["steps"] == 3 and metadata["train_examples"] == 117 and metadata["validation_examples"] == 13
    )
    assert metadata["train_loss"] > 0 and metadata["validation_loss"] > 0

    # the adapter is merged into plain weights: no LoRA tensors, and the attention weights have moved
    tuned, original = load_file(directory / "model.safetensors"), load_file(Path(base) / "model.safetensors")
    assert set(tuned) == set(original) and not (directory / "adapter_config.json").exists()
    changed = [name for name in original if not (tuned[name] == original[name]).all()]
    assert any("q_proj" in name for name in changed) and not any("norm" in name for name in changed)

    model = get_model(f"hf/{directory}", device="cpu", config=GenerateConfig(max_tokens=4), memoize=False)
    output = asyncio.run(model.generate("How was your day?"))
    assert isinstance(output.completion, str) and output.usage is not None
    assert 0 < output.usage.output_tokens <= 4
