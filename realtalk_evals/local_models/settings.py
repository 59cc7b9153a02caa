"""The local models a task runs besides the model under test: the EI classifiers and BERTScore's encoder.

`LocalModels` is the one settings object the tasks, the scorers and the CLI share. Each model is chosen in one
order: the task parameter (`-T sentiment_model=...`), else its environment variable
(`REALTALK_SENTIMENT_MODEL`), else the paper's default (`LOCAL_MODEL_CHOICES` lists all five).

`check()` runs when a task is built, before any sample: a model that is neither a local directory, nor in the
Hugging Face cache, nor on a reachable Hub stops the run with one message naming the model, its parameter and
variable, and how to prepare the models ahead (`realtalk models download`). `check_local_models` does the same
for any other local model: the dense retriever's embedding model, which `suite_needs` adds to the classifiers
and BERTScore's model for `realtalk models download|check` (every model the suite loads by default).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from realtalk_evals.errors import InputError
from realtalk_evals.parameters import model_location, optional_whole_number, written_as_path
from realtalk_evals.user_paths import user_path

ClassifierKind = Literal["sentiment", "emotion", "intimacy"]
CLASSIFIER_KINDS: tuple[ClassifierKind, ...] = get_args(ClassifierKind)

DEFAULT_MODELS: dict[ClassifierKind, str] = {
    "sentiment": "cardiffnlp/twitter-roberta-base-sentiment-latest",
    "emotion": "cardiffnlp/twitter-roberta-large-emotion-latest",
    "intimacy": "cardiffnlp/twitter-roberta-large-intimacy-latest",
}
"""The paper's classifiers (Hugging Face ids)."""

BATCH_SIZE_ENV = "REALTALK_CLASSIFIER_BATCH"
"""Largest batch of texts per forward pass (default DEFAULT_BATCH_SIZE)."""

DEFAULT_BATCH_SIZE = 32


def classifier_batch_size() -> int:
    """The largest batch per forward pass: $REALTALK_CLASSIFIER_BATCH, else DEFAULT_BATCH_SIZE."""
    batch_size = int(os.environ.get(BATCH_SIZE_ENV) or DEFAULT_BATCH_SIZE)
    if batch_size < 1:
        raise ValueError(f"{BATCH_SIZE_ENV} must be a positive integer, got {batch_size}")
    return batch_size


@dataclass(frozen=True)
class ClassifierSettings:
    """Which model measures each attribute; `realtalk_evals.local_models.settings.LocalModels` chooses them."""

    sentiment: str = DEFAULT_MODELS["sentiment"]
    emotion: str = DEFAULT_MODELS["emotion"]
    intimacy: str = DEFAULT_MODELS["intimacy"]
    batch_size: int = DEFAULT_BATCH_SIZE

    def model(self, kind: ClassifierKind) -> str:
        return str(getattr(self, kind))


BERTSCORE_DEFAULT = "roberta-large"
"""bert-score's English model (its `lang2model["en"]`, layer 17): what `bertscore_model=None` loads."""

HUB_TIMEOUT_S = 10.0
"""How long the check waits for the Hugging Face Hub when a model is not in the local cache."""

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
"""The dense retriever's encoder (`memory_probing -T memory=dense|hybrid`): small (22M parameters, 384
dimensions, about 90 MB), English, fast on a CPU, and the most used baseline encoder of sentence-transformers and
of memory-benchmark harnesses (see docs/memory_systems.md)."""


def prepare_hint(needs: Iterable[ModelNeed]) -> str:
    """How to make the models loadable offline; each way it names exists (`realtalk models download` fetches
    every default model, `hf` is huggingface_hub's command, each parameter and variable is read)."""
    choices = " or ".join(dict.fromkeys(need.chosen() for need in needs)) or "the model's parameter"
    return (
        "Prepare the models ahead on a machine with internet: `realtalk models download` (or `hf download "
        "MODEL_ID` for each), then copy the Hugging Face cache (~/.cache/huggingface, or $HF_HOME) here; or "
        f"point {choices} at a local model directory."
    )


@dataclass(frozen=True)
class LocalModelChoice:
    """How one local model is chosen: its `LocalModels` field, task parameter, environment variable, default."""

    field: str
    parameter: str
    env: str
    default: str | None
    what: str


LOCAL_MODEL_CHOICES: tuple[LocalModelChoice, ...] = (
    LocalModelChoice(
        "sentiment", "sentiment_model", "REALTALK_SENTIMENT_MODEL", DEFAULT_MODELS["sentiment"], "sentiment"
    ),
    LocalModelChoice(
        "emotion", "emotion_model", "REALTALK_EMOTION_MODEL", DEFAULT_MODELS["emotion"], "emotion"
    ),
    LocalModelChoice(
        "intimacy", "intimacy_model", "REALTALK_INTIMACY_MODEL", DEFAULT_MODELS["intimacy"], "intimacy"
    ),
    LocalModelChoice("bertscore_model", "bertscore_model", "REALTALK_BERTSCORE_MODEL", None, "BERTScore"),
    LocalModelChoice("bertscore_layers", "bertscore_layers", "REALTALK_BERTSCORE_LAYERS", None, "BERTScore"),
)
"""The five choices, in the order task parameter > environment variable > default."""

CHOICE = {choice.field: choice for choice in LOCAL_MODEL_CHOICES}


class LocalModelError(InputError):
    """A local model cannot be loaded: missing, misspelled, or not cached while the Hub is unreachable."""


class LocalModels(BaseModel):
    """The classifiers' and BERTScore's models (a Hugging Face id or a local directory each).

    `bertscore_model=None` is bert-score's English default; `bertscore_layers=None` its layer for that model
    (a model bert-score does not know needs a layer).
    """

    model_config = ConfigDict(frozen=True)

    sentiment: str = DEFAULT_MODELS["sentiment"]
    emotion: str = DEFAULT_MODELS["emotion"]
    intimacy: str = DEFAULT_MODELS["intimacy"]
    bertscore_model: str | None = None
    bertscore_layers: int | None = None

    @classmethod
    def resolve(
        cls,
        sentiment_model: object = None,
        emotion_model: object = None,
        intimacy_model: object = None,
        bertscore_model: object = None,
        bertscore_layers: object = None,
    ) -> LocalModels:
        """The settings from task parameters, else environment variables, else defaults; bad values raise."""
        given = {
            "sentiment": sentiment_model,
            "emotion": emotion_model,
            "intimacy": intimacy_model,
            "bertscore_model": bertscore_model,
            "bertscore_layers": bertscore_layers,
        }
        values: dict[str, Any] = {}
        for field, value in given.items():
            choice = CHOICE[field]
            if value is None:
                name, value = f"${choice.env}", os.environ.get(choice.env) or None
            else:
                name = choice.parameter
            if field == "bertscore_layers":
                parsed: int | str | None = optional_whole_number(name, value)
            else:
                parsed = None if value is None else model_location(name, value)
            if parsed is not None:
                values[field] = parsed
        return cls(**values)

    @classmethod
    def of(cls, value: LocalModels | Mapping[str, Any] | None) -> LocalModels:
        """A scorer's `models` argument: the object, its logged dict (`inspect score`), or None (resolved)."""
        if value is None:
            return cls.resolve()
        return value if isinstance(value, LocalModels) else cls.model_validate(dict(value))

    @property
    def classifiers(self) -> ClassifierSettings:
        """The classifier part, as the EI library takes it."""
        return ClassifierSettings(
            sentiment=self.sentiment,
            emotion=self.emotion,
            intimacy=self.intimacy,
            batch_size=classifier_batch_size(),
        )

    def needs(self, classifiers: bool = True, bertscore: bool = True) -> list[ModelNeed]:
        """The models a task with these scorers loads."""
        needed = [
            ModelNeed(
                getattr(self, kind),
                f"{CHOICE[kind].what} classifier",
                CHOICE[kind].parameter,
                CHOICE[kind].env,
            )
            for kind in ("sentiment", "emotion", "intimacy")
            if classifiers
        ]
        if bertscore:
            choice = CHOICE["bertscore_model"]
            needed.append(
                ModelNeed(
                    self.bertscore_model or BERTSCORE_DEFAULT, "BERTScore model", choice.parameter, choice.env
                )
            )
        return needed

    def check(self, classifiers: bool = True, bertscore: bool = True) -> None:
        """Raise LocalModelError (one message for all) unless every model the task loads can be loaded, and
        InputError when BERTScore's layer is out of the model's range (bert-score would silently use the last)."""
        check_local_models(self.needs(classifiers, bertscore))
        problem = bertscore_layer_problem(self) if bertscore else None
        if problem:
            raise InputError(problem)


@dataclass(frozen=True)
class ModelNeed:
    """A local model a task loads, and how the user chose it (for the error message)."""

    model: str
    what: str
    parameter: str
    env: str | None = None

    def chosen(self) -> str:
        """How the user chooses the model: its task parameter, and its variable when it has one."""
        return f"-T {self.parameter}" + (f" or ${self.env}" if self.env else "")

    def named(self) -> str:
        return f"{self.what} {self.model!r} (chosen by {self.chosen()})"


def embedding_need(model: str = DEFAULT_EMBEDDING_MODEL) -> ModelNeed:
    """The dense retriever's encoder, chosen by `-T embedding_model` only (no environment variable)."""
    return ModelNeed(model, "embedding model (memory=dense|hybrid)", "embedding_model")


def suite_needs(models: LocalModels) -> list[ModelNeed]:
    """Every local model the suite loads by default: the classifiers, BERTScore's model, the embedding model."""
    return [*models.needs(), embedding_need()]


def _hub_problem(model: str) -> str | None:
    """None when `model` is in the local Hugging Face cache or on the reachable Hub; else what is wrong."""
    from huggingface_hub import HfApi, try_to_load_from_cache
    from huggingface_hub.errors import GatedRepoError, HFValidationError, RepositoryNotFoundError

    try:
        cached = try_to_load_from_cache(model, "config.json")
    except HFValidationError:
        return "is neither an existing local directory nor a valid Hugging Face model id"
    if isinstance(cached, str):
        return None
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return "is not in the local Hugging Face cache and HF_HUB_OFFLINE is set"
    try:
        HfApi().model_info(model, timeout=HUB_TIMEOUT_S)
    except GatedRepoError:
        return "is gated on the Hugging Face Hub: accept its terms and log in (`hf auth login`)"
    except RepositoryNotFoundError:
        return "does not exist on the Hugging Face Hub (a typo?)"
    except Exception as error:  # noqa: BLE001 - any failure to reach the Hub means the same to the user
        reason = str(error).splitlines()[0][:160] if str(error) else ""
        return (
            "is not in the local Hugging Face cache and the Hub cannot be reached "
            f"({type(error).__name__}: {reason})"
        )
    return None


def model_problem(model: str) -> str | None:
    """None when `model` (a local directory or a Hub id) can be loaded; else what is wrong, one phrase."""
    path = user_path(model)
    if path.exists():
        if not path.is_dir():
            return "is a file, not a model directory"
        if not (path / "config.json").is_file():
            return "is a directory without a config.json (not a saved transformers model)"
        return None
    if written_as_path(model):
        return f"is not an existing local directory ({path} does not exist)"
    return _hub_problem(model)


def check_local_models(needs: Iterable[ModelNeed]) -> None:
    """Raise one LocalModelError naming every model that cannot be loaded, and how to prepare them."""
    needs = list(needs)
    seen: dict[str, str | None] = {}
    lines = []
    for need in needs:
        if need.model not in seen:
            seen[need.model] = model_problem(need.model)
        if seen[need.model] is not None:
            lines.append(f"- {need.named()} {seen[need.model]}")
    if lines:
        raise LocalModelError(
            "local models cannot be loaded:\n" + "\n".join(lines) + f"\n{prepare_hint(needs)}"
        )


def bertscore_layer_problem(models: LocalModels) -> str | None:
    """Why BERTScore cannot use its layer setting (out of the model's range, or unknown), else None."""
    layers = models.bertscore_layers
    model = models.bertscore_model or BERTSCORE_DEFAULT
    hidden = _hidden_layers(model)
    if layers is not None and hidden is not None and layers > hidden:
        return f"bertscore_layers={layers} is out of range: {model} has {hidden} layers (choose 1-{hidden})"
    if layers is None and models.bertscore_model is not None:
        from bert_score.utils import model2layers  # type: ignore[import-untyped]

        if model not in model2layers:
            return f"bert-score does not know {model}: give its layer with -T bertscore_layers (1-{hidden or 'N'})"
    return None


def _hidden_layers(model: str) -> int | None:
    """The model's number of layers from its config.json (local or cached), or None when unknown."""
    path = user_path(model) / "config.json"
    if not path.is_file():
        from huggingface_hub import try_to_load_from_cache
        from huggingface_hub.errors import HFValidationError

        try:
            cached = try_to_load_from_cache(model, "config.json")
        except HFValidationError:
            return None
        if not isinstance(cached, str):
            return None
        path = Path(cached)
    config = json.loads(path.read_text(encoding="utf-8"))
    for key in ("num_hidden_layers", "n_layer", "num_layers"):
        if isinstance(config.get(key), int):
            return int(config[key])
    return None


Downloader = Callable[[str], Path]
"""Downloads one Hub model into the local Hugging Face cache and returns its directory."""


def hub_snapshot(model: str) -> Path:
    """The files transformers loads (configs, tokenizer, PyTorch weights), into the Hugging Face cache."""
    from huggingface_hub import HfApi, snapshot_download

    files = HfApi().list_repo_files(model)
    weights = "*.safetensors" if any(name.endswith(".safetensors") for name in files) else "*.bin"
    patterns = ["*.json", "*.txt", "*.model", "vocab*", "merges*", weights]
    return Path(snapshot_download(model, allow_patterns=patterns))


def download_local_models(
    needs: Iterable[ModelNeed], download: Downloader | None = None
) -> list[tuple[ModelNeed, Path | None]]:
    """Download every Hub model of `needs` (local directories are left alone: their path is None)."""
    download = download or hub_snapshot
    done = []
    for need in needs:
        local = user_path(need.model).exists() or written_as_path(need.model)
        done.append((need, None if local else download(need.model)))
    return done
