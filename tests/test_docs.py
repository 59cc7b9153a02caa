"""The documentation stays true to the code: every `-T` parameter of every task is in its parameter table, no
table names a parameter the task lacks, and every relative link of the Markdown pages reaches a file and a
heading that exist."""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from realtalk_evals.task_names import TASK_NAMES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted([*ROOT.glob("*.md"), *(ROOT / "docs").glob("*.md"), *(ROOT / "benchmarks").glob("*.md")])

COMPLETE_TABLE = {
    "memory_probing": (README, ROOT / "docs" / "memory_systems.md"),
    "judge_calibration": (README,),
    "conversation_simulation": (README,),
    "persona_simulation": (ROOT / "docs" / "persona_simulation.md",),
    "ei_analysis": (ROOT / "docs" / "ei_analysis.md",),
}
"""Where each task's tables list every parameter between them (memory_probing's memory systems have theirs in
their own page); the README's tables of the other tasks list the main ones."""

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_NAME = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


@dataclass(frozen=True)
class ParameterTable:
    page: Path
    line: int
    task: str | None
    """The task named (in backticks) by the innermost heading above the table that names one."""
    names: frozenset[str]

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def task_parameters(name: str) -> set[str]:
    """The task's parameters as `-T` sees them; a `**kwargs` catch-all (which refuses unknown names) is none."""
    function = getattr(importlib.import_module(f"realtalk_evals.tasks.{name}"), name)
    variadic = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    return {p.name for p in inspect.signature(function).parameters.values() if p.kind not in variadic}


def without_code_blocks(text: str) -> str:
    """The page with fenced code blocks blanked (line numbers kept): a `# comment` there is no heading."""
    return FENCE.sub(lambda block: "\n" * block.group(0).count("\n"), text)


def parameter_tables(page: Path) -> list[ParameterTable]:
    """Every table of the page whose first column is headed `Parameter` (or `Task parameter`)."""
    lines = without_code_blocks(page.read_text(encoding="utf-8")).splitlines()
    tables: list[ParameterTable] = []
    headings: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        heading = HEADING.match(lines[index])
        if heading:
            level = len(heading.group(1))
            headings = [(lvl, text) for lvl, text in headings if lvl < level] + [(level, heading.group(2))]
        cells = [cell.strip() for cell in lines[index].strip().strip("|").split("|")]
        if lines[index].startswith("|") and cells[0].lower().endswith("parameter"):
            start = index
            index += 2  # the header and its separator
            names: set[str] = set()
            while index < len(lines) and lines[index].startswith("|"):
                names.update(CODE_NAME.findall(lines[index].strip().strip("|").split("|")[0]))
                index += 1
            tables.append(ParameterTable(page, start + 1, heading_task(headings), frozenset(names)))
            continue
        index += 1
    return tables


def heading_task(headings: list[tuple[int, str]]) -> str | None:
    for _, text in reversed(headings):
        named = [name for name in CODE_NAME.findall(text) if name in TASK_NAMES]
        if named:
            return named[0]
    return None


ALL_TABLES = [table for page in PAGES for table in parameter_tables(page)]


@pytest.mark.parametrize("task_name", TASK_NAMES)
def test_every_parameter_of_a_task_is_in_its_complete_table(task_name: str) -> None:
    homes = COMPLETE_TABLE[task_name]
    documented = set().union(*(t.names for t in ALL_TABLES if t.page in homes and t.task == task_name))
    missing = task_parameters(task_name) - documented
    assert not missing, (
        f"{homes[0].relative_to(ROOT)}: add {sorted(missing)} to the `{task_name}` parameter table"
    )


@pytest.mark.parametrize("task_name", TASK_NAMES)
def test_the_readme_has_a_parameter_table_for_every_task(task_name: str) -> None:
    assert [t for t in ALL_TABLES if t.page == README and t.task == task_name and t.names]


@pytest.mark.parametrize("table", ALL_TABLES, ids=str)
def test_no_parameter_table_names_a_parameter_the_task_lacks(table: ParameterTable) -> None:
    """A table under a task's heading lists that task's parameters; any other (the local models' settings,
    shared by two tasks) lists parameters of some task."""
    if table.task is None:
        known = set().union(*(task_parameters(name) for name in TASK_NAMES))
    else:
        known = task_parameters(table.task)
    unknown = table.names - known
    assert not unknown, f"{table}: {sorted(unknown)} is no parameter of {table.task or 'any task'}"


def test_the_tables_are_found() -> None:
    """The parser sees the tables it must check (a changed table layout would otherwise pass unchecked)."""
    homes = {(t.page, t.task) for t in ALL_TABLES}
    assert {(page, task) for task, pages in COMPLETE_TABLE.items() for page in pages} <= homes
    assert set(COMPLETE_TABLE) == set(TASK_NAMES)
    assert {"input", "memory", "top_k"} <= task_parameters("memory_probing"), (
        "the signature is read through @task"
    )


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces as `-`; a repeated
    heading gets `-1`, `-2`, ..."""
    seen: dict[str, int] = {}
    result: set[str] = set()
    for line in without_code_blocks(page.read_text(encoding="utf-8")).splitlines():
        heading = HEADING.match(line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(2).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def relative_links(page: Path) -> list[str]:
    text = without_code_blocks(page.read_text(encoding="utf-8"))
    return [link for link in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", link)]


def broken_links(page: Path) -> list[str]:
    broken = []
    for link in relative_links(page):
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no file {target}")
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            broken.append(f"{link}: no heading with anchor #{anchor} in {target.name}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_heading(page: Path) -> None:
    broken = broken_links(page)
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_link_checker_reads_anchors_as_github_does(tmp_path: Path) -> None:
    """The checker itself: known anchors, and each kind of broken link found."""
    assert "per-speaker-fine-tuning-section-612-tables-2-and-8" in anchors(ROOT / "docs" / "fidelity.md")
    assert "memory_probing" in anchors(README)
    page = tmp_path / "page.md"
    page.write_text(
        "# A `title` (here)\n\n## Twice\n\n## Twice\n\n```bash\n# not a heading\n[x](gone.md)\n```\n\n"
        "[a](#a-title-here) [b](#twice-1) [c](#not-a-heading) [d](gone.md) [e](https://example.org/x)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "#not-a-heading: no heading with anchor #not-a-heading in page.md",
        f"gone.md: no file {(tmp_path / 'gone.md').resolve()}",
    ]
