"""Problems found before money is spent: each stops the task when it is built, with one clear message."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from inspect_ai import Task
from tiny_models import TinyModels

from realtalk_evals.errors import InputError
from realtalk_evals.tasks.ei_analysis import ei_analysis
from realtalk_evals.tasks.memory_probing import memory_probing
from realtalk_evals.tasks.persona_simulation import persona_simulation

TASKS: dict[str, Callable[..., Task]] = {
    "memory_probing": memory_probing,
    "persona_simulation": persona_simulation,
    "ei_analysis": ei_analysis,
}


@pytest.mark.parametrize(
    ("task", "args", "message"),
    [
        ("memory_probing", {"categories": 1.0}, "categories must be names or whole numbers"),
        ("memory_probing", {"conversations": 1.0}, "conversations must be names or whole numbers"),
        (
            "memory_probing",
            {"conversations": [1, 2.5]},
            "a list), got 2.5",
        ),
        ("ei_analysis", {"conversations": 1.0}, "conversations must be names or whole numbers"),
        ("ei_analysis", {"sessions": {"a": 1}}, "sessions must be names or whole numbers"),
        ("persona_simulation", {"speaker": 1.5}, "speaker must be names or whole numbers"),
        ("persona_simulation", {"bertscore_layers": "abc"}, "bertscore_layers must be a whole number"),
        ("persona_simulation", {"sentiment_model": 1.0}, "sentiment_model must be a Hugging Face model id"),
    ],
)
def test_values_of_the_wrong_type_stop_the_task(
    tiny_model_env: TinyModels, task: str, args: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        TASKS[task](**args)


@pytest.mark.parametrize(
    ("task", "name"),
    [
        ("memory_probing", "conversations"),
        ("memory_probing", "categories"),
        ("ei_analysis", "conversations"),
        ("ei_analysis", "sessions"),
        ("persona_simulation", "speaker"),
    ],
)
@pytest.mark.parametrize("empty", [None, "", " "])
def test_an_empty_selection_selects_nothing_and_says_so(
    tiny_model_env: TinyModels, task: str, name: str, empty: object
) -> None:
    """`-T speaker=` reaches the task as None (Inspect reads the empty value as YAML null)."""
    with pytest.raises(InputError, match=f"{name} is empty: `-T {name}=` selects nothing"):
        TASKS[task](**{name: empty})
    with pytest.raises(InputError, match="no .* selected|unknown speaker"):  # an empty list, as before
        TASKS[task](**{name: []})


def test_all_is_the_default_and_can_be_given(tiny_model_env: TinyModels) -> None:
    assert (
        len(memory_probing(categories="all", conversations="ALL").dataset)
        == len(memory_probing().dataset)
        == 728
    )
    assert len(persona_simulation(speaker="all", max_per_speaker=1).dataset) == 10


@pytest.mark.slow
def test_an_empty_value_on_the_command_line_selects_nothing_and_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "inspect_ai", "eval", "realtalk_evals/memory_probing", "-T", "conversations="]
        + ["--model", "realtalk/mock", "--log-dir", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert "conversations is empty: `-T conversations=` selects nothing" in output
    assert not list(tmp_path.glob("*.eval"))  # stopped before any sample ran


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
