"""`realtalk report` groups every table by the full run identity, averages epochs per question, counts judge
failures alike everywhere, and lists incomplete runs apart (issue 21 points 5, 6, 15 and 16)."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.log import read_eval_log, write_eval_log
from inspect_ai.model import ChatMessage, ModelOutput, get_model
from inspect_ai.scorer import match
from inspect_ai.solver import generate

from realtalk_evals.cli import main
from realtalk_evals.reporting.report import report_sections
from realtalk_evals.reporting.runs import load_runs
from realtalk_evals.reporting.sections import Source
from realtalk_evals.tasks.memory_probing import memory_probing

QUESTIONS = 4


def _prompt_judge(messages: list[ChatMessage], *_: object) -> ModelOutput:
    """Accepts under the suite's judge prompt, rejects under the released one: one grader, two verdicts."""
    score = int(messages[-1].text.startswith("You are grading"))
    return ModelOutput.from_content(model="judge", content=f'{{"score": {score}}}')


def _grader() -> object:
    return get_model("realtalk/mock/judge", custom_outputs=_prompt_judge, memoize=False)


def _run(
    log_dir: Path, model: object, grader: object, epochs: int = 1, limit: int = QUESTIONS, **task_args: object
) -> str:
    [log] = eval(
        memory_probing(conversations=1, **task_args),  # type: ignore[arg-type]
        model=model,  # type: ignore[arg-type]
        model_roles={"grader": grader},  # type: ignore[dict-item]
        limit=limit,
        epochs=epochs,
        log_dir=str(log_dir),
        display="none",
    )
    return log.location


def _paris() -> object:
    return get_model("realtalk/mock", reply="Paris", memoize=False)


def _explodes(messages: list[ChatMessage], *_: object) -> ModelOutput:
    raise RuntimeError("the provider exploded")


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One directory with runs that must never share a row, and runs that must never feed a table."""
    root = tmp_path_factory.mktemp("identity")
    log_dir = root / "logs"
    made: dict[str, object] = {"dir": log_dir}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSPECT_CACHE_DIR", str(root / "inspect-cache"))
        made["released"] = _run(log_dir, _paris(), _grader(), epochs=3)
        made["suite"] = _run(log_dir, _paris(), _grader(), judge_prompt="suite")
        made["miami"] = _run(log_dir, get_model("realtalk/mock", reply="Miami", memoize=False), _grader())
        made["locomo"] = _run(log_dir, _paris(), _grader(), epochs=3, dataset="locomo")
        made["recent"] = _run(log_dir, _paris(), _grader(), memory="recent", top_k=1)
        panel = [
            get_model("realtalk/mock/a", reply="no verdict", memoize=False),
            get_model("realtalk/mock/b", reply="none either", memoize=False),
        ]
        made["panel"] = _run(log_dir, _paris(), panel)
        made["empty"] = _run(log_dir, _paris(), _grader(), limit=0, memory="recent", top_k=2)
        [errored] = eval(
            memory_probing(conversations=1),
            model=get_model("realtalk/mock", custom_outputs=_explodes, memoize=False),
            model_roles={"grader": _grader()},  # type: ignore[dict-item]
            limit=2,
            log_dir=str(log_dir),
            display="none",
        )
        assert errored.status == "error"
        made["errored"] = errored.location
        # a copied task that kept the suite's name and metadata but not the samples' category_name
        [copied] = eval(
            Task(
                dataset=[Sample(input="Where?", target="Paris", id="q1")],
                solver=generate(),
                scorer=match(),
                name="memory_probing",
                metadata={"benchmark": "memory_probing"},
            ),
            model=_paris(),  # type: ignore[arg-type]
            log_dir=str(log_dir),
            display="none",
        )
        made["copied"] = copied.location
    # a cancelled run, as Inspect records one stopped by the user (Ctrl-C) before it finished
    cancelled = read_eval_log(str(made["released"]))
    cancelled.status = "cancelled"
    cancelled.location = str(log_dir / "2020-01-01T00-00-00+00-00_memory-probing_cancelled.eval")
    write_eval_log(cancelled, cancelled.location)
    made["cancelled"] = cancelled.location
    return made


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def report(logs: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("report")
    assert main(["report", str(logs["dir"]), "--out", str(out)]) == 0
    return out, (out / "report.md").read_text(encoding="utf-8")


def _name(location: object) -> str:
    return Path(str(location)).name


def test_incomplete_runs_are_listed_apart_with_status_and_error(
    logs: dict[str, object], report: tuple[Path, str]
) -> None:
    out, markdown = report
    left = {_name(row["logs"]): row for row in _csv(out / "left_out.csv")}
    assert set(left) == {_name(logs[k]) for k in ("empty", "errored", "copied", "cancelled")}
    assert left[_name(logs["empty"])]["reason"] == "no samples (run with --limit 0)"
    assert left[_name(logs["errored"])]["status"] == "error"
    assert "the provider exploded" in left[_name(logs["errored"])]["reason"]
    assert left[_name(logs["cancelled"])]["status"] == "cancelled"
    assert "lacks the suite's metadata category_name" in left[_name(logs["copied"])]["reason"]
    assert "## Runs left out" in markdown
    used = {_name(row["logs"]) for row in _csv(out / "runs.csv")}
    assert used == {_name(logs[k]) for k in ("released", "suite", "miami", "locomo", "recent", "panel")}
    for table in ("memory_probing.csv", "memory_systems.csv", "length_bias.csv", "realtalk_vs_locomo.csv"):
        named = {_name(log) for row in _csv(out / table) for log in row["logs"].split()}
        assert named <= used, table


def test_nothing_usable_left_exits_non_zero_with_the_listing(
    logs: dict[str, object],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    only = tmp_path / "logs"
    only.mkdir()
    for key in ("empty", "errored", "copied"):
        (only / _name(logs[key])).write_bytes(Path(str(logs[key])).read_bytes())
    with caplog.at_level(logging.WARNING):
        assert main(["report", str(only), "--out", str(tmp_path / "out")]) == 1
    printed = capsys.readouterr()
    assert "## Runs left out" in printed.out and "the provider exploded" in printed.out
    assert "no usable run: 3 log(s) left out" in printed.err
    assert "category_name" in caplog.text  # the copied task is skipped with a warning, not a KeyError
    assert not (tmp_path / "out" / "memory_probing.csv").exists()


def test_table_3_keeps_judge_prompts_model_args_and_graders_apart(report: tuple[Path, str]) -> None:
    out, markdown = report
    rows = _csv(out / "memory_probing.csv")
    assert len(rows) == 4  # released, suite, Miami, panel: LoCoMo and memory=recent have their own tables
    by_prompt = {(r["judge_prompt"], r["model args"], r["grader"]): r for r in rows}
    released = by_prompt[("released", "reply=Paris", "realtalk/mock/judge")]
    suite = by_prompt[("suite", "reply=Paris", "realtalk/mock/judge")]
    assert (float(released["llm_all_mean"]), float(suite["llm_all_mean"])) == (0.0, 1.0)  # not one 0.5 row
    assert ("released", "reply=Miami", "realtalk/mock/judge") in by_prompt
    header = next(
        line for line in markdown.splitlines() if line.startswith("| model | model args | grader |")
    )
    assert "judge_prompt" in header and "dataset" in header
    assert released["samples"] == str(QUESTIONS) and released["epochs"] == "3"


def test_judge_failures_add_up_across_tables(logs: dict[str, object], report: tuple[Path, str]) -> None:
    out, _ = report
    [run] = [r for r in _csv(out / "runs.csv") if _name(r["logs"]) == _name(logs["panel"])]
    [row] = [r for r in _csv(out / "memory_probing.csv") if r["grader"].startswith("realtalk/mock/a")]
    assert run["judge failures"] == row["judge_failures"] == str(2 * QUESTIONS)  # two judges, every answer
    assert row["llm_all_n"] == "0"  # no verdict, no accuracy


def test_datasets_pair_only_runs_that_share_every_other_setting(report: tuple[Path, str]) -> None:
    out, markdown = report
    rows = _csv(out / "realtalk_vs_locomo.csv")
    [pair] = {(r["memory"], r["judge_prompt"], r["model args"], r["grader"]) for r in rows}
    assert pair[0] == "full" and pair[1] == "released" and pair[2] == "reply=Paris"
    shared = next(r for r in rows if r["category"] == "all")
    assert shared["realtalk_f1_n"] == str(
        QUESTIONS
    )  # the full run, not the memory=recent one; epochs averaged
    assert shared["locomo_f1_n"] == str(QUESTIONS)
    section = markdown.split("## Memory probing: REALTALK")[1].split("\n## ")[0]
    assert "| model | model args | grader | category |" in section  # the grader named, the dataset compared


def test_memory_systems_count_questions_not_epochs(report: tuple[Path, str]) -> None:
    out, _ = report
    rows = _csv(out / "memory_systems.csv")
    assert {r["samples"] for r in rows} == {str(QUESTIONS)}
    recent = [r for r in rows if r["memory"] == "recent"]
    assert [r["top_k"] for r in recent] == ["1"]
    assert {r["dataset"] for r in rows} == {"realtalk", "locomo"}


def test_length_bias_keeps_datasets_and_graders_apart(report: tuple[Path, str]) -> None:
    out, _ = report
    rows = _csv(out / "length_bias.csv")
    identities = {(r["dataset"], r["memory"], r["judge_prompt"], r["model args"], r["grader"]) for r in rows}
    assert len(identities) == 6  # every usable run is its own identity
    assert all(int(r["n"]) <= QUESTIONS for r in rows)


def test_rows_name_the_logs_and_samples_they_came_from(logs: dict[str, object]) -> None:
    runs = load_runs([Path(str(logs["dir"]))])
    [memory] = [s for s in report_sections(runs) if s.title == "Memory probing (paper table 3)"]
    [released] = [
        row
        for row in memory.tables[0].rows
        if {"reply=Paris", "realtalk/mock/judge", "released"} <= set(row.cells)
    ]
    [source] = released.sources
    assert _name(source.log) == _name(logs["released"])
    log = read_eval_log(str(logs["released"]))
    assert source == Source(source.log, tuple(f"{s.id}:{s.epoch}" for s in log.samples or []))
    assert len(source.samples) == 3 * QUESTIONS


def test_task_defaults_are_read_from_the_log(logs: dict[str, object], tmp_path: Path) -> None:
    """A later task version with another default: the report shows what the log says ran."""
    log = read_eval_log(str(logs["recent"]))
    log.eval.task_args = {**log.eval.task_args, "unit": "session"}
    (tmp_path / "logs").mkdir()
    write_eval_log(log, str(tmp_path / "logs" / _name(logs["recent"])))
    assert main(["report", str(tmp_path / "logs"), "--out", str(tmp_path / "out")]) == 0
    [row] = _csv(tmp_path / "out" / "memory_systems.csv")
    assert (row["memory"], row["top_k"], row["unit"]) == ("recent", "1", "session")
