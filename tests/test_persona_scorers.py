"""The persona scorers' pure parts on hand-worked cases: ROUGE, BERTScore settings, EI agreement values."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from tiny_models import shared_tiny_models

from realtalk_evals.ei import EIFailure, MessageEI
from realtalk_evals.scorers.content_similarity import (
    BertScoreSettings,
    bertscore_f1,
    load_bertscorer,
    rouge_f,
)
from realtalk_evals.scorers.ei_agreement import agreement_values
from realtalk_evals.tasks.persona_simulation import persona_simulation


def test_rouge_f_measures_by_hand() -> None:
    scores = rouge_f("The cat sat.", "the cat sat on the mat")
    # unigrams: 3 of 3 predicted, 3 of 6 real; bigrams: 2 of 2, 2 of 5; longest common subsequence: 3
    assert scores["rouge1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert scores["rouge2"] == pytest.approx(2 * 1.0 * 0.4 / 1.4)
    assert scores["rougeL"] == pytest.approx(scores["rouge1"])
    assert rouge_f("same words here", "Same words, here!") == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    assert rouge_f("", "anything") == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}


def test_bertscore_on_a_tiny_local_model_keeps_pair_order() -> None:
    models = shared_tiny_models()
    settings = BertScoreSettings.of(models.settings)
    same, other = bertscore_f1(
        settings, [("we went hiking", "we went hiking"), ("lol", "the view was amazing")]
    )
    assert same == pytest.approx(1.0, abs=1e-5) and other < same
    assert load_bertscorer(settings) is load_bertscorer(settings)  # loaded once per process


def test_a_local_model_path_that_bert_score_would_take_for_t5_is_refused(
    tmp_path: Path, tiny_model_env: object
) -> None:
    directory = tmp_path / "best5models"
    directory.mkdir()
    (directory / "config.json").write_text(json.dumps({"model_type": "roberta"}), encoding="utf-8")
    with pytest.raises(ValueError, match="path without 't5'"):
        load_bertscorer(BertScoreSettings(str(directory), 2))
    with pytest.raises(ValueError, match="path without 't5'"):  # at task construction, before any model call
        persona_simulation(speaker="Emi", bertscore_model=str(directory), bertscore_layers=2)


def test_agreement_values_by_hand() -> None:
    real = MessageEI(
        reflective=True, grounding=True, empathy=1, sentiment="positive", emotion="joy", intimacy=0.25
    )
    predicted = MessageEI(
        reflective=True, grounding=False, empathy=4, sentiment="positive", emotion="love", intimacy=0.3
    )
    values = agreement_values(predicted, real)
    assert {key: value for key, value in values.items() if not key.endswith("_failures")} == {
        "reflective": 1.0,
        "grounding": 0.0,
        "empathy_diff": 3.0,
        "sentiment": 1.0,
        "emotion": 0.0,
        "intimacy_diff": pytest.approx(0.05),
    }
    assert all(values[key] == 0.0 for key in values if key.endswith("_failures"))


def test_a_failure_on_either_side_is_unscored_and_counted() -> None:
    failed = MessageEI(
        grounding=True,
        sentiment="neutral",
        failures=[
            EIFailure(attribute="reflective", error="unreadable judge reply", raw=["maybe", "maybe"]),
            EIFailure(attribute="intimacy", error="RuntimeError: cannot classify"),
        ],
    )
    real = MessageEI(reflective=False, grounding=True, sentiment="neutral", intimacy=0.5)
    values = agreement_values(failed, real)
    assert math.isnan(values["reflective"]) and math.isnan(values["intimacy_diff"])
    assert values["reflective_failures"] == 1.0 and values["intimacy_failures"] == 1.0
    assert values["grounding"] == 1.0 and values["sentiment"] == 1.0
    both = agreement_values(failed, failed)
    assert both["reflective_failures"] == 2.0
    # attributes nobody measured are unscored but are not failures
    assert math.isnan(values["emotion"]) and values["emotion_failures"] == 0.0
