"""The paper's partial-match F1 on hand-worked cases, one rule at a time."""

import pytest

from realtalk_evals.memory.answer_f1 import normalize_answer, partial_match_f1, token_f1


def test_normalisation_lowercases_and_drops_commas_punctuation_articles_and_and() -> None:
    assert normalize_answer("The Cat, a Dog and AN owl!") == "cat dog owl"


def test_commas_are_deleted_not_split_for_temporal_questions() -> None:
    assert partial_match_f1("January 3, 2024", "3 January 2024", category=2) == 1.0


def test_token_f1_counts_a_multiset_of_tokens() -> None:
    # prediction: very very good (3 tokens), gold: very good (2); shared 2 -> P=2/3, R=1, F1=0.8
    assert token_f1("very very good", "very good") == pytest.approx(0.8)


def test_partial_overlap() -> None:
    # "cat sat" vs "cat sat down": P=1, R=2/3 -> F1=0.8
    assert token_f1("The cat sat", "a cat sat down") == pytest.approx(0.8)


def test_porter_stemming_matches_inflections() -> None:
    assert token_f1("running dogs", "run dog") == 1.0


def test_the_word_and_is_dropped() -> None:
    assert partial_match_f1("salt and pepper", "salt pepper", category=2) == 1.0


def test_multi_hop_averages_best_match_over_gold_parts() -> None:
    # gold parts: cooking (1), skiing (0), hiking (1) -> 2/3
    assert partial_match_f1("Cooking, hiking", "Cooking, skiing, hiking", category=1) == pytest.approx(2 / 3)


def test_multi_hop_part_scores_are_partial_f1s() -> None:
    # gold "pasta with ham, tiramisu": part 1 vs "pasta" -> P=1, R=1/3 -> 0.5; part 2 -> 1 ; mean 0.75
    assert partial_match_f1("pasta, tiramisu", "pasta with ham, tiramisu", category=1) == pytest.approx(0.75)


def test_commonsense_keeps_gold_before_first_semicolon() -> None:
    assert partial_match_f1("twice", "twice; in 2022 and 2023", category=3) == 1.0
    assert partial_match_f1("twice", "twice; in 2022 and 2023", category=2) < 1.0


def test_nothing_shared_or_empty_prediction_scores_zero() -> None:
    assert partial_match_f1("", "Paris", category=2) == 0.0
    assert partial_match_f1("London", "Paris", category=3) == 0.0


def test_unknown_category_is_an_error() -> None:
    with pytest.raises(ValueError, match="category"):
        partial_match_f1("a", "b", category=6)
