"""`realtalk report LOGS --evaluation-report FILE`: the "Evaluation Report" of an Inspect eval, from its logs.

What the Inspect community reads in an eval's README: which models and providers ran, the exact command of
each run (rebuilt from its log, reporting/commands.py), its date, how many samples it ran of how many, the
results per category beside the paper's numbers (the report's own sections, with the paper's rows), and the
deviations from the paper, linked to docs/fidelity.md. It is a function of the logs alone: the same logs give
the same bytes wherever and whenever it is generated (runs ordered by task, model and logged start, no file
paths, no figures), so the committed docs/evaluation_report.md can be regenerated and compared.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from realtalk_evals.reporting.commands import eval_command
from realtalk_evals.reporting.pools import DEFAULT_GRADER
from realtalk_evals.reporting.report import report_sections
from realtalk_evals.reporting.runs import Run, Runs
from realtalk_evals.reporting.sections import Row, Section, Source, Table
from realtalk_evals.reporting.writer import render_markdown
from realtalk_evals.task_names import (
    EI_ANALYSIS,
    JUDGE_CALIBRATION,
    MEMORY_PROBING,
    PERSONA_SIMULATION,
)

TITLE = "Evaluation report"
MOCK_PROVIDER = "realtalk"
"""The suite's offline mock provider (`realtalk/mock`): its numbers measure the pipeline, not a model."""
FIDELITY = "fidelity.md"
"""Where the deviations are documented, relative to docs/ (the report's home: docs/evaluation_report.md)."""

DEVIATIONS: dict[str, list[tuple[str, str]]] = {
    MEMORY_PROBING: [
        (
            'The prompt follows appendix D.2 (sessions in date order, `Name: "text"` lines, the paper\'s '
            "image line), not the released script's wording.",
            "memory-probing-section-62-appendix-d2",
        ),
        (
            "The judge is the `grader` role (default `openai/gpt-4o-mini`, never the answering model) with the "
            "released `gpt_score` prompt; its reply is read without JSON mode, with one repair turn, and an "
            "unreadable verdict is a counted judge failure, never a 0 or a 1.",
            "memory-probing-section-62-appendix-d2",
        ),
        (
            "The released files hold 728 questions: 301 multi-hop, 319 temporal, 108 commonsense (the paper "
            "states 302, 321 and 111).",
            "dataset",
        ),
        (
            "`-T dataset=locomo` asks and scores LoCoMo's 1,986 questions as LoCoMo's released code does.",
            "locomo-memory-probing-memory_probing--t-datasetlocomo",
        ),
        (
            "Memory systems other than `memory=full` (retrieval, agents) are the suite's own, not the paper's.",
            "memory-systems",
        ),
    ],
    PERSONA_SIMULATION: [
        (
            "The EI judge prompts are appendix C's text, with the released code's endings where the paper "
            "prints none (C.2, C.3), sent as one system message as the released code does.",
            "persona-simulation-section-61-appendices-c-and-d1",
        ),
        (
            "Intimacy is the classifier's raw regression value (no sigmoid), as the released pipeline returns "
            "it; True/False judge replies are read as a word, not by the released substring test.",
            "persona-simulation-section-61-appendices-c-and-d1",
        ),
    ],
    EI_ANALYSIS: [
        (
            "Speaker-level EI as the released code computes it (intimacy progression fitted over 1..n).",
            "speaker-level-ei-analysis-sections-42-53-table-7",
        ),
    ],
    JUDGE_CALIBRATION: [
        (
            "The project's own task (no paper numbers): candidates whose verdict is known without a model.",
            "judge-calibration-and-judge-checks-not-in-the-paper",
        ),
    ],
}
"""Per task, the deviations a reader of its numbers should know, with their docs/fidelity.md section."""


def run_date(run: Run) -> str:
    """The UTC date the run started (`YYYY-MM-DD`)."""
    return run.log.eval.created[:10]


def run_version(run: Run) -> str:
    """The task's version as `N-X` (its metadata); older logs give their `task_version`."""
    return str((run.log.eval.metadata or {}).get("eval_version") or run.log.eval.task_version)


def samples_text(run: Run) -> str:
    """`<run> of <total>`: distinct samples scored against the samples the task built with the run's `-T`
    parameters (before `--limit`)."""
    ran = len({str(sample.id) for sample in run.log.samples or []})
    total = run.log.eval.dataset.samples
    return f"{ran} of {total}" if total is not None else str(ran)


def providers(runs: list[Run]) -> list[str]:
    """Every provider whose models were called (answering or grading), in order: `openai`, `realtalk`, ..."""
    called = [name for run in runs for name in run.log.stats.model_usage]
    return list(dict.fromkeys(name.split("/")[0] for name in called))


def grader_text(run: Run) -> str:
    """The grader as the tables show it; `-` for a run that called none (the judge under calibration is the
    model itself)."""
    if run.grader:
        return run.grader
    return DEFAULT_GRADER if run.grader_usage.total_tokens else "-"


def status_note(runs: list[Run]) -> str:
    used = providers(runs)
    real = [name for name in used if name != MOCK_PROVIDER]
    if not real:
        return (
            "**No real provider has been run.** Every model and grader in these logs is the suite's offline "
            "mock (`realtalk/mock`, a fixed reply), or the gold solver answered without any model, so no "
            "number below measures a language model. What they show: the scorers' self-check (the gold "
            "solver's F1), what a retriever puts in the prompt (evidence recall does not depend on the "
            "answer), and what the calibration metrics give a judge whose verdict is fixed; a mock's own F1 "
            "and LLM accuracy mean nothing. The paper's numbers are shown beside them for the day real runs "
            "replace them."
        )
    mock = (
        " (and the suite's offline mock, `realtalk/mock`, where a row names it)"
        if MOCK_PROVIDER in used
        else ""
    )
    return "Providers: " + ", ".join(f"`{name}`" for name in real) + mock + "."


def overview_section(runs: list[Run]) -> Section:
    rows = [
        Row(
            [
                run.task,
                run_version(run),
                run.model,
                grader_text(run),
                run_date(run),
                samples_text(run),
                str(run.log.eval.config.epochs or 1),
            ],
            sources=[Source(run.location)],
        )
        for run in runs
    ]
    return Section(
        "Runs",
        [
            status_note(runs),
            "Samples: those the run scored, of those the task built with its `-T` parameters (a `--limit` "
            "run covers the first ones). Dates are the runs' start (UTC).",
        ],
        [Table(["task", "version", "model", "grader", "date", "samples", "epochs"], rows)],
    )


def commands_section(runs: list[Run]) -> Section:
    lines = []
    for run in runs:
        lines.append(
            f"# {run.task} {run_version(run)}, {run.model}, {run_date(run)}, {samples_text(run)} samples"
        )
        lines.append(eval_command(run.log))
    return Section(
        "Commands",
        [
            "Each run's command, rebuilt from its log (the task, `-M`, the `-T` parameters given, the model "
            "roles, the sample selection); environment variables, such as local-model directories, are not "
            "in a log.",
            "```bash\n" + "\n".join(lines) + "\n```",
        ],
    )


def deviations_section(tasks: list[str]) -> Section:
    bullets = [
        f"- `{task}`: {text} ([{FIDELITY}]({FIDELITY}#{anchor}))"
        for task in tasks
        for text, anchor in DEVIATIONS.get(task, [])
    ]
    return Section(
        "Deviations from the paper",
        [
            "The main choices where this suite departs from the paper or its released code; every one is in "
            f"[{FIDELITY}]({FIDELITY}).",
            "\n".join(bullets),
        ],
    )


REGENERATE = (
    "Generated by `realtalk report LOGS --evaluation-report FILE` from the logs of the commands above; the "
    "same logs give the same file, byte for byte. Do not edit it by hand: change "
    "`realtalk_evals/reporting/evaluation_report.py` and regenerate."
)


def evaluation_sections(runs: Runs) -> list[Section]:
    """The report's sections, in order: runs, commands, the results with the paper's numbers, deviations."""
    ordered = Runs(
        usable=sorted(runs.usable, key=lambda run: (run.task, run.model, run.log.eval.created, run.location)),
        left_out=sorted(runs.left_out, key=lambda item: (item.task, item.model, item.location)),
    )
    everything = ordered.usable
    results = [
        replace(section, figures=[])
        for section in report_sections(ordered, with_paper=True)
        if section.title != "Runs"
    ]
    tasks = list(dict.fromkeys(run.task for run in everything))
    return [
        overview_section(everything),
        commands_section(everything),
        *results,
        deviations_section(tasks),
        Section("About this report", [REGENERATE]),
    ]


def write_evaluation_report(runs: Runs, path: Path) -> str:
    """Write the evaluation report to `path` and return its Markdown."""
    if not runs.usable:
        raise ValueError("no usable run for an evaluation report: every log was left out")
    markdown = render_markdown(TITLE, evaluation_sections(runs))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown, encoding="utf-8")
    return markdown
