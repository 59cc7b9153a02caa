"""Output pieces shared by `realtalk report` and `realtalk analysis`: Markdown tables, CSV files, cells."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Report:
    """What a report command wrote: its Markdown (also printed) and every file, report.md first."""

    markdown: str
    files: list[Path]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def number_cell(value: float | None, digits: int = 3) -> str:
    """A number for a Markdown table; `-` for a missing one (None or NaN)."""
    return "-" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def mean_std_cell(mean: float, std: float) -> str:
    """`mean ± std` as table 2 prints it (two digits); `-` when there is no mean."""
    return "-" if math.isnan(mean) else f"{mean:.2f} ± {std:.2f}"
