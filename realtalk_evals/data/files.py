"""Locate the REALTALK JSON files: local override, per-user cache, or a verified download.

The project never ships the data. It fetches the files from the upstream repository at a pinned commit,
checks every SHA-256 against the list packaged with this module, and only then moves them into the cache,
so a cut-off or tampered download can never be mistaken for the dataset.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path

import httpx
from tqdm import tqdm

from realtalk_evals.caches import CACHE_DIR_ENV, cache_root
from realtalk_evals.errors import DatasetError
from realtalk_evals.user_paths import user_path

UPSTREAM_REPO = "danny911kr/REALTALK"
UPSTREAM_COMMIT = "b903e06a9770bf4e5fe9018c3e132889666d3b4a"
DEFAULT_BASE_URL = f"https://raw.githubusercontent.com/{UPSTREAM_REPO}/{UPSTREAM_COMMIT}/data"

DATA_DIR_ENV = "REALTALK_DATA_DIR"
"""A directory holding the files (as in upstream `data/`); used as is, after checksum verification."""
BASE_URL_ENV = "REALTALK_DATA_URL"
"""Overrides the download base URL (a mirror, or a test server)."""

OFFLINE_HINT = (
    f". Without internet, set {DATA_DIR_ENV} to a copy of upstream data/ (e.g. made by `realtalk data download "
    "--dir DIR` on a machine with internet)"
)


def expected_checksums() -> dict[str, str]:
    """Relative file path -> SHA-256 for every file of the pinned upstream commit."""
    text = resources.files("realtalk_evals.data").joinpath("SHA256SUMS").read_text(encoding="utf-8")
    sums: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip()] = digest
    return sums


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_directory(directory: Path) -> None:
    """Raise DatasetError unless every expected file exists in `directory` with its expected checksum."""
    for name, digest in expected_checksums().items():
        path = directory / name
        if not path.is_file():
            raise DatasetError(f"REALTALK file missing: {path}")
        actual = sha256_of(path)
        if actual != digest:
            raise DatasetError(
                f"REALTALK file {path} has SHA-256 {actual}, expected {digest} "
                f"(upstream commit {UPSTREAM_COMMIT}); delete it or fix {DATA_DIR_ENV}"
            )


def cache_directory() -> Path:
    """The downloaded files of the pinned commit, a folder under the one cache root."""
    return cache_root() / UPSTREAM_COMMIT[:12]


def download(target: Path, base_url: str | None = None, progress: bool = True) -> Path:
    """Download every file into `target`, verifying each checksum before it is moved into place."""
    base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
    sums = expected_checksums()
    try:
        target.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=target).close()
    except OSError as error:
        raise DatasetError(
            f"cannot write the REALTALK data cache {target} ({type(error).__name__}: {error}): set "
            f"{CACHE_DIR_ENV} to a writable directory, or {DATA_DIR_ENV} to a copy of upstream data/"
        ) from error
    with httpx.Client(follow_redirects=True, timeout=60) as client:
        for name, digest in tqdm(sums.items(), desc="REALTALK", unit="file", disable=not progress):
            final = target / name
            if final.is_file() and sha256_of(final) == digest:
                continue
            final.parent.mkdir(parents=True, exist_ok=True)
            url = f"{base_url}/{name}"
            with tempfile.NamedTemporaryFile(dir=final.parent, delete=False, suffix=".part") as tmp:
                tmp_path = Path(tmp.name)
                try:
                    with client.stream("GET", url) as response:
                        if response.status_code != 200:
                            raise DatasetError(
                                f"downloading {url} failed: HTTP {response.status_code}{OFFLINE_HINT}"
                            )
                        for chunk in response.iter_bytes():
                            tmp.write(chunk)
                except httpx.HTTPError as error:
                    tmp_path.unlink(missing_ok=True)
                    raise DatasetError(f"downloading {url} failed: {error}{OFFLINE_HINT}") from error
                except DatasetError:
                    tmp_path.unlink(missing_ok=True)
                    raise
            actual = sha256_of(tmp_path)
            if actual != digest:
                tmp_path.unlink(missing_ok=True)
                raise DatasetError(f"downloaded {url} has SHA-256 {actual}, expected {digest}")
            tmp_path.replace(final)
    return target


def data_directory(download_if_missing: bool = True) -> Path:
    """The verified directory holding the REALTALK files, in the documented order of precedence."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        directory = user_path(override)
        if not directory.is_dir():
            raise DatasetError(f"{DATA_DIR_ENV}={override} is not a directory ({directory} was looked up)")
        verify_directory(directory)
        return directory
    cache = cache_directory()
    try:
        verify_directory(cache)
        return cache
    except DatasetError:
        if not download_if_missing:
            raise
    download(cache)
    verify_directory(cache)
    return cache
