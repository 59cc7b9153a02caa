"""The one writer of sections: Markdown (returned for printing and written), CSV files and PNG figures."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from realtalk_evals.reporting.sections import Section, Table


@dataclass
class Report:
    """What a report command wrote: its Markdown (also printed) and every file, the Markdown file first."""

    markdown: str
    files: list[Path]
    error: str | None = None
    """Why the command exits non-zero although it wrote the report (no usable run was left)."""


def markdown_cell(text: str) -> str:
    """A cell's text made safe inside a Markdown table row: pipes escaped, line breaks as `<br>`."""
    text = text.replace("|", "\\|")
    return "<br>".join(line.strip() for line in text.replace("\r\n", "\n").split("\n"))


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(markdown_cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _table_markdown(table: Table) -> str:
    text = markdown_table(table.columns, [row.cells for row in table.rows])
    return f"### {table.title}\n\n{text}" if table.title else text


def section_markdown(section: Section) -> str:
    parts = [f"## {section.title}", *section.notes]
    parts += [_table_markdown(table) for table in section.tables if table.shown]
    parts += [f"![{figure.alt}]({figure.file})" for figure in section.figures]
    return "\n\n".join(parts)


def render_markdown(title: str, sections: Sequence[Section]) -> str:
    return "\n\n".join([f"# {title}", *(section_markdown(section) for section in sections)]) + "\n"


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _write_table_csv(table: Table, out: Path) -> Path:
    """The table's measured rows (not the reference rows) with their values; a `logs` column names where each
    came from when any row has sources."""
    assert table.csv is not None
    rows = [row for row in table.rows if not row.reference]
    header = list(table.csv_columns or table.columns)
    linked = any(row.sources for row in rows)
    values = []
    for row in rows:
        line = list(row.values if row.values is not None else row.cells)
        if len(line) != len(header):
            raise ValueError(f"{table.csv}: a row has {len(line)} values for {len(header)} columns")
        values.append(line + ([" ".join(source.log for source in row.sources)] if linked else []))
    return write_csv(out / table.csv, header + (["logs"] if linked else []), values)


def write_report(title: str, sections: Sequence[Section], out: Path, name: str) -> Report:
    """Write `name` (Markdown), every table's CSV and every figure into `out`; return the Markdown and files."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for section in sections:
        files += [_write_table_csv(table, out) for table in section.tables if table.csv]
        for figure in section.figures:
            figure.draw(out / figure.file)
            files.append(out / figure.file)
    markdown = render_markdown(title, sections)
    path = out / name
    path.write_text(markdown, encoding="utf-8")
    return Report(markdown=markdown, files=[path, *files])
