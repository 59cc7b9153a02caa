"""The `realtalk` command: the dataset, the registered tasks, reports and analysis of Inspect logs, fine-tuning."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from realtalk_evals.data.files import cache_directory, data_directory, download
from realtalk_evals.errors import DatasetError

if TYPE_CHECKING:
    from realtalk_evals.reporting.writer import Report

Command = Callable[[argparse.Namespace], int]


def _data_download(args: argparse.Namespace) -> int:
    target = Path(args.dir) if args.dir else cache_directory()
    download(target, base_url=args.url)
    print(f"REALTALK data verified in {target}")
    return 0


def _data_info(args: argparse.Namespace) -> int:
    from realtalk_evals.data.realtalk import load_conversations
    from realtalk_evals.data.statistics import conversation_stats, dataset_totals

    directory = data_directory()
    stats = [conversation_stats(conversation) for conversation in load_conversations(directory)]
    totals = dataset_totals(stats)
    if args.json:
        print(
            json.dumps(
                {
                    "directory": str(directory),
                    "totals": totals,
                    "conversations": [s.model_dump() for s in stats],
                },
                indent=2,
            )
        )
        return 0
    print(f"REALTALK data: {directory}")
    header = (
        f"{'conversation':<26} {'sessions':>8} {'messages':>8} {'images':>6} {'multi_hop':>9} "
        f"{'temporal':>8} {'commonsense':>11} {'events':>6}"
    )
    print(header)
    for s in stats:
        q = s.questions
        print(
            f"{s.conversation_id:<26} {s.sessions:>8} {s.messages:>8} {s.images:>6} {q['multi_hop']:>9} "
            f"{q['temporal']:>8} {q['commonsense']:>11} {s.events:>6}"
        )
    print(
        f"{'total':<26} {totals['sessions']:>8} {totals['messages']:>8} {totals['images']:>6} "
        f"{totals['questions_multi_hop']:>9} {totals['questions_temporal']:>8} "
        f"{totals['questions_commonsense']:>11} {totals['events']:>6}"
    )
    print(f"{totals['conversations']} conversations, {totals['questions']} questions")
    return 0


def _models_download(args: argparse.Namespace) -> int:
    from realtalk_evals.local_models.settings import LocalModels, download_local_models, suite_needs

    try:
        downloaded = download_local_models(suite_needs(LocalModels.resolve()))
    except Exception as error:  # noqa: BLE001 - a network or Hub error, reported in one line
        print(
            f"realtalk: error: downloading the local models failed: {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return 1
    for need, path in downloaded:
        print(f"{need.what}: {need.model} -> {path or 'a local directory, left as is'}")
    return 0


def _models_check(args: argparse.Namespace) -> int:
    from realtalk_evals.local_models.settings import LocalModels, check_local_models, suite_needs

    models = LocalModels.resolve()
    needs = suite_needs(models)
    check_local_models(needs)  # one message for every model that cannot be loaded
    models.check()  # and BERTScore's layer
    for need in needs:
        print(f"{need.what}: {need.model} ready")
    return 0


def _data_stats(args: argparse.Namespace) -> int:
    from realtalk_evals.data.locomo import load_locomo_conversations
    from realtalk_evals.data.realtalk import load_conversations
    from realtalk_evals.data.statistics import stats_text

    print(stats_text(load_conversations(), load_locomo_conversations()))
    return 0


def _printed(report: Report) -> int:
    """Print a written report; exit 1 when it says nothing usable was left."""
    print(report.markdown)
    print("Wrote " + ", ".join(str(path) for path in report.files))
    if report.error:
        print(f"error: {report.error}", file=sys.stderr)
        return 1
    return 0


def _report(args: argparse.Namespace) -> int:
    from realtalk_evals.reporting.pricing import load_cost_config
    from realtalk_evals.reporting.report import build_report
    from realtalk_evals.reporting.runs import load_runs

    runs = load_runs(args.logs, load_cost_config(args.model_cost_config))
    html = Path(args.html) if args.html else None
    report = build_report(runs, Path(args.out), with_paper=args.with_paper, html=html)
    if args.evaluation_report and runs.usable:
        from realtalk_evals.reporting.evaluation_report import write_evaluation_report

        write_evaluation_report(runs, Path(args.evaluation_report))
        report.files.append(Path(args.evaluation_report))
    return _printed(report)


def _cost(args: argparse.Namespace) -> int:
    import yaml

    from realtalk_evals.cost_estimate import estimate_run, estimate_table, graders_of, price
    from realtalk_evals.errors import InputError
    from realtalk_evals.parameters import choice
    from realtalk_evals.reporting.pricing import load_cost_config
    from realtalk_evals.task_names import TASK_NAMES

    task = args.task.removeprefix("realtalk_evals/")
    choice("task", task, TASK_NAMES)
    task_args = {}
    for given in args.task_args:  # as `inspect eval -T` reads them: NAME=VALUE, the value as YAML
        name, separator, value = given.partition("=")
        if not separator or not name:
            raise InputError(f"-T takes NAME=VALUE, got {given!r}")
        task_args[name.strip()] = yaml.safe_load(value)
    roles = dict(role.partition("=")[::2] for role in args.model_role)
    prices = load_cost_config(args.model_cost_config)
    estimates = estimate_run(
        task,
        task_args,
        args.model,
        graders_of(task_args, roles.get("grader")),
        args.limit,
        args.epochs,
        builder=roles.get("memory_builder"),
    )
    price(estimates, prices)
    print(f"realtalk_evals/{task} {json.dumps(task_args, sort_keys=True)}: estimated before the run")
    print(estimate_table(estimates))
    print(
        "Tokens are characters / 4 of the prompts the run would send; output tokens assume short replies; "
        "repair turns, retries and cache hits are not counted (docs/cost.md)."
    )
    return 0


def _analysis(args: argparse.Namespace) -> int:
    from realtalk_evals.reporting.analysis import build_analysis

    analysis = build_analysis(
        args.logs,
        Path(args.out),
        with_paper=args.with_paper,
        intimacy_x=args.intimacy_x,
        html=Path(args.html) if args.html else None,
    )
    return _printed(analysis)


def _finetune_export(args: argparse.Namespace) -> int:
    from realtalk_evals.finetune.export import export_training_data
    from realtalk_evals.parameters import whole_number_or_all

    exports = export_training_data(
        args.out,
        _speakers(args.speaker),
        whole_number_or_all("history_sessions", args.history_sessions),
        args.validation_fraction,
    )
    for e in exports:
        print(
            f"{e.speaker}: {e.train_examples} training and {e.validation_examples} validation examples "
            f"from {e.train_conversation} -> {e.directory}"
        )
    return 0


def _finetune_openai(args: argparse.Namespace) -> int:
    from openai import OpenAIError

    from realtalk_evals.finetune.openai_jobs import run_openai_finetune

    if not args.speaker and not args.job:
        raise ValueError("name the speakers with --speaker (or `all`), or the jobs to follow with --job")
    # options left out keep run_openai_finetune's defaults
    given = {name: getattr(args, name) for name in ("base_model", "poll_interval") if name in args}
    try:
        jobs = run_openai_finetune(
            _speakers(args.speaker),
            args.data,
            args.models_file,
            epochs=args.epochs,
            seed=args.seed,
            job_ids=args.job or (),
            **given,
        )
    except OpenAIError as error:
        print(f"realtalk: error: OpenAI API: {error}", file=sys.stderr)
        return 1
    for job in jobs:
        print(f"{job.speaker}: {job.job_id} {job.status} {job.inspect_model or job.error or ''}".rstrip())
    print(f"Models recorded in {args.models_file}")
    return 0 if all(job.status == "succeeded" for job in jobs) else 1


def _finetune_local(args: argparse.Namespace) -> int:
    from dataclasses import fields

    from realtalk_evals.finetune.local_lora import LoraSettings, run_local_finetune

    # the options are named after the settings (--max-steps -> max_steps); those left out keep its defaults
    settings = LoraSettings(**{f.name: getattr(args, f.name) for f in fields(LoraSettings) if f.name in args})
    if not args.speaker:
        raise ValueError("name the speakers to fine-tune with --speaker (or `all`)")
    for result in run_local_finetune(
        args.base_model, _speakers(args.speaker), args.data, args.out, args.models_file, settings
    ):
        print(
            f"{result.speaker}: {result.steps} steps on {result.device}, train loss {result.train_loss}, "
            f"validation loss {result.validation_loss} -> {result.inspect_model}"
        )
    print(f"Models recorded in {args.models_file}")
    return 0


ENTRY_POINT_GROUP = "inspect_ai"
"""The entry-point group in which Inspect finds installed packages' tasks, models and hooks."""


def registered_tasks() -> list[tuple[str, str]]:
    """(name, first docstring line) of every task this package registers with Inspect, read from its entry point
    (as Inspect loads it): `inspect list tasks` lists only task files under the current directory."""
    from importlib.metadata import entry_points

    from inspect_ai.util import registry_info

    found = []
    for point in entry_points(group=ENTRY_POINT_GROUP):
        if point.value.split(":")[0] != "realtalk_evals._registry":
            continue
        for value in vars(point.load()).values():
            try:
                info = registry_info(value)
            except (AttributeError, TypeError, ValueError):  # not a registered object
                continue
            if info.type == "task":
                found.append((info.name, (value.__doc__ or "").strip().splitlines()[0]))
    return sorted(set(found))


def _tasks(args: argparse.Namespace) -> int:
    """The registered tasks, as `inspect eval` names them from any directory."""
    for name, summary in registered_tasks():
        print(f"{name:<40} {summary}")
    return 0


def _html_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--html",
        metavar="DIR",
        help="also write the report as a static HTML site into DIR, each row linked to its samples in "
        "Inspect's log viewer (bundled into DIR/viewer)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="realtalk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="download, verify and describe the REALTALK dataset")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    fetch = data_commands.add_parser("download", help="download the pinned files and verify their SHA-256")
    fetch.add_argument("--dir", help="target directory (default: the per-user cache)")
    fetch.add_argument("--url", help="base URL of a mirror of upstream data/")
    fetch.set_defaults(handler=_data_download)
    info = data_commands.add_parser("info", help="print dataset statistics")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.set_defaults(handler=_data_info)
    stats = data_commands.add_parser(
        "stats", help="appendix A / section 5.1 statistics, REALTALK and LoCoMo, beside the paper's"
    )
    stats.set_defaults(handler=_data_stats)

    commands.add_parser("tasks", help="list the registered tasks (names for `inspect eval`)").set_defaults(
        handler=_tasks
    )
    models = commands.add_parser(
        "models",
        help="the local models: EI classifiers, BERTScore's model, the dense retriever's embedding model",
    )
    models_commands = models.add_subparsers(dest="models_command", required=True)
    models_commands.add_parser(
        "download", help="download the models ($REALTALK_*_MODEL or the defaults) into the Hugging Face cache"
    ).set_defaults(handler=_models_download)
    models_commands.add_parser(
        "check", help="check that every model loads without a download, or from a reachable Hub"
    ).set_defaults(handler=_models_check)

    report = commands.add_parser("report", help="paper-style tables, plots and cost from Inspect logs")
    report.add_argument("logs", nargs="+", help="log directories (searched recursively) or log files")
    report.add_argument("--out", default="reports", help="output directory (default: reports)")
    report.add_argument("--with-paper", action="store_true", help="show the paper's tables 2 and 3 beside")
    report.add_argument(
        "--model-cost-config",
        help="prices that override the logged cost, in Inspect's --model-cost-config format (YAML or JSON)",
    )
    _html_option(report)
    report.add_argument(
        "--evaluation-report",
        metavar="FILE",
        help="also write the Evaluation Report (models, commands, dates, samples, results beside the paper's, "
        "deviations) to FILE, e.g. docs/evaluation_report.md; the same logs give the same file",
    )
    report.set_defaults(handler=_report)

    cost = commands.add_parser(
        "cost", help="calls, tokens and dollars of a run, estimated before it is started (no model is called)"
    )
    cost.add_argument("task", help="memory_probing, persona_simulation, ei_analysis, judge_calibration, ...")
    cost.add_argument(
        "-T", dest="task_args", action="append", default=[], metavar="NAME=VALUE", help="task parameter"
    )
    cost.add_argument("--model", required=True, help="the model under test, as for inspect eval")
    cost.add_argument(
        "--model-role", action="append", default=[], metavar="grader=MODEL", help="the grader (a,b: a panel)"
    )
    cost.add_argument(
        "--model-cost-config",
        help="prices in Inspect's --model-cost-config format (YAML or JSON, USD per 1M tokens)",
    )
    cost.add_argument("--limit", type=int, help="the run's --limit")
    cost.add_argument("--epochs", type=int, default=1, help="the run's --epochs")
    cost.set_defaults(handler=_cost)

    analysis = commands.add_parser("analysis", help="table 7, figures 2/6 and 3 from ei_analysis logs")
    analysis.add_argument("logs", nargs="+", help="log directories (searched recursively) or log files")
    analysis.add_argument("--out", default="reports/ei_analysis", help="output directory")
    analysis.add_argument("--with-paper", action="store_true", help="show the paper's table 7 rows beside")
    analysis.add_argument(
        "--intimacy-x",
        choices=("position", "session"),
        default="position",
        help="fit intimacy progression against 1..n over the speaker's sessions (released code) or session numbers",
    )
    _html_option(analysis)
    analysis.set_defaults(handler=_analysis)

    finetune = commands.add_parser("finetune", help="per-speaker fine-tuning for persona simulation")
    finetune_commands = finetune.add_subparsers(dest="finetune_command", required=True)
    export = finetune_commands.add_parser(
        "export", help="training data from the speakers' train conversations"
    )
    _finetune_options(export, "table-8 speakers (default: all 10)")
    export.add_argument("--out", default="finetune_data", help="output directory (default: finetune_data)")
    export.add_argument("--history-sessions", default="3", help="earlier sessions per prompt, or `all`")
    export.add_argument("--validation-fraction", type=float, default=0.0, help="hold out the last fraction")
    export.set_defaults(handler=_finetune_export)
    hosted = finetune_commands.add_parser("openai", help="fine-tune through the OpenAI API, a job a speaker")
    _finetune_options(hosted, "table-8 speakers, or `all`", files=True)
    hosted.add_argument("--job", action="append", help="follow an earlier job again instead of starting one")
    hosted.add_argument(
        "--model",
        dest="base_model",
        metavar="MODEL",
        default=argparse.SUPPRESS,
        help="base model to fine-tune",
    )
    hosted.add_argument(
        "--poll-interval", type=float, default=argparse.SUPPRESS, help="seconds between status checks"
    )
    hosted.add_argument("--epochs", type=int, help="training epochs (default: OpenAI's choice)")
    hosted.add_argument("--seed", type=int, help="job seed")
    hosted.set_defaults(handler=_finetune_openai)
    local = finetune_commands.add_parser(
        "local", help="train a LoRA adapter per speaker (peft, transformers)"
    )
    _finetune_options(local, "table-8 speakers, or `all`", files=True)
    local.add_argument("--base-model", required=True, help="Hugging Face model id or local directory")
    local.add_argument("--out", default="finetuned", help="models go to OUT/<speaker> (default: finetuned)")
    # training settings default to LoraSettings' values
    local.add_argument("--epochs", type=float, default=argparse.SUPPRESS)
    local.add_argument(
        "--max-steps", type=int, default=argparse.SUPPRESS, help="stop after N optimizer steps (-1: no limit)"
    )
    local.add_argument("--learning-rate", type=float, default=argparse.SUPPRESS)
    local.add_argument("--batch-size", type=int, default=argparse.SUPPRESS)
    local.add_argument("--gradient-accumulation", type=int, default=argparse.SUPPRESS)
    local.add_argument(
        "--max-length", type=int, default=argparse.SUPPRESS, help="tokens per example (cut at the left)"
    )
    local.add_argument("--lora-r", type=int, default=argparse.SUPPRESS)
    local.add_argument("--lora-alpha", type=int, default=argparse.SUPPRESS)
    local.add_argument("--device", choices=("auto", "cpu", "cuda"), default=argparse.SUPPRESS)
    local.set_defaults(handler=_finetune_local)
    return parser


def _finetune_options(parser: argparse.ArgumentParser, speakers: str, files: bool = False) -> None:
    """`--speaker` (repeatable, `Emi,Kevin` or `Emi Kevin`), and the data and models files of a training run."""
    parser.add_argument("--speaker", action="extend", nargs="+", metavar="NAME", help=speakers)
    if files:
        parser.add_argument("--data", default="finetune_data", help="directory of `finetune export`")
        parser.add_argument(
            "--models-file", default="speaker_models.json", help="speaker -> model file to update"
        )


def _speakers(values: list[str] | None) -> list[str | int] | None:
    """`--speaker Emi,Kevin --speaker Paola` as a list of names; None (all 10) for `all` or no option."""
    from realtalk_evals.parameters import selection

    return None if not values else selection("--speaker", ",".join(values))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Command = args.handler
    try:
        return handler(args)
    except (DatasetError, ValueError, FileNotFoundError) as error:
        print(f"realtalk: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
