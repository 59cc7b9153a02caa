"""`realtalk report --html`: the same sections as the Markdown report, as a static site whose rows and per-category
cells open their samples in Inspect's bundled log viewer.

Built from the mock eval-set's logs (eval_set_logs.py). The structural tests read the HTML with the standard
library; the `browser` tests open it in headless Chromium (Debian's `chromium`, driven by Playwright), over a
local HTTP server and from disk, and follow a table row to the transcript it names.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
from inspect_ai.log import read_eval_log

from realtalk_evals.cli import main
from realtalk_evals.reporting.sections import Row, Section, Source, Table
from realtalk_evals.reporting.site import INDEX, write_site
from realtalk_evals.reporting.viewer import VIEWER_DIRECTORY

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Page(HTMLParser):
    """The links, images, element ids and table headings of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[str] = []
        self._in_h2 = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "img" and values.get("src"):
            self.images.append(str(values["src"]))
        self._in_h2 = tag == "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2 and data.strip():
            self.headings.append(data.strip())


@pytest.fixture(scope="module")
def written(eval_set_logs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the Markdown report's folder, the site's)."""
    out = tmp_path_factory.mktemp("report")
    site = tmp_path_factory.mktemp("site")
    assert main(["report", str(eval_set_logs), "--out", str(out), "--html", str(site), "--with-paper"]) == 0
    return out, site


@pytest.fixture(scope="module")
def site(written: tuple[Path, Path]) -> Path:
    return written[1]


def viewer_target(site: Path, fragment: str) -> tuple[Path, str | None]:
    """The log file and the `id:epoch` (None: the whole log) a viewer route names."""
    parts = [unquote(part) for part in fragment.strip("/").split("/")]
    assert parts[0] == "logs", fragment
    log = site / VIEWER_DIRECTORY / "logs" / parts[1]
    if len(parts) == 2:
        return log, None
    assert parts[2:4] == ["samples", "sample"] and len(parts) == 6, fragment
    return log, f"{parts[4]}:{parts[5]}"


@functools.cache
def logged_samples(log: str, modified_ns: int) -> frozenset[str]:
    """The `id:epoch` of every sample stored in a log, read once per log (a site links to a log many times)."""
    return frozenset(f"{s.id}:{s.epoch}" for s in read_eval_log(log).samples or [])


def check_link(site: Path, page: Path, href: str) -> None:
    """A link of the site leads to a file in it, an anchor that exists, or a log and sample in the viewer."""
    assert "://" not in href, f"{page.name} links outside the site: {href}"
    target, fragment = urldefrag(href)
    path = (page.parent / unquote(target)).resolve() if target else page.resolve()
    assert path.is_file() and path.is_relative_to(site.resolve()), f"{page.name}: {href} names no file"
    if not fragment:
        return
    if path.name == INDEX and path.parent.name == VIEWER_DIRECTORY:
        log, sample = viewer_target(site, fragment)
        assert log.is_file(), f"{href}: no log {log.name} in the bundle"
        if sample is not None:
            assert sample in logged_samples(str(log), log.stat().st_mtime_ns), f"{href}: no sample {sample}"
    else:
        assert fragment in Page(path.read_text(encoding="utf-8")).ids, f"{href}: no anchor #{fragment}"


def test_the_site_renders_every_section_of_the_markdown_report(written: tuple[Path, Path]) -> None:
    out, site = written
    index = Page((site / INDEX).read_text(encoding="utf-8"))
    markdown = (out / "report.md").read_text(encoding="utf-8")
    titles = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert index.headings == titles
    assert {
        "Memory probing (paper table 3)",
        "Persona simulation (paper table 2)",
        "Judge calibration",
    } <= set(titles)
    assert index.images and all((site / image).is_file() for image in index.images)


def test_every_link_of_every_page_resolves(site: Path) -> None:
    pages = [site / INDEX, *sorted((site / "samples").glob("*.html"))]
    assert len(pages) > 5
    links = 0
    for page in pages:
        for href in Page(page.read_text(encoding="utf-8")).links:
            check_link(site, page, href)
            links += 1
    assert links > 50


def test_a_row_and_its_category_cells_list_exactly_their_samples(site: Path, eval_set_logs: Path) -> None:
    """Table 3's row of realtalk/mock/b links to its 4 questions, each of its per-category cells to those of
    that category, all in the mock/b log."""
    log = next(
        read_eval_log(str(path))
        for path in eval_set_logs.glob("*memory-probing*.eval")
        if read_eval_log(str(path), header_only=True).eval.model == "realtalk/mock/b"
    )
    by_category: dict[str, set[str]] = {}
    for sample in log.samples or []:
        by_category.setdefault(sample.metadata["category_name"], set()).add(f"{sample.id}:{sample.epoch}")
    index = (site / INDEX).read_text(encoding="utf-8")
    row = next(
        line for line in index.splitlines() if line.startswith("<tr><td>realtalk/mock/b") and "F1" not in line
    )
    hrefs = Page(row).links
    listed = []
    for href in hrefs:
        page = site / href
        if page.suffix == ".html" and page.parent.name == "samples":
            samples = {
                viewer_target(site, urldefrag(h)[1])[1] for h in Page(page.read_text()).links if "#" in h
            }
            listed.append(samples - {None})
        else:
            listed.append({viewer_target(site, urldefrag(href)[1])[1]})
    assert set().union(*by_category.values()) in listed  # the row
    for category, ids in by_category.items():
        assert ids in listed, category  # its cell


def test_any_section_renders_escaped_with_its_links(eval_set_logs: Path, tmp_path: Path) -> None:
    """A section the site has never seen (another engineer's new table) renders without a change to it."""
    log = str(sorted(eval_set_logs.glob("*judge-calibration*.eval"))[0])
    samples = read_eval_log(log).samples or []
    ids = tuple(f"{s.id}:{s.epoch}" for s in samples)
    section = Section(
        "A new <section> & its table",
        ["Notes are **Markdown**: `code`, and <script>alert(1)</script> stays text."],
        [
            Table(
                ["setting", "value | with pipe"],
                [
                    Row(
                        ["<b>not bold</b>", "0.5"],
                        sources=[Source(log, ids)],
                        cell_sources={1: [Source(log, ids[:1])]},
                    ),
                    Row(["paper", "0.7"], reference=True),
                    Row(["the whole log", "-"], sources=[Source(log)]),
                ],
                title="Sub-table",
            )
        ],
    )
    written = write_site("Title <x>", [section], tmp_path, [])
    html = written[0].read_text(encoding="utf-8")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>Markdown</strong>" in html and "<code>code</code>" in html
    assert 'class="reference"' in html and "value | with pipe" in html
    page = Page(html)
    assert page.headings == ["A new <section> & its table"]
    assert any(href.startswith("samples/") for href in page.links)  # the row: a page of its 4 samples
    assert any("/samples/sample/" in href for href in page.links)  # the cell: one transcript
    assert any(href.endswith(".eval/") for href in page.links)  # the whole log
    for href in page.links:
        check_link(tmp_path, written[0], href)


# --- in a browser ---------------------------------------------------------------------------------------------


def _browser_missing() -> str | None:
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        return "no chromium: install Debian's `chromium` package (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright: pip install the dev extra"
    return None


browser_test = pytest.mark.skipif(_browser_missing() is not None, reason=str(_browser_missing()))


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site over HTTP on 127.0.0.1, as any static host would serve it."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or CHROMIUM
    with tempfile.TemporaryDirectory(prefix="realtalk-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield context
        context.close()


def images_shown(page: object) -> list[int]:
    return page.eval_on_selector_all("img", "images => images.map(image => image.naturalWidth)")  # type: ignore[attr-defined]


@pytest.mark.browser
@browser_test
def test_the_page_renders_with_its_plots_over_http_and_from_disk(
    browser: object, served: str, site: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    for url in (served + INDEX, (site / INDEX).as_uri()):
        page.goto(url)
        assert page.title() == "REALTALK evaluation report"
        assert page.locator("h2").count() >= 4
        widths = images_shown(page)
        assert widths and all(width > 0 for width in widths), url
    page.close()


@pytest.mark.browser
@browser_test
def test_every_link_the_browser_sees_is_served(browser: object, served: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(served + INDEX)
    hrefs = page.eval_on_selector_all("a", "links => links.map(link => link.href)")
    assert len(hrefs) > 20
    for href in sorted(set(hrefs)):
        target, fragment = urldefrag(href)
        response = page.request.get(target)
        assert response.ok, href
        if fragment and not target.endswith(f"{VIEWER_DIRECTORY}/{INDEX}"):
            assert page.locator(f"#{fragment}").count() == 1, href
    page.close()


@pytest.mark.browser
@browser_test
def test_a_table_row_opens_its_transcripts_in_the_viewer(browser: object, served: str, site: Path) -> None:
    """Table 3's samples link -> the row's sample list -> a sample: the viewer shows that sample."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(served + INDEX)
    table = page.locator("section#memory-probing-paper-table-3 table").first
    table.locator("td.samples a").first.click()
    page.wait_for_url("**/samples/*.html")
    sample = page.locator("ul.sample-list a").first
    sample_id = sample.inner_text().rsplit(":", 1)[0]
    sample.click()
    page.wait_for_url(f"**/{VIEWER_DIRECTORY}/{INDEX}#/logs/**/samples/sample/{sample_id}/1/")
    header = page.get_by_text(f"Sample {sample_id} (Epoch 1)")
    header.first.wait_for(timeout=60_000)
    assert sample_id in page.inner_text("body")
    page.close()
