"""Inspect's log viewer bundled beside the HTML site, and the links that open a log or one sample in it.

`inspect view bundle` (`inspect_ai.log.bundle_log_dir`) writes a static copy of the viewer with the logs
under `<bundle>/logs/`. The viewer routes by the URL's hash (Inspect 0.3.285, `logSamplesUrl` in its www
code): `index.html#/logs/<log file>/` opens a log, `index.html#/logs/<log file>/samples/sample/<id>/<epoch>/`
one sample's transcript. Only the logs the report read are bundled, so the site publishes nothing else that
happens to share their directory.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from inspect_ai.log import bundle_log_dir

VIEWER_DIRECTORY = "viewer"
"""The bundle's folder inside the site."""


def local_path(location: str) -> Path:
    """A log location as Inspect's log API gives it (a path or a `file://` URI) as a local path."""
    return Path(location.removeprefix("file://"))


def _segment(text: str) -> str:
    return quote(text, safe="")


@dataclass(frozen=True)
class Viewer:
    """The bundled viewer of a site: where each log went, and the links into it (relative to the site)."""

    files: dict[str, str]
    """Log location -> its file name inside the bundle's `logs/` folder."""

    def log_url(self, log: str) -> str:
        return f"{VIEWER_DIRECTORY}/index.html#/logs/{_segment(self.files[log])}/"

    def sample_url(self, log: str, sample: str) -> str:
        """The transcript of one sample, `sample` being its `id:epoch`."""
        sample_id, epoch = sample.rsplit(":", 1)
        return (
            f"{VIEWER_DIRECTORY}/index.html#/logs/{_segment(self.files[log])}"
            f"/samples/sample/{_segment(sample_id)}/{_segment(epoch)}/"
        )


def bundle_file_names(logs: Iterable[str]) -> dict[str, str]:
    """A distinct file name for each log (Inspect's names are unique in practice; a clash gets a prefix)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for log in dict.fromkeys(logs):
        name = local_path(log).name
        counter = 1
        while name in taken:
            counter += 1
            name = f"{counter}-{local_path(log).name}"
        names[log] = name
        taken.add(name)
    return names


def bundle_viewer(logs: Iterable[str], site: Path) -> Viewer:
    """Bundle Inspect's viewer with copies of `logs` into `site/viewer` (replacing an earlier bundle)."""
    files = bundle_file_names(logs)
    if not files:
        raise ValueError("no log to bundle")
    with tempfile.TemporaryDirectory(prefix="realtalk-viewer-") as staging:
        for log, name in files.items():
            shutil.copyfile(local_path(log), Path(staging) / name)
        bundle_log_dir(log_dir=staging, output_dir=str(site / VIEWER_DIRECTORY), overwrite=True)
    return Viewer(files)
