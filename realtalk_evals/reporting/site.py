"""The second writer of sections: a static HTML site whose numbers open the transcripts behind them.

It renders the same `Section`s as the Markdown writer (reporting/writer.py), whatever section they are:
cells escaped, the paper's reference rows styled apart, notes read as Markdown, the figures as images, each
table's CSV file linked. Each row with `sources` links to its samples in Inspect's log viewer, bundled
beside the site (reporting/viewer.py): straight to the transcript when the row is one sample, else to a
page listing every sample of the row, log by log. A cell with its own `cell_sources` (a per-category
number) links to its own samples the same way. Plain HTML and CSS (Jinja2 templates), no JavaScript; the
site opens from disk and from any static host.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from realtalk_evals.reporting.sections import Row, Section, Source, Table
from realtalk_evals.reporting.viewer import Viewer, bundle_viewer

INDEX = "index.html"
SAMPLES_DIRECTORY = "samples"
STYLESHEET = "site.css"
TEMPLATES = Path(__file__).parent / "templates"
"""The page templates (Jinja2, autoescaped) and the stylesheet, installed with the package."""

_markdown = MarkdownIt("commonmark", {"html": False})
"""Notes are Markdown written by the suite; raw HTML in them is shown as text, never rendered."""


def note_html(note: str) -> Markup:
    return Markup(_markdown.render(note))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def sample_count(sources: Sequence[Source]) -> int:
    return sum(len(source.samples) for source in sources)


@dataclass
class Link:
    href: str
    text: str


@dataclass
class SamplesPage:
    """A page listing the samples behind a row or a cell, each linked to its transcript."""

    file: str
    title: str
    context: str
    sources: list[Source]


@dataclass
class CellView:
    text: str
    link: Link | None = None


@dataclass
class RowView:
    cells: list[CellView]
    reference: bool
    link: Link | None


@dataclass
class TableView:
    title: str | None
    columns: list[str]
    rows: list[RowView]
    csv: str | None
    linked: bool
    """Whether any row has samples: the table then ends with a `samples` column."""


@dataclass
class SectionView:
    id: str
    title: str
    notes: list[Markup]
    tables: list[TableView]
    figures: list[tuple[str, str]]
    files: list[str] = field(default_factory=list)
    """CSV files of the section's tables not shown (CSV-only details)."""


class SiteBuilder:
    """Turns sections into the views the templates render, collecting the sample pages they link to."""

    def __init__(self, viewer: Viewer | None) -> None:
        self.viewer = viewer
        self.pages: list[SamplesPage] = []

    def link(self, sources: Sequence[Source], key: str, title: str, context: str) -> Link | None:
        """Where a row's or a cell's samples open: the transcript of a single sample, the log of a
        whole-log source, or a page listing them all."""
        if self.viewer is None or not sources:
            return None
        count = sample_count(sources)
        if len(sources) == 1 and count <= 1:
            source = sources[0]
            if count == 1:
                return Link(self.viewer.sample_url(source.log, source.samples[0]), "transcript")
            return Link(self.viewer.log_url(source.log), "log")
        page = SamplesPage(f"{SAMPLES_DIRECTORY}/{key}.html", title, context, list(sources))
        self.pages.append(page)
        text = f"{count} samples" if count else f"{len(sources)} logs"
        return Link(page.file, text)

    def row(self, row: Row, table: Table, key: str, section: Section) -> RowView:
        label = " · ".join(cell for cell in row.cells[:3] if cell.strip() and cell != "-")
        cells = []
        for index, text in enumerate(row.cells):
            sources = row.cell_sources.get(index, [])
            context = f"{label}: {table.columns[index]}" if index < len(table.columns) else label
            cells.append(CellView(text, self.link(sources, f"{key}-c{index}", section.title, context)))
        return RowView(cells, row.reference, self.link(row.sources, key, section.title, label))

    def table(self, table: Table, key: str, section: Section) -> TableView:
        rows = [self.row(row, table, f"{key}-r{index}", section) for index, row in enumerate(table.rows)]
        linked = any(row.link for row in rows)
        return TableView(table.title, list(table.columns), rows, table.csv, linked)

    def section(self, section: Section, section_id: str) -> SectionView:
        tables = [
            self.table(table, f"{section_id}-t{index}", section)
            for index, table in enumerate(section.tables)
            if table.shown
        ]
        hidden = [table.csv for table in section.tables if not table.shown and table.csv]
        return SectionView(
            section_id,
            section.title,
            [note_html(note) for note in section.notes],
            tables,
            [(figure.file, figure.alt) for figure in section.figures],
            hidden,
        )


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def section_ids(sections: Sequence[Section]) -> list[str]:
    """A distinct anchor per section, from its title."""
    ids: list[str] = []
    for section in sections:
        base = slug(section.title)
        name, counter = base, 1
        while name in ids:
            counter += 1
            name = f"{base}-{counter}"
        ids.append(name)
    return ids


def logs_of(sections: Sequence[Section]) -> list[str]:
    """Every log a row or cell of the sections names, in order of first appearance."""
    logs: dict[str, None] = {}
    for section in sections:
        for table in section.tables:
            for row in table.rows:
                for source in [*row.sources, *(s for cell in row.cell_sources.values() for s in cell)]:
                    logs.setdefault(source.log)
    return list(logs)


def _sample_groups(page: SamplesPage, viewer: Viewer) -> list[tuple[Link, list[Link]]]:
    """Per log of the page: a link to the log, and one to each of its samples (paths from samples/)."""
    return [
        (
            Link(f"../{viewer.log_url(source.log)}", viewer.files[source.log]),
            [Link(f"../{viewer.sample_url(source.log, sample)}", sample) for sample in source.samples],
        )
        for source in page.sources
    ]


def write_site(title: str, sections: Sequence[Section], site: Path, files: Sequence[Path]) -> list[Path]:
    """Write the site into `site`: index.html, the stylesheet, a page per multi-sample row or cell, the CSV
    and PNG `files` the Markdown writer wrote (copied), and the viewer bundle of every log the sections name.
    Returns the files written, index.html first."""
    site.mkdir(parents=True, exist_ok=True)
    logs = logs_of(sections)
    viewer = bundle_viewer(logs, site) if logs else None
    builder = SiteBuilder(viewer)
    views = [builder.section(s, i) for s, i in zip(sections, section_ids(sections), strict=True)]
    environment = _environment()
    copied = []
    for path in files:
        if path.suffix in {".csv", ".png"}:
            if path.resolve() != (site / path.name).resolve():
                shutil.copyfile(path, site / path.name)
            copied.append(site / path.name)
    stylesheet = site / STYLESHEET
    stylesheet.write_text((TEMPLATES / STYLESHEET).read_text(encoding="utf-8"), encoding="utf-8")
    pages = []
    for page in builder.pages:
        assert viewer is not None  # a page lists samples only when there are logs
        path = site / page.file
        path.parent.mkdir(exist_ok=True)
        html = environment.get_template("samples.html.j2").render(
            report=title,
            page=page,
            groups=_sample_groups(page, viewer),
            count=sample_count(page.sources),
            root="../",
        )
        path.write_text(html, encoding="utf-8")
        pages.append(path)
    index = site / INDEX
    index.write_text(
        environment.get_template("site.html.j2").render(title=title, sections=views, logs=len(logs), root=""),
        encoding="utf-8",
    )
    return [index, stylesheet, *copied, *pages]
