"""The `realtalk` command: dataset management (and, as they land, reports and analysis)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from realtalk_evals.data_files import cache_directory, data_directory, download
from realtalk_evals.errors import DatasetError

Command = Callable[[argparse.Namespace], int]


def _data_download(args: argparse.Namespace) -> int:
    target = Path(args.dir) if args.dir else cache_directory()
    download(target, base_url=args.url)
    print(f"REALTALK data verified in {target}")
    return 0


def _data_info(args: argparse.Namespace) -> int:
    from realtalk_evals.dataset import load_conversations
    from realtalk_evals.statistics import conversation_stats, dataset_totals

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


def _report(args: argparse.Namespace) -> int:
    from realtalk_evals.report.build import build_report
    from realtalk_evals.report.pricing import load_prices
    from realtalk_evals.report.runs import load_runs

    runs = load_runs(args.logs, load_prices(args.prices))
    report = build_report(runs, Path(args.out), with_paper=args.with_paper)
    print(report.markdown)
    print("Wrote " + ", ".join(str(path) for path in report.files))
    return 0


def _analysis(args: argparse.Namespace) -> int:
    from realtalk_evals.analysis.build import build_analysis

    analysis = build_analysis(args.logs, Path(args.out), with_paper=args.with_paper)
    print(analysis.markdown)
    print("Wrote " + ", ".join(str(path) for path in analysis.files))
    return 0


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

    report = commands.add_parser("report", help="paper-style tables, plots and cost from Inspect logs")
    report.add_argument("logs", nargs="+", help="log directories (searched recursively) or log files")
    report.add_argument("--out", default="reports", help="output directory (default: reports)")
    report.add_argument("--with-paper", action="store_true", help="show the paper's tables 2 and 3 beside")
    report.add_argument(
        "--prices", help="JSON file of model -> {input, output, cached_input} USD per 1M tokens"
    )
    report.set_defaults(handler=_report)

    analysis = commands.add_parser("analysis", help="table 7, figures 2/6 and 3 from ei_analysis logs")
    analysis.add_argument("logs", nargs="+", help="log directories (searched recursively) or log files")
    analysis.add_argument("--out", default="reports/ei_analysis", help="output directory")
    analysis.add_argument("--with-paper", action="store_true", help="show the paper's table 7 rows beside")
    analysis.set_defaults(handler=_analysis)
    return parser


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
