"""Each task's evals/<task>/eval.yaml: valid in the Inspect Evals registry's format, and true to the task.

The format is the one Inspect Evals reads (`eval.yaml` beside an eval, or under `register/<name>/` for an eval
hosted in its authors' repository): title, description, arXiv URL, group, contributors, a version `N-X`, the
tasks with their sample counts, and the external assets with how they are pinned. The test checks the types
and required fields, that every registered task has one, that its version is the task's `TASK_VERSION` (what
the log records), and that `dataset_samples` is what the task builds with its defaults.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from realtalk_evals.data.files import UPSTREAM_COMMIT
from realtalk_evals.task_names import TASK_NAMES
from realtalk_evals.versions import METADATA_KEY, PATTERN, TaskVersion

ROOT = Path(__file__).resolve().parent.parent
PAPER = "https://arxiv.org/abs/2502.13270"

Group = Literal[
    "Assistants",
    "Bias",
    "Coding",
    "Cybersecurity",
    "Knowledge",
    "Mathematics",
    "Multimodal",
    "Personality",
    "Reasoning",
    "Safeguards",
    "Scheming",
    "Writing",
]
"""The registry's groups."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TaskEntry(Strict):
    name: str = Field(min_length=1)
    dataset_samples: int = Field(gt=0, strict=True)


class ExternalAsset(Strict):
    type: Literal["huggingface", "direct_url", "git_clone", "git_dependency"]
    source: str = Field(min_length=1)
    fetch_method: str = Field(min_length=1)
    state: Literal["pinned", "floating", "controlled"]
    comment: str | None = None


class EvalYaml(Strict):
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    arxiv: HttpUrl | None = None
    group: Group
    contributors: list[str] = Field(min_length=1)
    version: str = Field(pattern=PATTERN.pattern)
    tasks: list[TaskEntry] = Field(min_length=1)
    tags: list[str] | None = None
    metadata: dict[str, object] | None = None
    external_assets: list[ExternalAsset] = Field(default_factory=list)


def eval_yaml(task: str) -> EvalYaml:
    return EvalYaml.model_validate(yaml.safe_load((ROOT / "evals" / task / "eval.yaml").read_text()))


@pytest.mark.parametrize("task", TASK_NAMES)
def test_eval_yaml_is_valid_and_names_its_task(task: str) -> None:
    entry = eval_yaml(task)
    assert [t.name for t in entry.tasks] == [task]
    assert str(entry.arxiv) == PAPER
    assert all(isinstance(name, str) and name.strip() for name in entry.contributors)


@pytest.mark.parametrize("task", TASK_NAMES)
def test_the_version_is_the_tasks_and_the_data_is_pinned(task: str) -> None:
    entry = eval_yaml(task)
    module = importlib.import_module(f"realtalk_evals.tasks.{task}")
    assert str(module.TASK_VERSION) == entry.version, (
        f"bump evals/{task}/eval.yaml and {task}'s TASK_VERSION together"
    )
    data = [asset for asset in entry.external_assets if "danny911kr/REALTALK" in asset.source]
    assert data and all(a.state == "pinned" and UPSTREAM_COMMIT in a.source for a in data)
    assert all(a.state == "floating" for a in entry.external_assets if a not in data), (
        "a pinned asset names no pin"
    )


def test_the_validator_refuses_what_the_format_forbids() -> None:
    good = yaml.safe_load((ROOT / "evals" / "memory_probing" / "eval.yaml").read_text())
    for broken in (
        {**good, "version": "2.1.0"},
        {**good, "group": "Memory"},
        {**good, "tasks": [{"name": "memory_probing", "dataset_samples": "728"}]},
        {**good, "tasks": []},
        {key: value for key, value in good.items() if key != "title"},
        {**good, "contributors": "realtalk-dev"},
        {**good, "unknown_field": 1},
    ):
        with pytest.raises(ValidationError):
            EvalYaml.model_validate(broken)


def test_task_version_parts() -> None:
    version = TaskVersion("12-AB")
    assert (version.comparability, version.interface, version.metadata) == (12, "AB", {METADATA_KEY: "12-AB"})
    for bad in ("2.1.0", "2-b", "B-2", "2"):
        with pytest.raises(ValueError):
            TaskVersion(bad)


@pytest.mark.parametrize("task", TASK_NAMES)
def test_dataset_samples_are_what_the_task_builds_by_default(task: str, tiny_model_env: object) -> None:
    """The local-model settings point at tiny models: building persona_simulation and ei_analysis checks them."""
    module = importlib.import_module(f"realtalk_evals.tasks.{task}")
    built = getattr(module, task)()
    entry = eval_yaml(task)
    assert len(built.dataset) == entry.tasks[0].dataset_samples
    assert built.version == module.TASK_VERSION.comparability
    assert built.metadata[METADATA_KEY] == entry.version
