"""Assemble a report: Markdown (also printed), CSV files and PNG plots, from a set of runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

from inspect_ai.model import ModelUsage

from realtalk_evals.judging.ask import PAPER_GRADER
from realtalk_evals.paper import PAPER_TABLE_2, PAPER_TABLE_3
from realtalk_evals.reporting.datasets import dataset_section
from realtalk_evals.reporting.finetune_compare import (
    CSV_HEADER,
    EXPLANATION,
    FineTuneComparison,
    comparison_csv_rows,
    comparison_table,
    finetune_comparisons,
)
from realtalk_evals.reporting.judge_agreement import judge_agreement_section
from realtalk_evals.reporting.length_bias import length_bias_section
from realtalk_evals.reporting.memory import CATEGORIES, MemoryRow, memory_rows, relative_drops
from realtalk_evals.reporting.memory_systems import memory_systems_section
from realtalk_evals.reporting.persona import PERSONA_COLUMNS, PersonaRow, column_title, persona_rows
from realtalk_evals.reporting.plots import plot_memory, plot_persona
from realtalk_evals.reporting.runs import Run
from realtalk_evals.reporting.tables import Report, markdown_table, mean_std_cell, number_cell, write_csv

DEFAULT_GRADER = f"{PAPER_GRADER} (default)"
"""How a run without a `grader` role is shown: its scorers used the paper's judge."""

CATEGORY_TITLES = {
    "multi_hop": "multi-hop",
    "temporal": "temporal",
    "commonsense": "commonsense",
    "all": "all",
}


def _percent(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:.0f}%"


def _cost_cell(cost: float | None) -> str:
    return "unknown price" if cost is None else f"{cost:.4f}"


def _usage_cells(usage: ModelUsage, cost: float | None) -> list[str]:
    """Fresh input, cached input, output tokens and cost of one role."""
    return [
        str(usage.input_tokens),
        str(usage.input_tokens_cache_read or 0),
        str(usage.output_tokens),
        _cost_cell(cost),
    ]


def _runs_section(runs: list[Run], out: Path) -> tuple[str, Path]:
    header = [
        "task",
        "model",
        "grader",
        "parameters",
        "dataset commit",
        "status",
        "samples",
        "judge failures",
        "empty replies",
        "input tokens",
        "cached input tokens",
        "output tokens",
        "cost (USD)",
        "grader input tokens",
        "grader cached input tokens",
        "grader output tokens",
        "grader cost (USD)",
        "wall time (s)",
        "total cost (USD)",
    ]
    rows = []
    for run in runs:
        parameters = json.dumps({k: v for k, v in run.task_args.items() if v is not None}, sort_keys=True)
        rows.append(
            [
                run.task,
                run.model,
                run.grader or "-",
                parameters,
                (run.dataset_commit or "-")[:12],
                run.status,
                str(run.samples),
                str(run.judge_failures),
                str(run.empty_replies),
                *_usage_cells(run.model_usage, run.model_cost),
                *_usage_cells(run.grader_usage, run.grader_cost),
                number_cell(run.wall_seconds, 1),
                _cost_cell(run.cost),
            ]
        )
    markdown = "## Runs\n\n" + markdown_table(header, rows)
    return markdown, write_csv(
        out / "runs.csv", header + ["log"], [r + [run.location] for r, run in zip(rows, runs, strict=True)]
    )


def _memory_section(rows: list[MemoryRow], with_paper: bool, out: Path) -> tuple[str, list[Path]]:
    header = ["model", "input", "grader", "n", "epochs"]
    header += [f"F1 {CATEGORY_TITLES[c]}" for c in CATEGORIES] + [
        f"LLM {CATEGORY_TITLES[c]}" for c in CATEGORIES
    ]
    header += ["judge failures"]
    table = []
    for row in rows:
        table.append(
            [row.label, row.input, row.grader or DEFAULT_GRADER, str(row.samples), str(row.epochs)]
            + [row.f1[c].text() for c in CATEGORIES]
            + [row.llm[c].text() for c in CATEGORIES]
            + [str(row.judge_failures)]
        )
    if with_paper:
        for (model, memory_input), numbers in PAPER_TABLE_3.items():
            table.append(
                [f"paper: {model}", memory_input, "gpt-4o-mini", "728", "1"]
                + [number_cell(numbers.get(f"f1_{c}")) for c in CATEGORIES]
                + [number_cell(numbers.get(f"llm_{c}")) for c in CATEGORIES]
                + ["-"]
            )
    parts = [
        "## Memory probing (paper table 3)",
        (
            "Mean ± half-width of the 95% confidence interval (1.96 standard errors of the per-question scores). "
            "n counts questions: with several epochs a question's scores are averaged first. Runs judged by "
            "different graders (or grader settings) are separate rows. LLM accuracy leaves out judge failures."
        ),
        markdown_table(header, table),
    ]
    drops = relative_drops(rows)
    if drops:
        drop_header = ["model"] + [f"{m} {CATEGORY_TITLES[c]}" for m in ("F1", "LLM") for c in CATEGORIES]
        drop_rows = [
            [label] + [_percent(drop[f"{m}_{c}"]) for m in ("f1", "llm") for c in CATEGORIES]
            for label, drop in drops
        ]
        parts += [
            "### Relative drop from conversation (C) to events (E) input, (C - E) / C",
            markdown_table(drop_header, drop_rows),
        ]
    csv_header = ["model", "input", "solver", "grader", "samples", "epochs", "judge_failures"] + [
        f"{metric}_{c}_{part}"
        for metric in ("f1", "llm")
        for c in CATEGORIES
        for part in ("mean", "ci_low", "ci_high", "n")
    ]
    csv_rows: list[list[object]] = []
    for row in rows:
        values: list[object] = [
            row.model,
            row.input,
            row.solver,
            row.grader or DEFAULT_GRADER,
            row.samples,
            row.epochs,
            row.judge_failures,
        ]
        for estimates in (row.f1, row.llm):
            for c in CATEGORIES:
                e = estimates[c]
                values += [e.mean, e.low, e.high, e.n]
        csv_rows.append(values)
    files = [
        write_csv(out / "memory_probing.csv", csv_header, csv_rows),
        plot_memory(rows, out / "memory_probing.png"),
    ]
    return "\n\n".join(parts), files


def _persona_section(rows: list[PersonaRow], with_paper: bool, out: Path) -> tuple[str, list[Path]]:
    columns = list(PERSONA_COLUMNS)
    header = ["model", "grader", "speakers", "n", "epochs"] + [column_title(c) for c in columns]
    table = []
    for row in rows:
        cells = []
        for column in columns:
            cells.append(mean_std_cell(*row.summary(column)))
        shown = [
            row.label,
            row.grader or DEFAULT_GRADER,
            str(len(row.speakers)),
            str(row.samples),
            str(row.epochs),
        ]
        table.append(shown + cells)
    if with_paper:
        for label, numbers in PAPER_TABLE_2.items():
            table.append(
                [f"paper: {label}", "gpt-4o-mini", "10", "-", "1"]
                + [f"{numbers[c][0]:.2f} ± {numbers[c][1]:.2f}" for c in columns]
            )
    speaker_header = ["speaker", "model", "grader"] + columns
    speaker_rows = [
        [speaker, row.label, row.grader or DEFAULT_GRADER] + [number_cell(values[c], 2) for c in columns]
        for row in rows
        for speaker, values in sorted(row.speakers.items())
    ]
    parts = [
        "## Persona simulation (paper table 2)",
        (
            "Mean ± standard deviation across speakers of each speaker's mean. Lexical = ROUGE-L F, semantic = "
            "BERTScore F1; reflective, grounding, sentiment and emotion are agreement rates with the real "
            "message; intimacy and empathy are mean absolute differences (lower is better)."
        ),
        markdown_table(header, table),
        "### Per speaker (paper table 8)",
        markdown_table(speaker_header, speaker_rows),
    ]
    csv_rows: list[list[object]] = [
        [speaker, row.label, row.grader or DEFAULT_GRADER] + [values[c] for c in columns]
        for row in rows
        for speaker, values in sorted(row.speakers.items())
    ]
    files = [
        write_csv(out / "persona_speakers.csv", speaker_header, csv_rows),
        write_csv(
            out / "persona_simulation.csv",
            ["model", "grader", "messages", "epochs"]
            + [f"{c}_{p}" for c in columns for p in ("mean", "std")],
            [
                [row.label, row.grader or DEFAULT_GRADER, row.samples, row.epochs]
                + [v for c in columns for v in row.summary(c)]
                for row in rows
            ],
        ),
        plot_persona(rows, out / "persona_simulation.png"),
    ]
    return "\n\n".join(parts), files


def _finetune_section(comparisons: list[FineTuneComparison], out: Path) -> tuple[str, Path]:
    parts = ["## Persona simulation: w/o vs. w/ fine-tune (paper table 2)", EXPLANATION]
    parts += [markdown_table(*comparison_table(comparison)) for comparison in comparisons]
    rows = [row for comparison in comparisons for row in comparison_csv_rows(comparison)]
    return "\n\n".join(parts), write_csv(out / "persona_finetune.csv", CSV_HEADER, rows)


def build_report(runs: list[Run], out: Path, with_paper: bool = False) -> Report:
    """Write report.md, CSVs and PNGs for `runs` into `out`; return the Markdown and the files written."""
    if not runs:
        raise ValueError("no memory_probing, persona_simulation or ei_analysis log found")
    out.mkdir(parents=True, exist_ok=True)
    sections = ["# REALTALK evaluation report"]
    files: list[Path] = []
    text, runs_csv = _runs_section(runs, out)
    sections.append(text)
    files.append(runs_csv)
    memory = memory_rows(runs)
    if memory:
        text, written = _memory_section(memory, with_paper, out)
        sections.append(text)
        files += written
    compared = dataset_section(runs, out)
    if compared:
        sections.append(compared[0])
        files += compared[1]
    for judge_section in (judge_agreement_section, length_bias_section):
        if (section := judge_section(runs, out)) is not None:
            sections.append(section[0])
            files.append(section[1])
    text, written = memory_systems_section(runs, out)
    if text:
        sections.append(text)
        files += written
    persona = persona_rows(runs)
    if persona:
        text, written = _persona_section(persona, with_paper, out)
        sections.append(text)
        files += written
    comparisons = finetune_comparisons(runs, persona)
    if comparisons:
        text, written_csv = _finetune_section(comparisons, out)
        sections.append(text)
        files.append(written_csv)
    markdown = "\n\n".join(sections) + "\n"
    report_path = out / "report.md"
    report_path.write_text(markdown, encoding="utf-8")
    return Report(markdown=markdown, files=[report_path, *files])
