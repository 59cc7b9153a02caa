"""Problems found before money is spent: each stops the task when it is built, with one clear message."""

from __future__ import annotations

import inspect
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from command_line import INSPECT_EVAL, printed, run_command
from inspect_ai import Task
from tiny_models import TinyModels

import realtalk_evals.tasks
from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.data.simulated import as_dataset_json
from realtalk_evals.errors import InputError
from realtalk_evals.task_names import TASK_NAMES
from realtalk_evals.tasks.conversation_simulation import conversation_simulation
from realtalk_evals.tasks.ei_analysis import ei_analysis
from realtalk_evals.tasks.judge_calibration import judge_calibration
from realtalk_evals.tasks.memory_probing import memory_probing
from realtalk_evals.tasks.persona_simulation import persona_simulation

TASKS: dict[str, Callable[..., Task]] = {
    "memory_probing": memory_probing,
    "judge_calibration": judge_calibration,
    "conversation_simulation": conversation_simulation,
    "ei_analysis": ei_analysis,
    "persona_simulation": persona_simulation,
}


@dataclass(frozen=True)
class SelectionCase:
    """A selecting parameter of a task: a valid and an unknown value, and other arguments that keep it cheap."""

    task: str
    parameter: str
    valid: object
    unknown: object
    unknown_message: str
    others: dict[str, object]

    def build(self, value: object) -> Task:
        return TASKS[self.task](**self.others, **{self.parameter: value})


SELECTIONS = [
    SelectionCase("memory_probing", "conversations", 1, 11, "unknown conversation 11", {"categories": 2}),
    SelectionCase("memory_probing", "categories", "temporal", "spatial", "unknown category 'spatial'", {}),
    SelectionCase(
        "judge_calibration",
        "conversations",
        "2",
        "Chat_99",
        "unknown conversation 'Chat_99'",
        {"categories": 2},
    ),
    SelectionCase("judge_calibration", "categories", 3, 4, "unknown category 4", {"conversations": 1}),
    SelectionCase(
        "judge_calibration",
        "judge_prompts",
        "suite",
        "gpt4",
        "unknown judge prompt 'gpt4'",
        {"conversations": 1, "categories": 2},
    ),
    SelectionCase(
        "conversation_simulation", "pairs", "Chat_2_Kevin_Elise", 11, "unknown conversation 11", {}
    ),
    SelectionCase("conversation_simulation", "sessions", "1,2", 40, "unknown session 40", {}),
    SelectionCase(
        "ei_analysis", "conversations", [1, 2], "Chat_11", "unknown conversation 'Chat_11'", {"sessions": 1}
    ),
    SelectionCase("ei_analysis", "sessions", 2, "two", "unknown session 'two'", {"conversations": 1}),
    SelectionCase(
        "persona_simulation", "speaker", "emi,Kevin", "Bob", "unknown speaker 'Bob'", {"max_per_speaker": 1}
    ),
]
"""Every selecting parameter of every task, met with the same table of inputs below."""

IDS = [f"{case.task}-{case.parameter}" for case in SELECTIONS]


def size(task: Task) -> int:
    """How much a task would run: its model calls where it counts them (a simulated pair is one sample), else
    its samples."""
    return int((task.metadata or {}).get("model_calls", len(task.dataset)))


def test_every_task_is_in_the_table() -> None:
    assert set(TASKS) == set(TASK_NAMES) == {case.task for case in SELECTIONS}


@pytest.mark.parametrize("case", SELECTIONS, ids=IDS)
@pytest.mark.parametrize("empty", [None, "", " ", []])
def test_an_empty_selection_selects_nothing_and_says_so(
    tiny_model_env: TinyModels, case: SelectionCase, empty: object
) -> None:
    """`-T speaker=` reaches the task as None (Inspect reads the empty value as YAML null): refused in every
    task, never read as "all"."""
    with pytest.raises(
        InputError, match=re.escape(f"{case.parameter} is empty: `-T {case.parameter}=` selects nothing")
    ):
        case.build(empty)


@pytest.mark.parametrize("case", SELECTIONS, ids=IDS)
def test_all_is_the_default_and_a_valid_value_selects_less(
    tiny_model_env: TinyModels, case: SelectionCase
) -> None:
    default = size(TASKS[case.task](**case.others))
    assert size(case.build("all")) == size(case.build("ALL")) == default
    assert 0 < size(case.build(case.valid)) < default


@pytest.mark.parametrize("case", SELECTIONS, ids=IDS)
@pytest.mark.parametrize("wrong", [1.0, True, {"a": 1}, [1, 2.5]])
def test_a_selection_of_the_wrong_type_stops_the_task(
    tiny_model_env: TinyModels, case: SelectionCase, wrong: object
) -> None:
    with pytest.raises(InputError, match=re.escape(f"{case.parameter} must be names or whole numbers")):
        case.build(wrong)


@pytest.mark.parametrize("case", SELECTIONS, ids=IDS)
def test_an_unknown_value_names_the_valid_choices(tiny_model_env: TinyModels, case: SelectionCase) -> None:
    with pytest.raises(InputError, match=re.escape(case.unknown_message) + ".*; valid choices: "):
        case.build(case.unknown)


@pytest.mark.parametrize("task", TASK_NAMES)
def test_an_unknown_parameter_name_stops_every_task(tiny_model_env: TinyModels, task: str) -> None:
    with pytest.raises(InputError, match=rf"^{task} has no parameter 'nope'; its parameters are: "):
        TASKS[task](nope=1)
    documented = [
        p.name for p in inspect.signature(TASKS[task]).parameters.values() if p.kind is p.KEYWORD_ONLY
    ]
    with pytest.raises(InputError, match=f"did you mean {documented[0]!r}"):
        TASKS[task](**{documented[0][:-1] + "x": 1})


@pytest.mark.parametrize(
    ("task", "args", "message"),
    [
        ("memory_probing", {"top_k": 1.5}, "top_k must be a whole number of at least 1, got 1.5"),
        (
            "memory_probing",
            {"agent_token_limit": True},
            "agent_token_limit must be a whole number of at least 1",
        ),
        ("memory_probing", {"unit": "paragraph"}, "unknown unit 'paragraph'; valid choices: turn, session"),
        ("memory_probing", {"input": "event"}, "unknown input 'event' (did you mean 'events'?)"),
        (
            "memory_probing",
            {"judge_prompt": "releasd"},
            "unknown judge_prompt 'releasd' (did you mean 'released'?)",
        ),
        ("judge_calibration", {"seed": 1.5}, "seed must be an integer, got 1.5"),
        ("judge_calibration", {"dataset": "locmo"}, "unknown dataset 'locmo' (did you mean 'locomo'?)"),
        (
            "conversation_simulation",
            {"messages_per_session": "0"},
            "messages_per_session must be a whole number of at least 1",
        ),
        ("ei_analysis", {"merge": "no"}, "merge must be true or false, got 'no'"),
        ("ei_analysis", {"dataset": 3}, "dataset must be one of realtalk, locomo or a path, got 3"),
        ("persona_simulation", {"discrimination": 1}, "discrimination must be true or false, got 1"),
        (
            "persona_simulation",
            {"history_sessions": -1},
            "history_sessions must be a whole number of at least 0 or 'all'",
        ),
        ("persona_simulation", {"split": "dev"}, "unknown split 'dev'; valid choices: test, train"),
        ("persona_simulation", {"speaker": 1.5}, "speaker must be names or whole numbers"),
        ("persona_simulation", {"bertscore_layers": "abc"}, "bertscore_layers must be a whole number"),
        ("persona_simulation", {"sentiment_model": 1.0}, "sentiment_model must be a Hugging Face model id"),
    ],
)
def test_numbers_booleans_and_choices_of_the_wrong_kind_stop_the_task(
    tiny_model_env: TinyModels, task: str, args: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        TASKS[task](**args)


def inspect_eval(cwd: Path, *arguments: str, env: dict[str, str] | None = None) -> str:
    """`inspect eval ...` run as a user runs it, in `cwd`: its console output on one line, and its exit code."""
    command = [*INSPECT_EVAL, *arguments, "--model", "realtalk/mock", "--log-dir", str(cwd / "logs")]
    result = run_command(command, cwd, env, timeout=900)
    return f"{printed(result)} exit {result.returncode}"


def assert_stopped_before_any_model_call(output: str, cwd: Path) -> None:
    assert not output.endswith("exit 0") and "Traceback" not in output, output
    assert not list(cwd.glob("logs/*.eval"))  # no log: stopped while the task was built


@pytest.mark.slow
def test_an_empty_value_on_the_command_line_selects_nothing_and_says_so(tmp_path: Path) -> None:
    """Issue 21: `conversation_simulation -T pairs=` started all 10 pairs (3,874 model calls)."""
    output = inspect_eval(tmp_path, "realtalk_evals/conversation_simulation", "-T", "pairs=")
    assert_stopped_before_any_model_call(output, tmp_path)
    assert "pairs is empty: `-T pairs=` selects nothing" in output


@pytest.mark.slow
def test_a_misspelt_parameter_name_on_the_command_line_stops_with_one_message(tmp_path: Path) -> None:
    """Issue 21: `-T memroy=bm25` printed a warning and ran the full-context default (19.1 M input tokens)."""
    output = inspect_eval(
        tmp_path, "realtalk_evals/memory_probing", "-T", "memroy=bm25", "-T", "conversations=1"
    )
    assert_stopped_before_any_model_call(output, tmp_path)
    assert "memory_probing has no parameter 'memroy' (did you mean 'memory'?)" in output
    assert "not used by task" not in output  # Inspect's own warning no longer shows: the task takes the name


@pytest.mark.slow
def test_relative_paths_on_the_command_line_are_read_from_the_users_directory(tmp_path: Path) -> None:
    """Issue 21: `inspect eval tasks/ei_analysis.py -T dataset=logs/sim` from the repository root said
    `unknown dataset 'logs/sim'`: Inspect builds a task from a task file inside the file's folder (`tasks/`).
    `sessions=99` stops the run just after the dataset is read, with a message naming what was read."""
    (tmp_path / "sims").mkdir()
    [conversation] = select_conversations(1)
    raw = as_dataset_json(conversation, simulated_by="realtalk/mock")
    (tmp_path / "sims" / "Chat_1_Emi_Elise.json").write_text(json.dumps(raw), encoding="utf-8")
    (tmp_path / "tasks").symlink_to(
        Path(realtalk_evals.tasks.__file__).parent
    )  # as in a clone of the repository
    output = inspect_eval(tmp_path, "tasks/ei_analysis.py", "-T", "dataset=sims", "-T", "sessions=99")
    assert_stopped_before_any_model_call(output, tmp_path)
    assert (
        "unknown session 99; valid choices: the sessions of the selection (Chat_1_Emi_Elise: 1-18)" in output
    )
    output = inspect_eval(tmp_path, "tasks/ei_analysis.py", "-T", "dataset=logs/sim")
    assert_stopped_before_any_model_call(output, tmp_path)
    looked_up = tmp_path / "logs" / "sim"
    assert (
        f"unknown dataset 'logs/sim'; valid choices: realtalk, locomo, or an existing path ({looked_up} does not exist; a relative path is read from {tmp_path}"
        in output
    )


def test_a_missing_local_classifier_directory_stops_the_task(
    tmp_path: Path, tiny_model_env: TinyModels
) -> None:
    missing = tmp_path / "models" / "emotion"
    with pytest.raises(InputError) as error:
        persona_simulation(speaker="Emi", emotion_model=str(missing))
    assert f"emotion classifier '{missing}' (chosen by -T emotion_model or $REALTALK_EMOTION_MODEL)" in str(
        error.value
    )
    assert "is not an existing local directory" in str(error.value)
    with pytest.raises(InputError, match="intimacy classifier .* is not an existing local directory"):
        ei_analysis(conversations=1, intimacy_model=str(missing))


def test_bertscore_layers_out_of_range_stop_the_task(tmp_path: Path, tiny_model_env: TinyModels) -> None:
    with pytest.raises(
        InputError, match=r"bertscore_layers=3 is out of range: .* has 2 layers \(choose 1-2\)"
    ):
        persona_simulation(speaker="Emi", bertscore_layers=3)
    assert persona_simulation(speaker="Emi", bertscore_layers=2, max_per_speaker=1) is not None
    copy = tmp_path / "encoder"
    shutil.copytree(tiny_model_env.bertscore, copy)
    with pytest.raises(
        InputError, match="bert-score does not know .*encoder: give its layer with -T bertscore_layers"
    ):
        persona_simulation(speaker="Emi", bertscore_model=str(copy), bertscore_layers="")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("nope/model", "'nope/model': Model API nope of model 'nope/model' not recognized"),
        ("gpt-4o", "'gpt-4o': Model name 'gpt-4o' should be in the format of <api_name>/<model_name>"),
        ("hf//no/such/model/dir", "'hf//no/such/model/dir': no model directory /no/such/model/dir"),
        (
            "openai/ft:gpt-4o-mini:org:emi",
            "'openai/ft:gpt-4o-mini:org:emi': ERROR: Unable to initialise OpenAI client No OPENAI_API_KEY",
        ),  # no key: found now, not after the first answers
    ],
)
def test_a_speaker_models_file_with_a_model_that_cannot_be_made_stops_the_task(
    tmp_path: Path, tiny_model_env: TinyModels, monkeypatch: pytest.MonkeyPatch, entry: str, message: str
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("AZUREAI_OPENAI_API_KEY", raising=False)
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"Emi": "realtalk/mock/emi-ft", "Kevin": entry}))
    with pytest.raises(InputError) as error:
        persona_simulation(speaker="Emi,Kevin", speaker_models=str(path))
    text = str(error.value)
    assert f"Kevin: {message}" in text and "Emi:" not in text and "no model was called" in text
    assert "[bold]" not in text
    assert persona_simulation(speaker="Emi", speaker_models=str(path), max_per_speaker=1) is not None
