"""The import rules of docs/architecture.md: arrows go one way, no sibling imports, one import namespace."""

from __future__ import annotations

import ast
from pathlib import Path

import realtalk_evals

ROOT = Path(realtalk_evals.__file__).parent.parent
COMPONENTS = {
    "tasks": "realtalk_evals.tasks",
    "solvers": "realtalk_evals.solvers",
    "scorers": "realtalk_evals.scorers",
}


def _imports(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
    return modules


def test_the_library_never_imports_a_task_solver_or_scorer() -> None:
    for path in (ROOT / "realtalk_evals").rglob("*.py"):
        if path.name == "_registry.py":  # Inspect's entry point: registers the tasks
            continue
        for module in _imports(path):
            assert not module.startswith(tuple(COMPONENTS.values())), (
                f"{path.relative_to(ROOT)} imports {module}"
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


def test_architecture_page_names_every_folder_it_describes() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name in ("## Data flow", "## What lives where", "## Where new work goes", "## Import rules"):
        assert name in page
    for folder in ("tasks/", "solvers/", "scorers/", "realtalk_evals/ei/", "realtalk_evals/report/"):
        assert f"`{folder}" in page and (ROOT / folder).is_dir()
