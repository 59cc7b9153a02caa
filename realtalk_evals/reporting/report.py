"""`realtalk report`: the runs, the paper's tables 2 and 3 and the comparisons, from a set of Inspect logs.

Every section is a `sections.Section`; `writer.write_report` writes report.md (also printed), the CSV files and
the PNG figures. Only complete runs with scored samples feed a result table; the others are listed apart.
"""

from __future__ import annotations

import json
from pathlib import Path

from inspect_ai.model import ModelUsage

from realtalk_evals.reporting.calibration import calibration_section
from realtalk_evals.reporting.corrected_accuracy import corrected_section
from realtalk_evals.reporting.datasets import dataset_section
from realtalk_evals.reporting.finetune_compare import finetune_section
from realtalk_evals.reporting.human_likeness import discrimination_section, style_section
from realtalk_evals.reporting.judge_agreement import judge_agreement_section
from realtalk_evals.reporting.length_bias import length_bias_section
from realtalk_evals.reporting.memory import memory_section
from realtalk_evals.reporting.memory_systems import memory_systems_section
from realtalk_evals.reporting.persona import persona_rows, persona_section
from realtalk_evals.reporting.pools import DEFAULT_GRADER
from realtalk_evals.reporting.retrieval import retrieval_section
from realtalk_evals.reporting.runs import LeftOut, Run, Runs
from realtalk_evals.reporting.sections import Row, Section, Source, Table, cost_cell, number_cell
from realtalk_evals.reporting.site import write_site
from realtalk_evals.reporting.writer import Report, write_report
from realtalk_evals.task_names import JUDGE_CALIBRATION

TITLE = "REALTALK evaluation report"
NO_LOGS = "no memory_probing, persona_simulation, ei_analysis or judge_calibration log found"


def _usage_cells(usage: ModelUsage, cost: float | None) -> list[str]:
    """Fresh input, cached input, output tokens and cost of one role."""
    return [
        str(usage.input_tokens),
        str(usage.input_tokens_cache_read or 0),
        str(usage.output_tokens),
        cost_cell(cost),
    ]


RUN_COLUMNS = [
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


def runs_section(runs: list[Run]) -> Section:
    rows = []
    for run in runs:
        parameters = json.dumps({k: v for k, v in run.task_args.items() if v is not None}, sort_keys=True)
        cells = [
            run.task,
            run.model,
            "-" if run.task == JUDGE_CALIBRATION else run.grader or DEFAULT_GRADER,  # its model is the judge
            parameters,
            (run.dataset_commit or "-")[:12],
            run.status,
            str(run.samples),
            str(run.judge_failures),
            str(run.empty_replies),
            *_usage_cells(run.model_usage, run.model_cost),
            *_usage_cells(run.grader_usage, run.grader_cost),
            number_cell(run.wall_seconds, 1),
            cost_cell(run.cost),
        ]
        rows.append(Row(cells, sources=[Source(run.location)]))
    return Section(
        "Runs",
        [
            "Every run the tables below use. Judge failures count failed verdicts and classifier labels (a "
            "panel of two judges that both fail on an answer counts 2), over every sample and epoch. Empty "
            "replies count answers of the model under test without text (scored as empty answers)."
        ],
        [Table(RUN_COLUMNS, rows, csv="runs.csv")],
    )


def left_out_section(left_out: list[LeftOut]) -> Section:
    return Section(
        "Runs left out",
        [
            "These logs feed no table: only a complete run with scored samples does (an errored or cancelled "
            "run covers whichever samples happened to finish; `inspect eval-retry LOG` completes it)."
        ],
        [
            Table(
                ["task", "model", "status", "reason", "log"],
                [
                    Row(
                        [item.task, item.model, item.status, item.reason, item.location],
                        [item.task, item.model, item.status, item.reason],
                        [Source(item.location)],
                    )
                    for item in left_out
                ],
                csv="left_out.csv",
                csv_columns=["task", "model", "status", "reason"],
            )
        ],
    )


def report_sections(runs: Runs, with_paper: bool = False) -> list[Section]:
    """Every section of the report, in order; those without data are left out."""
    usable = runs.usable
    sections: list[Section | None] = [runs_section(usable)] if usable else []
    if runs.left_out:
        sections.append(left_out_section(runs.left_out))
    sections += [
        memory_section(usable, with_paper),
        dataset_section(usable),
        judge_agreement_section(usable),
        calibration_section(usable),
        corrected_section(usable),
        length_bias_section(usable),
        memory_systems_section(usable, with_paper),
        retrieval_section(usable),
    ]
    persona = persona_rows(usable)
    if persona:
        sections += [persona_section(persona, with_paper), finetune_section(persona)]
    sections += [discrimination_section(usable), style_section(usable)]
    return [section for section in sections if section is not None]


def build_report(runs: Runs, out: Path, with_paper: bool = False, html: Path | None = None) -> Report:
    """Write report.md, CSVs and PNGs for `runs` into `out` (and the same sections as an HTML site into
    `html`, with the log viewer); return the Markdown and the files written."""
    if not runs.usable and not runs.left_out:
        raise ValueError(NO_LOGS)
    sections = report_sections(runs, with_paper)
    report = write_report(TITLE, sections, out, "report.md")
    if html is not None:
        report.files += write_site(TITLE, sections, html, report.files)
    if not runs.usable:
        report.error = f"no usable run: {len(runs.left_out)} log(s) left out (see `Runs left out`)"
    return report
