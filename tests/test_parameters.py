"""The one parser of task parameters, on hand-worked inputs: selections, choices, numbers, booleans, paths and
unknown parameter names."""

from __future__ import annotations

from pathlib import Path

import pytest

import realtalk_evals
from realtalk_evals.caches import cache_root
from realtalk_evals.data.files import data_directory
from realtalk_evals.errors import DatasetError, InputError
from realtalk_evals.parameters import (
    Option,
    boolean,
    choice,
    choice_or_path,
    choices,
    existing_path,
    model_location,
    names,
    optional_whole_number,
    pick,
    refuse_unknown,
    selection,
    whole_number,
    whole_number_or_all,
)
from realtalk_evals.user_paths import user_directory

COLOURS = [
    Option("R", ("red", "1"), "1 (red)"),
    Option("G", ("green", "2"), "2 (green)"),
    Option("B", ("blue",), "blue"),
]


@pytest.mark.parametrize("empty", [None, "", "  ", [], ",", " , "])
def test_an_empty_selection_is_refused_with_how_to_select_all(empty: object) -> None:
    with pytest.raises(
        InputError, match="colour is empty: `-T colour=` selects nothing; leave it out .*colour=all"
    ):
        selection("colour", empty)


@pytest.mark.parametrize("everything", ["all", "ALL", " All "])
def test_all_selects_everything(everything: str) -> None:
    assert selection("colour", everything) is None
    assert pick("colour", "colour", everything, COLOURS) == ["R", "G", "B"]


@pytest.mark.parametrize(
    ("given", "items"),
    [(1, [1]), ("1", ["1"]), ("1, 2", ["1", "2"]), ([2, "red"], [2, "red"]), (("a",), ["a"]), (" x ", ["x"])],
)
def test_a_selection_is_a_list_of_names_or_numbers(given: object, items: list[object]) -> None:
    assert selection("colour", given) == items


@pytest.mark.parametrize("wrong", [1.0, True, {"a": 1}, [1, 2.5], [None]])
def test_a_selection_of_the_wrong_type_is_refused(wrong: object) -> None:
    with pytest.raises(
        InputError, match=r"colour must be names or whole numbers \(`1`, `1,2`, a list\), got"
    ):
        selection("colour", wrong)


def test_pick_keeps_the_options_order_once_each_in_any_case() -> None:
    assert pick("colour", "colour", "blue,RED,1,red", COLOURS) == ["R", "B"]
    assert pick("colour", "colour", [2], COLOURS) == ["G"]
    assert pick("colour", "colour", None, COLOURS) == ["R", "G", "B"]  # a Python caller's default
    with pytest.raises(
        InputError, match=r"unknown colour 'bleu' \(did you mean 'blue'\?\); valid choices: 1 \(red\), 2"
    ):
        pick("colour", "colour", "red,bleu", COLOURS)
    with pytest.raises(InputError, match="unknown colour 'x', 9; valid choices: the three"):
        pick("colour", "colour", ["x", 9], COLOURS, valid="the three")


def test_choices_and_names_match_as_written() -> None:
    assert choice("unit", "turn", ("turn", "session")) == "turn"
    with pytest.raises(
        InputError, match=r"unknown unit 'turns' \(did you mean 'turn'\?\); valid choices: turn, session"
    ):
        choice("unit", "turns", ("turn", "session"))
    with pytest.raises(InputError, match="unknown unit 3; valid choices"):
        choice("unit", 3, ("turn", "session"))
    assert choices("judge_prompts", "suite,released", ("released", "suite")) == ["released", "suite"]
    assert choices("judge_prompts", "all", ("released", "suite")) == ["released", "suite"]
    with pytest.raises(InputError, match="judge_prompts is empty"):
        choices("judge_prompts", None, ("released", "suite"))
    assert names("graders", None) is None  # not given: the --model-role binding decides
    assert names("graders", "a/b, c/d") == ["a/b", "c/d"]
    with pytest.raises(InputError, match="graders is empty"):
        names("graders", " ")
    with pytest.raises(InputError, match="graders names a/b more than once"):
        names("graders", ["a/b", "a/b"])


def test_numbers_are_whole_and_bounded() -> None:
    assert whole_number("top_k", 3) == whole_number("top_k", "3") == whole_number("top_k", " 3 ") == 3
    for bad in (0, -1, 1.5, True, "x", None, "1.0"):
        with pytest.raises(InputError, match="top_k must be a whole number of at least 1, got"):
            whole_number("top_k", bad)
    assert whole_number("seed", -7, minimum=None) == -7
    with pytest.raises(InputError, match="seed must be an integer, got 'x'"):
        whole_number("seed", "x", minimum=None)
    assert optional_whole_number("max_per_speaker", None) is None
    assert optional_whole_number("max_per_speaker", "") is None  # an empty value leaves it unset
    assert optional_whole_number("max_per_speaker", 2) == 2
    with pytest.raises(InputError, match="max_per_speaker must be a whole number of at least 1, got 0"):
        optional_whole_number("max_per_speaker", 0)
    assert whole_number_or_all("history_sessions", "ALL") is None
    assert whole_number_or_all("history_sessions", 0) == 0
    with pytest.raises(InputError, match="history_sessions must be a whole number of at least 0 or 'all'"):
        whole_number_or_all("history_sessions", None)


def test_booleans_are_true_or_false() -> None:
    assert boolean("merge", False) is False
    for bad in ("yes", 1, None, "true"):
        with pytest.raises(InputError, match="merge must be true or false"):
            boolean("merge", bad)


def _task(*, memory: str = "full", top_k: int = 10, **unknown: object) -> None:
    refuse_unknown(_task, unknown)


def test_an_unknown_parameter_name_is_refused_with_the_closest_one() -> None:
    _task(memory="bm25", top_k=3)
    with pytest.raises(
        InputError,
        match=r"^_task has no parameter 'memroy' \(did you mean 'memory'\?\); its parameters are: memory, top_k$",
    ):
        _task(memroy="bm25")
    with pytest.raises(
        InputError, match=r"_task has no parameters 'topk' \(did you mean 'top_k'\?\), 'zzz';"
    ):
        _task(topk=1, zzz=2)


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user started in `tmp_path/user`; the current directory is now `tmp_path/tasks`, as when Inspect
    builds a task from a task file."""
    (tmp_path / "user").mkdir()
    (tmp_path / "tasks").mkdir()
    monkeypatch.setattr(realtalk_evals, "LAUNCH_DIRECTORY", str(tmp_path / "user"))
    monkeypatch.chdir(tmp_path / "tasks")
    return tmp_path / "user"


def test_relative_paths_are_read_from_where_the_user_started(elsewhere: Path) -> None:
    (elsewhere / "logs").mkdir()
    (Path.cwd() / "here.json").write_text("{}")
    assert user_directory() == elsewhere
    assert existing_path("dataset", "logs") == elsewhere / "logs"
    assert existing_path("dataset", str(elsewhere / "logs")) == elsewhere / "logs"
    with pytest.raises(InputError) as error:
        existing_path("speaker_models", "here.json", "file")  # in the current directory, not the user's
    assert str(error.value) == (
        f"speaker_models: no file at {elsewhere / 'here.json'} (a relative path is read from {elsewhere}, "
        "the directory the command runs from)"
    )
    assert choice_or_path("dataset", "locomo", ("realtalk", "locomo")) == "locomo"
    assert choice_or_path("dataset", "logs", ("realtalk", "locomo")) == elsewhere / "logs"
    with pytest.raises(
        InputError,
        match=f"unknown dataset 'logs/sim'; valid choices: realtalk, locomo, or an existing path \\({elsewhere / 'logs' / 'sim'} does not exist",
    ):
        choice_or_path("dataset", "logs/sim", ("realtalk", "locomo"))


def test_a_model_is_a_local_directory_where_the_user_is_or_a_hub_id(elsewhere: Path) -> None:
    (elsewhere / "models" / "emotion").mkdir(parents=True)
    assert model_location("emotion_model", "models/emotion") == str(elsewhere / "models" / "emotion")
    assert model_location("emotion_model", "cardiffnlp/emotion") == "cardiffnlp/emotion"  # a Hub id
    assert model_location("emotion_model", "./missing") == str(elsewhere / "missing")  # written as a path
    with pytest.raises(
        InputError, match="emotion_model must be a Hugging Face model id or a local directory"
    ):
        model_location("emotion_model", 1.0)


def test_path_variables_are_read_from_where_the_user_started(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    (elsewhere / "data").symlink_to(data_dir)
    monkeypatch.setenv("REALTALK_DATA_DIR", "data")
    monkeypatch.setenv("REALTALK_CACHE_DIR", "cache")
    assert data_directory() == elsewhere / "data"
    assert cache_root() == elsewhere / "cache"
    monkeypatch.setenv("REALTALK_DATA_DIR", "nowhere")
    with pytest.raises(
        DatasetError, match=f"REALTALK_DATA_DIR=nowhere is not a directory \\({elsewhere / 'nowhere'} was"
    ):
        data_directory()
