"""The import rules of docs/architecture.md: the library's folders form layers that import only downwards,
components import only the library, no sibling imports, one import namespace."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import realtalk_evals
from realtalk_evals.task_names import TASK_NAMES

ROOT = Path(realtalk_evals.__file__).parent.parent
COMPONENTS = {
    "tasks": "realtalk_evals.tasks",
    "solvers": "realtalk_evals.solvers",
    "scorers": "realtalk_evals.scorers",
}

LAYERS: dict[str, int] = {
    # shared pieces every concern may use
    "inspect_private": 0,
    "user_paths": 0,
    "errors": 1,
    "prompts": 1,
    "task_names": 1,
    "paper": 1,
    "tokens": 1,
    "metrics": 1,
    "replies": 2,
    "secrets": 1,
    "gold": 1,
    "versions": 1,
    "caches": 2,
    "parameters": 2,
    # the datasets
    "data": 3,
    # asking graders, running local models
    "judging": 4,
    "local_models": 4,
    # the EI measures
    "ei": 5,
    # what one benchmark uses, and the score names (which include the EI attributes)
    "score_keys": 6,
    "memory": 6,
    "persona": 6,
    # benchmarks built on another benchmark's pieces
    "calibration": 7,
    "dataset_analysis": 7,
    "finetune": 7,
    # the only code that reads logs
    "reporting": 8,
    # entry points
    "mock_provider": 9,
    "cost_estimate": 9,
    "_registry": 10,
    "cli": 11,
}
"""Each library module or folder below `realtalk_evals/` and its layer: imports go to a lower layer only."""


def _imports(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
    return modules


def _unit(path: Path) -> str:
    """The layer unit of a library file: its folder below `realtalk_evals/`, or its module name."""
    relative = path.relative_to(ROOT / "realtalk_evals")
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _library_files() -> list[Path]:
    return [path for path in (ROOT / "realtalk_evals").rglob("*.py") if "egg-info" not in str(path)]


def test_every_library_module_and_folder_has_a_layer() -> None:
    units = {_unit(path) for path in _library_files()} - {"__init__"}
    assert units == set(LAYERS), "add the new module or folder to LAYERS and to docs/architecture.md"


def test_the_library_imports_only_downwards() -> None:
    """No back-edges: a data loader never imports the report, a shared module never imports a benchmark."""
    for path in _library_files():
        source = _unit(path)
        if source == "__init__":
            continue
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] != "realtalk_evals" or len(parts) < 2 or parts[1] == source:
                continue
            if parts[1] in COMPONENTS:
                assert source == "_registry", f"{path.relative_to(ROOT)} imports the component {module}"
                continue
            assert LAYERS[parts[1]] < LAYERS[source], (
                f"{path.relative_to(ROOT)} (layer {LAYERS[source]}) imports {module} (layer {LAYERS[parts[1]]})"
            )


def test_components_import_no_sibling_and_use_one_namespace() -> None:
    for folder, package in COMPONENTS.items():
        for path in (ROOT / folder).glob("*.py"):
            own = f"{package}.{path.stem}"
            for module in _imports(path):
                assert module.split(".")[0] not in COMPONENTS, (
                    f"{folder}/{path.name} imports top-level {module}"
                )
                if folder == "tasks":
                    assert not module.startswith(COMPONENTS["tasks"] + "."), f"{path} imports {module}"
                else:  # a solver or scorer imports only the library
                    sibling = module.startswith(tuple(COMPONENTS.values())) and module != own
                    assert not sibling, f"{folder}/{path.name} imports {module}"


@pytest.mark.parametrize("name", TASK_NAMES)
def test_no_library_folder_shadows_a_task_name(name: str) -> None:
    """`inspect eval realtalk_evals/<task>` from the repository root would load the folder
    `realtalk_evals/<task>` (an existing path wins over a registry name) and find no task in it."""
    assert not (ROOT / "realtalk_evals" / name).exists()


def test_architecture_page_names_every_folder_it_describes() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name in ("## Data flow", "## What lives where", "## Where new work goes", "## Import rules"):
        assert name in page
    folders = {_unit(path) for path in _library_files() if path.parent != ROOT / "realtalk_evals"}
    for folder in ("tasks/", "solvers/", "scorers/", *(f"realtalk_evals/{name}/" for name in folders)):
        assert f"`{folder}" in page, f"docs/architecture.md does not describe {folder}"
