"""Fine-tuning data for persona simulation: each speaker's messages of their train conversation C_a (table 8).

An example is exactly what the persona solver sends for a message, with the real message as the answer:
D.1's system message, D.1's user message (the history, then `Name:`) and the message as the assistant turn.
The examples come from the task's own sample builder (`persona_dataset(..., split_name="train")`), so the
prompts are the evaluation's prompts by construction, with the same `history_sessions`.

Written per speaker under the output directory:

    <out>/<Speaker>/train.jsonl, validation.jsonl   OpenAI chat fine-tuning format: {"messages": [...]}
    <out>/<Speaker>/dataset/                        Hugging Face `datasets` DatasetDict (save_to_disk)
    <out>/manifest.json                             speakers, conversations, counts, settings
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from inspect_ai.dataset import Sample

from realtalk_evals.data.files import UPSTREAM_COMMIT
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.data.records import Conversation
from realtalk_evals.errors import InputError
from realtalk_evals.parameters import Selection
from realtalk_evals.persona.samples import PersonaSplit, persona_dataset, persona_messages, select_speakers

TRAIN_FILE = "train.jsonl"
VALIDATION_FILE = "validation.jsonl"
HF_DATASET_DIR = "dataset"
MANIFEST_FILE = "manifest.json"
INSTALL_HINT = 'install the fine-tuning extra: pip install torch==2.13.0 -e ".[finetune]"'


@dataclass(frozen=True)
class TrainingExample:
    """One merged message of the speaker in C_a, as a chat: system, user, and the real message."""

    id: str
    speaker: str
    conversation_id: str
    message_index: int
    messages: list[dict[str, str]]


@dataclass(frozen=True)
class SpeakerExport:
    """What was written for one speaker."""

    speaker: str
    train_conversation: str
    test_conversation: str
    history_sessions: int | str
    train_examples: int
    validation_examples: int
    directory: str


def example_from_sample(sample: Sample) -> TrainingExample:
    """The chat the persona solver builds for `sample` (`persona_messages`), plus the answer."""
    metadata = sample.metadata or {}
    prompt = persona_messages(metadata["speaker_name"], str(sample.input))
    return TrainingExample(
        id=str(sample.id),
        speaker=metadata["speaker"],
        conversation_id=metadata["conversation_id"],
        message_index=metadata["message_index"],
        messages=[
            *({"role": message.role, "content": message.text} for message in prompt),
            {"role": "assistant", "content": str(sample.target)},
        ],
    )


def training_examples(
    split: PersonaSplit, conversations: Sequence[Conversation], history_sessions: int | None
) -> list[TrainingExample]:
    """Every training example of one speaker: one per merged message of theirs in C_a, in order."""
    dataset = persona_dataset(conversations, [split], "train", history_sessions)
    return [example_from_sample(sample) for sample in dataset]


def split_validation(
    examples: list[TrainingExample], fraction: float
) -> tuple[list[TrainingExample], list[TrainingExample]]:
    """Hold out the conversation's last `fraction` of examples (at least one when fraction > 0).

    The tail, not a random draw: each prompt holds the messages before it, so a random validation example
    would sit between training examples that contain it.
    """
    if not 0.0 <= fraction < 1.0:
        raise InputError(f"validation fraction must be in [0, 1), got {fraction}")
    if fraction == 0.0:
        return examples, []
    held_out = max(1, math.ceil(len(examples) * fraction))
    if held_out >= len(examples):
        raise InputError(f"validation fraction {fraction} leaves no training example of {len(examples)}")
    return examples[:-held_out], examples[-held_out:]


def write_jsonl(path: Path, examples: Iterable[TrainingExample]) -> int:
    """OpenAI's chat fine-tuning format: one `{"messages": [...]}` object a line, nothing else."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps({"messages": example.messages}, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_jsonl(path: Path) -> list[list[dict[str, str]]]:
    """The chats of a JSONL file written by `write_jsonl`."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["messages"] for line in handle if line.strip()]


def write_hf_dataset(directory: Path, parts: dict[str, list[TrainingExample]]) -> None:
    """A `datasets.DatasetDict` (`train`, and `validation` when held out), with the examples' ids and metadata."""
    try:
        import datasets  # type: ignore[import-untyped]
    except ImportError as error:
        raise InputError(f"the Hugging Face dataset export needs `datasets`: {INSTALL_HINT}") from error

    quiet = not datasets.are_progress_bars_disabled()
    if quiet:
        datasets.disable_progress_bars()  # a bar per split and speaker says nothing here
    try:
        datasets.DatasetDict(
            {
                name: datasets.Dataset.from_list([asdict(e) for e in examples])
                for name, examples in parts.items()
                if examples
            }
        ).save_to_disk(str(directory))
    finally:
        if quiet:
            datasets.enable_progress_bars()


def speaker_directory(out: str | Path, speaker: str) -> Path:
    return Path(out) / speaker


def export_speaker(
    out: Path,
    split: PersonaSplit,
    conversations: Sequence[Conversation],
    history_sessions: int | None,
    validation_fraction: float = 0.0,
    hf_dataset: bool = True,
) -> SpeakerExport:
    """Write one speaker's JSONL files (and Hugging Face dataset) under `out/<speaker>/`."""
    train, validation = split_validation(
        training_examples(split, conversations, history_sessions), validation_fraction
    )
    directory = speaker_directory(out, split.speaker)
    directory.mkdir(parents=True, exist_ok=True)
    write_jsonl(directory / TRAIN_FILE, train)
    (directory / VALIDATION_FILE).unlink(missing_ok=True)
    if validation:
        write_jsonl(directory / VALIDATION_FILE, validation)
    if hf_dataset:
        write_hf_dataset(directory / HF_DATASET_DIR, {"train": train, "validation": validation})
    return SpeakerExport(
        speaker=split.speaker,
        train_conversation=split.train,
        test_conversation=split.test,
        history_sessions="all" if history_sessions is None else history_sessions,
        train_examples=len(train),
        validation_examples=len(validation),
        directory=str(directory),
    )


def export_training_data(
    out: str | Path,
    speakers: Selection = None,
    history_sessions: int | None = 3,
    validation_fraction: float = 0.0,
    hf_dataset: bool = True,
    conversations: Sequence[Conversation] | None = None,
) -> list[SpeakerExport]:
    """Export the chosen speakers (all when None); the manifest keeps earlier exports of other speakers."""
    out = Path(out)
    splits = select_speakers(speakers)
    conversations = conversations if conversations is not None else load_conversations()
    exports = [
        export_speaker(out, split, conversations, history_sessions, validation_fraction, hf_dataset)
        for split in splits
    ]
    manifest_path = out / MANIFEST_FILE
    manifest: dict[str, Any] = {"dataset_commit": UPSTREAM_COMMIT, "speakers": {}}
    if manifest_path.exists():
        manifest["speakers"] = json.loads(manifest_path.read_text(encoding="utf-8")).get("speakers", {})
    for export in exports:
        manifest["speakers"][export.speaker] = {
            **asdict(export),
            "directory": export.speaker,
            "validation_fraction": validation_fraction,
        }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return exports


def exported_files(data: str | Path, speaker: str) -> tuple[Path, Path | None]:
    """A speaker's exported train file and validation file (None when none was held out)."""
    directory = speaker_directory(data, speaker)
    train = directory / TRAIN_FILE
    if not train.is_file():
        raise InputError(
            f"no training data for {speaker} in {data}: run `realtalk finetune export --speaker {speaker} "
            f"--out {data}` first"
        )
    validation = directory / VALIDATION_FILE
    return train, validation if validation.is_file() else None
