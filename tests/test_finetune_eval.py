"""`persona_simulation -T speaker_models=FILE` (each speaker answered by their own model) and the report's
"w/o vs. w/ fine-tune" table with its paired test, on real logs of mock-model runs."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, EvalSample, read_eval_log
from inspect_ai.model import get_model
from scipy.stats import ttest_rel
from test_persona_task import Grader, tiny_model_args
from tiny_models import TinyModels

import realtalk_evals
from realtalk_evals.cli import main
from realtalk_evals.errors import InputError
from realtalk_evals.persona.speaker_models import read_speaker_models, record_speaker_models
from realtalk_evals.reporting.persona import PERSONA_COLUMNS
from realtalk_evals.tasks.persona_simulation import persona_simulation

SPEAKERS = ("Emi", "Kevin", "Paola")
FINE_TUNED = {
    "emi": "realtalk/mock/emi-ft",  # any case, as in the task's `speaker` parameter
    "Kevin": {"model": "realtalk/mock/kevin-ft", "model_args": {"reply": "haha yes, I love that show too"}},
    "Paola": {"model": "realtalk/mock/paola-ft", "model_args": {"reply": "Good morning! How are you?"}},
}


GRADER = Grader()
"""One judge for both arms: the report pairs runs only when the same grader judged them."""


def persona_run(log_dir: Path, **task_args: object) -> EvalLog:
    [log] = eval(
        persona_simulation(speaker=",".join(SPEAKERS), max_per_speaker=3, **tiny_model_args(), **task_args),  # type: ignore[arg-type]
        model=get_model("realtalk/mock/base", reply="I think so, what about you?", memoize=False),
        model_roles={"grader": GRADER.model()},
        log_dir=str(log_dir),
        display="none",
    )
    return read_eval_log(log.location)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, EvalLog]:
    """A base run and a fine-tuned run of the same three speakers, in one log directory."""
    root = tmp_path_factory.mktemp("finetune-eval")
    models_file = root / "speaker_models.json"
    models_file.write_text(json.dumps(FINE_TUNED))
    persona_run(root / "logs")
    tuned = persona_run(root / "logs", speaker_models=str(models_file))
    return root / "logs", models_file, tuned


@pytest.mark.slow
def test_each_speaker_is_answered_by_their_own_model(logs: tuple[Path, Path, EvalLog]) -> None:
    _, models_file, log = logs
    assert log.status == "success" and log.samples is not None and len(log.samples) == 9
    assert log.eval.task_args["speaker_models"] == str(models_file)
    assert log.eval.metadata is not None and log.eval.metadata["speaker_models"] == {
        "Emi": "realtalk/mock/emi-ft",
        "Kevin": "realtalk/mock/kevin-ft",
        "Paola": "realtalk/mock/paola-ft",
    }
    expected = {
        "Emi": "realtalk/mock/emi-ft",
        "Kevin": "realtalk/mock/kevin-ft",
        "Paola": "realtalk/mock/paola-ft",
    }
    for sample in log.samples:
        speaker = sample.metadata["speaker"]
        assert sample.metadata["answered_by"] == expected[speaker]
        [call] = [e for e in sample.events if e.event == "model" and e.role is None]
        assert call.model == expected[speaker]
        assert call.input[0].text.startswith(f"You are {sample.metadata['speaker_name']}.")
    kevin = next(s for s in log.samples if s.metadata["speaker"] == "Kevin")
    assert kevin.output.completion == "haha yes, I love that show too"
    assert "realtalk/mock/base" not in log.stats.model_usage  # the run's --model answered nothing
    assert set(log.stats.model_usage) >= set(expected.values())


def test_report_compares_without_and_with_fine_tuning(
    logs: tuple[Path, Path, EvalLog], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_dir, models_file, _ = logs
    assert main(["report", str(log_dir), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "## Persona simulation: w/o vs. w/ fine-tune (paper table 2)" in printed
    assert "| w/o fine-tune | realtalk/mock/base | 3 |" in printed
    assert f"| w/ fine-tune | fine-tuned ({models_file}) | 3 |" in printed
    assert "p (paired t-test)" in printed

    # the p-values are scipy's paired t-test on the per-speaker means read straight from the logs
    means: dict[str, dict[str, dict[str, float]]] = {}
    for path in sorted(log_dir.glob("*.eval")):
        log = read_eval_log(str(path))
        arm = "with" if log.eval.task_args.get("speaker_models") else "without"
        for column, (scorer, key) in PERSONA_COLUMNS.items():
            for speaker in SPEAKERS:
                values = [
                    score_value(s, scorer, key) for s in log.samples or [] if s.metadata["speaker"] == speaker
                ]
                finite = [v for v in values if not math.isnan(v)]
                means.setdefault(column, {}).setdefault(arm, {})[speaker] = sum(finite) / len(finite)
    rows = list(csv_rows(tmp_path / "persona_finetune.csv"))
    for column in ("lexical", "sentiment", "empathy"):
        without = [means[column]["without"][s] for s in SPEAKERS]
        with_ = [means[column]["with"][s] for s in SPEAKERS]
        [mean_row] = [r for r in rows if r["column"] == column and r["speaker"] == "mean"]
        assert float(mean_row["p_paired_t"]) == pytest.approx(ttest_rel(with_, without).pvalue)
        assert float(mean_row["with"]) == pytest.approx(sum(with_) / 3)
        for speaker, before, after in zip(SPEAKERS, without, with_, strict=True):
            [row] = [r for r in rows if r["column"] == column and r["speaker"] == speaker]
            assert float(row["without"]) == pytest.approx(before) and float(row["with"]) == pytest.approx(
                after
            )


def score_value(sample: EvalSample, scorer: str, key: str) -> float:
    """`key` of a sample's dict score, as Inspect logged it."""
    value: Any = (sample.scores or {})[scorer].value
    return float(value[key])


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_bad_speaker_models_files_fail_before_any_model_call(
    tmp_path: Path, tiny_model_env: TinyModels
) -> None:
    path = tmp_path / "models.yaml"
    with pytest.raises(InputError, match=f"speaker_models: no file at {path} "):
        persona_simulation(speaker="Emi", speaker_models=str(path))
    path.write_text("Emi: realtalk/mock/emi-ft\nBob: realtalk/bob-ft\n")
    with pytest.raises(InputError, match="unknown speaker 'Bob'; valid choices: Emi, Nicolas"):
        persona_simulation(speaker="Emi", speaker_models=str(path))
    path.write_text("Emi: realtalk/mock/emi-ft\n")  # YAML works too
    with pytest.raises(InputError, match="has no model for Kevin"):
        persona_simulation(speaker="Emi,Kevin", speaker_models=str(path))
    with pytest.raises(InputError, match="speaker_models needs solver=model"):
        persona_simulation(speaker="Emi", speaker_models=str(path), solver="gold")
    assert persona_simulation(speaker="Emi", speaker_models=str(path), max_per_speaker=1) is not None
    for bad in ('{"Emi": ""}', '{"Emi": 3}', '{"Emi": {"model": "a/b", "args": {}}}', "[1, 2]", "{"):
        path.write_text(bad)
        with pytest.raises(InputError, match=str(path)):
            read_speaker_models(path)


def test_a_relative_path_is_read_from_the_directory_the_command_runs_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`inspect eval tasks/persona_simulation.py` builds the task inside tasks/: the path is read from where
    the user started the command, whatever the current directory is then."""
    (tmp_path / "models.json").write_text('{"Kevin": "realtalk/mock/kevin-ft"}')
    (tmp_path / "tasks").mkdir()
    monkeypatch.chdir(tmp_path / "tasks")
    monkeypatch.setattr(realtalk_evals, "LAUNCH_DIRECTORY", str(tmp_path))
    assert read_speaker_models("models.json") == {
        "Kevin": {"model": "realtalk/mock/kevin-ft", "model_args": {}}
    }
    monkeypatch.setattr(realtalk_evals, "LAUNCH_DIRECTORY", str(tmp_path / "tasks"))
    with pytest.raises(InputError, match=f"no file at {tmp_path / 'tasks' / 'models.json'} "):
        read_speaker_models("models.json")


def test_recording_keeps_other_entries_and_model_args(tmp_path: Path) -> None:
    path = tmp_path / "models.json"
    record_speaker_models(path, {"fahim": "openai/ft:a"})
    record_speaker_models(path, {"Emi": "hf//models/emi"})
    path.write_text(
        json.dumps({**json.loads(path.read_text()), "Kevin": {"model": "x/y", "model_args": {"a": 1}}})
    )
    record_speaker_models(path, {"Fahim": "openai/ft:b"})
    assert json.loads(path.read_text()) == {
        "Fahim": "openai/ft:b",
        "Emi": "hf//models/emi",
        "Kevin": {"model": "x/y", "model_args": {"a": 1}},
    }
    assert [p.name for p in tmp_path.iterdir()] == ["models.json"]  # no temporary file left behind


TABLE_8 = {  # speaker: (reflective, emotion) without and with fine-tuning, from the paper's table 8
    "Emi": ((0.78, 0.71), (0.81, 0.76)),
    "Nicolas": ((0.64, 0.21), (0.88, 0.26)),
    "Kevin": ((0.76, 0.68), (0.72, 0.64)),
    "Akib": ((0.53, 0.15), (0.61, 0.24)),
    "Muhhamed": ((0.46, 0.29), (0.72, 0.29)),
    "Nebraas": ((0.74, 0.37), (0.87, 0.42)),
    "Paola": ((0.68, 0.77), (0.71, 0.77)),
    "Vanessa": ((0.68, 0.34), (0.82, 0.33)),
    "Elise": ((0.54, 0.43), (0.84, 0.58)),
    "Fahim": ((0.42, 0.32), (0.71, 0.35)),
}


def test_the_paired_test_on_the_papers_own_table_8() -> None:
    """The paper's "p < 0.02 for all attributes" holds for reflectiveness but not emotion under this test."""
    from realtalk_evals.reporting.finetune_compare import FineTuneComparison
    from realtalk_evals.reporting.persona import PersonaRow

    def row(label: str, arm: int) -> PersonaRow:
        speakers = {s: dict(zip(("reflective", "emotion"), v[arm], strict=True)) for s, v in TABLE_8.items()}
        return PersonaRow(label=label, speakers=speakers)

    comparison = FineTuneComparison(base=row("w/o", 0), tuned=row("w/", 1))
    assert comparison.p_value("reflective") == pytest.approx(0.0042, abs=1e-4)
    assert comparison.p_value("emotion") == pytest.approx(0.0614, abs=1e-4)
    assert comparison.summary(comparison.tuned, "reflective")[0] == pytest.approx(0.769)  # table 2: 0.77

    few = FineTuneComparison(base=row("w/o", 0), tuned=row("w/", 0))
    assert math.isnan(few.p_value("emotion"))  # no difference at all: no test
    few.tuned.speakers = {"Emi": few.tuned.speakers["Emi"]}
    assert few.speakers("emotion") == ["Emi"] and math.isnan(few.p_value("emotion"))
