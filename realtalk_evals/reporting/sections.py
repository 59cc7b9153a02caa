"""The one shape every section of `realtalk report` and `realtalk analysis` returns, and the cell formats.

A section holds plain data, never a rendering: its title, notes, tables (display cells, the CSV's raw values,
and per row the log files and sample ids it came from) and figures (a file name and a function that draws
it). Two writers render them: reporting/writer.py (Markdown, CSV and PNG files) and reporting/site.py (an HTML
site whose rows and per-category cells link to their samples in Inspect's bundled log viewer).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Source:
    """The samples of one log that a row was computed from."""

    log: str
    """The log file's location, as Inspect's log API gives it."""
    samples: tuple[str, ...] = ()
    """`id:epoch` of every sample used, in log order (empty: the row uses the log as a whole)."""


@dataclass
class Row:
    """One table row: what the tables show, what the CSV file holds, and where it came from."""

    cells: list[str]
    """Display text, one per column, unescaped (the writer escapes for Markdown, an HTML writer for HTML)."""
    values: Sequence[object] | None = None
    """The CSV file's values, one per CSV column (raw numbers); None: the CSV holds `cells`."""
    sources: list[Source] = field(default_factory=list)
    """The logs and samples behind the row; empty for reference rows (the paper's numbers)."""
    cell_sources: dict[int, list[Source]] = field(default_factory=dict)
    """Column index -> the samples behind that cell alone, for a cell computed from part of the row's samples
    (a per-category number); the HTML site links such a cell to its own samples."""
    reference: bool = False
    """A row not measured from logs (the paper's printed numbers): shown, never written to the CSV."""


@dataclass
class Table:
    """A table of a section; written to `csv` (when named) with a `logs` column of the rows' sources."""

    columns: list[str]
    rows: list[Row]
    csv: str | None = None
    """The CSV file name, `memory_probing.csv`; None: no CSV file."""
    csv_columns: list[str] | None = None
    """The CSV's header when its values differ from the cells; None: the CSV repeats `columns`."""
    title: str | None = None
    """A sub-heading above the table."""
    shown: bool = True
    """False: a CSV-only table (per-speaker details of a comparison), not in the Markdown."""


@dataclass
class Figure:
    """A PNG file of a section: the writer calls `draw` with the path and shows the image under its table."""

    file: str
    alt: str
    draw: Callable[[Path], object]


@dataclass
class Section:
    """A titled part of a report: notes (short Markdown paragraphs) above its tables and figures."""

    title: str
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def sources_of(pairs: Iterable[tuple[str, str]]) -> list[Source]:
    """The sources of (log, `id:epoch`) pairs: one per log, in order of first appearance."""
    by_log: dict[str, list[str]] = {}
    for log, sample in pairs:
        by_log.setdefault(log, []).append(sample)
    return [Source(log, tuple(ids)) for log, ids in by_log.items()]


def number_cell(value: float | None, digits: int = 3) -> str:
    """A number for a table; `-` for a missing one (None or NaN)."""
    return "-" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def mean_std_cell(mean: float, std: float) -> str:
    """`mean ± std` as table 2 prints it (two digits); `-` when there is no mean."""
    return "-" if math.isnan(mean) else f"{mean:.2f} ± {std:.2f}"


def cost_cell(cost: float | None) -> str:
    return "unknown price" if cost is None else f"{cost:.4f}"


def plain_rows(rows: Sequence[Sequence[str]]) -> list[Row]:
    """Rows whose CSV values are their cells and that name no source."""
    return [Row(list(cells)) for cells in rows]
