"""The report and the analysis read scorer outputs only through the names the scorers write them under."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from inspect_ai.log import EvalConfig, EvalDataset, EvalLog, EvalSample, EvalSpec
from inspect_ai.scorer import Score
from inspect_ai.util import registry_info

import realtalk_evals
from realtalk_evals import score_keys
from realtalk_evals.ei import MessageEI
from realtalk_evals.ei.record import EI_ATTRIBUTES
from realtalk_evals.reporting.runs import failure_count
from realtalk_evals.scorers import content_similarity as content_similarity_module
from realtalk_evals.scorers.content_similarity import CONTENT_KEYS, content_similarity
from realtalk_evals.scorers.discrimination import real_or_simulated, verdict_values
from realtalk_evals.scorers.ei_agreement import agreement_values, ei_agreement
from realtalk_evals.scorers.llm_judge import llm_judge
from realtalk_evals.scorers.message_ei import message_ei, message_values
from realtalk_evals.scorers.partial_match import partial_match
from realtalk_evals.scorers.style_fidelity import style_fidelity

LIBRARY = Path(realtalk_evals.__file__).parent
NAMES = {
    score_keys.PARTIAL_MATCH: partial_match,
    score_keys.LLM_JUDGE: llm_judge,
    score_keys.CONTENT_SIMILARITY: content_similarity,
    score_keys.EI_AGREEMENT: ei_agreement,
    score_keys.MESSAGE_EI: message_ei,
    score_keys.REAL_OR_SIMULATED: real_or_simulated,
    score_keys.STYLE_FIDELITY: style_fidelity,
}


def test_scorer_names_are_the_names_inspect_logs_scores_under() -> None:
    for name, factory in NAMES.items():
        assert registry_info(factory).name.split("/")[-1] == name


def test_value_keys_are_the_keys_the_scorers_write() -> None:
    record = MessageEI(
        reflective=True, grounding=True, empathy=1, sentiment="positive", emotion="joy", intimacy=0.5
    )
    agreement = agreement_values(record, record)
    assert {score_keys.diff_key("intimacy"), score_keys.diff_key("empathy")} <= set(agreement)
    failures = {score_keys.failures_key(a) for a in EI_ATTRIBUTES}
    assert failures <= set(agreement) and failures <= set(message_values(record))
    assert {score_keys.ROUGE_L, score_keys.BERTSCORE} <= set(CONTENT_KEYS)
    discrimination = {score_keys.DISCRIMINATION, score_keys.POSITION_BIAS, score_keys.DISCRIMINATION_FAILURE}
    assert set(verdict_values([])) == discrimination


def test_content_similarity_writes_its_value_keys_through_score_keys() -> None:
    keys = {score_keys.ROUGE_1, score_keys.ROUGE_2, score_keys.ROUGE_L, score_keys.BERTSCORE}
    assert set(CONTENT_KEYS) == keys
    source = Path(inspect.getfile(content_similarity_module)).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert node.value not in keys, f"content_similarity.py spells {node.value!r}"


def test_report_and_analysis_hold_no_scorer_name_or_key_as_a_literal() -> None:
    literals = set(NAMES) | {score_keys.JUDGE_FAILURE, score_keys.ROUGE_L, score_keys.BERTSCORE}
    literals |= {score_keys.EI_METADATA, "intimacy_diff", "empathy_diff", "_failures"}
    literals |= {
        score_keys.DISCRIMINATION_VERDICTS,
        score_keys.POSITION_BIAS,
        "simulated_words",
        "real_words",
    }
    modules = list((LIBRARY / "reporting").glob("*.py"))
    assert len(modules) > 10  # the folder exists: a renamed folder must not make this test pass vacuously
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in literals, f"{module.name} spells {node.value!r}"


def test_only_the_scorers_failure_keys_count_as_judge_failures() -> None:
    log = EvalLog(
        eval=EvalSpec(
            created="2026-01-01T00:00:00",
            task="memory_probing",
            dataset=EvalDataset(),
            model="m",
            config=EvalConfig(),
        ),
        samples=[
            EvalSample(
                id=1,
                epoch=1,
                input="",
                target="",
                scores={
                    "llm_accuracy": Score(value={"llm_accuracy": 0.0, "judge_failure": 1.0}),
                    "other": Score(value={"retry_failures": 5.0, "emotion_failures": 2.0}),
                },
            )
        ],
    )
    assert failure_count(log.samples or []) == 3
