"""memory_probing end to end through Inspect, on the network-free mock provider."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from command_line import INSPECT_EVAL, run_command
from inspect_ai import eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import ChatMessage, GenerateConfig, Model, ModelOutput, get_model
from inspect_ai.tool import ToolChoice, ToolInfo

from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.reporting.runs import score_value
from realtalk_evals.score_keys import JUDGE_FAILURE, LLM_ACCURACY, LLM_JUDGE, PARTIAL_MATCH
from realtalk_evals.tasks.memory_probing import memory_probing

Replier = Callable[[list[ChatMessage], list[ToolInfo], ToolChoice, GenerateConfig], ModelOutput]


def scripted(name: str, reply: Callable[[str], str], seen: list[str]) -> Model:
    """A realtalk/mock model whose reply depends on the last user message, recording every prompt."""

    def respond(messages: list[ChatMessage], *_: object) -> ModelOutput:
        seen.append(messages[0].text)
        return ModelOutput.from_content(model=name, content=reply(messages[-1].text))

    return get_model(f"realtalk/{name}", custom_outputs=respond, memoize=False)


GOLD = {qa.question: qa.answer for qa in select_conversations(1)[0].qa}


def answer_half_right(prompt: str) -> str:
    question = prompt.rsplit("Question: ", 1)[1].split("\n")[0]
    return GOLD[question] if len(question) % 2 == 0 else "I do not remember"


def run(log_dir: Path, model: Model, grader: Model | str, **task_args: object) -> EvalLog:
    [log] = eval(
        memory_probing(**task_args),  # type: ignore[arg-type]
        model=model,
        model_roles={"grader": grader},
        log_dir=str(log_dir),
        display="none",
    )
    return read_eval_log(log.location)


@pytest.mark.slow
@pytest.mark.parametrize("memory_input", ["conversation", "events"])
def test_end_to_end_both_inputs_score_every_sample_per_category(tmp_path: Path, memory_input: str) -> None:
    answered: list[str] = []
    judged: list[str] = []
    model = scripted("answerer", answer_half_right, answered)
    grader = scripted("grader", lambda _: '{"score": 1}', judged)
    log = run(tmp_path, model, grader, input=memory_input, conversations="1")

    assert log.status == "success"
    assert log.samples is not None and len(log.samples) == 70
    for sample in log.samples:
        assert sample.scores is not None and set(sample.scores) == {
            "partial_match",
            "llm_judge",
            "empty_reply",
        }
        expected = 1.0 if sample.output.completion == sample.target else None
        if expected is not None:
            assert sample.scores["partial_match"].value == expected
        assert sample.scores["llm_judge"].value == {"llm_accuracy": 1.0, "judge_failure": 0.0}

    # the model under test saw only D.2 prompts; the grader saw only judge prompts
    assert len(answered) == 70 and len(judged) == 70
    header = "Below is a conversation" if memory_input == "conversation" else "Below are the key events"
    assert all(p.startswith(header) and p.endswith("Answer:") for p in answered)
    assert all(p.startswith("Given the question and its ground truth answer, evaluate") for p in judged)

    # the log shows each sample's prompt as the model saw it, in its messages and its model event; the plan
    # names the contexts (input and conversations) rather than holding their text
    prompts = set(answered)
    for sample in log.samples:
        [event] = [e for e in sample.events if e.event == "model" and e.model.endswith("answerer")]
        shown = event.input[0].text  # the viewer resolves Inspect's attachment reference to the text
        shown = sample.attachments.get(shown.removeprefix("attachment://"), shown)
        assert sample.messages[0].text == shown and shown in prompts and sample.metadata["question"] in shown
    [step] = [step for step in log.plan.steps if step.solver.endswith("memory_answer")]
    assert step.params == {"contexts": {"input": memory_input, "conversations": ["Chat_1_Emi_Elise"]}}
    assert len(log.plan.model_dump_json()) < 2_000
    # one solver step asks the model (a span and a state change each: Inspect serialises the state around it)
    events = log.samples[0].events
    steps = [e.name for e in events if e.event == "span_begin" and e.type == "solver"]
    assert steps == ["realtalk_evals/check_graders", "realtalk_evals/memory_answer"]
    assert sum(e.event == "state" for e in events) == 1

    assert log.results is not None
    metrics = {(s.name, name): m.value for s in log.results.scores for name, m in s.metrics.items()}
    right = [s for s in log.samples if s.output.completion == s.target]
    f1 = [score_value(s, PARTIAL_MATCH) for s in log.samples]
    assert metrics[("partial_match", "mean")] == pytest.approx(sum(f1) / len(f1))
    # the overall mean is each scorer's first metric, the log list's headline
    assert [next(iter(s.metrics)) for s in log.results.scores if s.name != "judge_failure"][:2] == [
        "mean",
        "mean",
    ]
    assert 0 < len(right) < 70
    for category in ("multi_hop", "temporal", "commonsense"):
        values = [
            score_value(s, PARTIAL_MATCH) for s in log.samples if s.metadata["category_name"] == category
        ]
        assert metrics[("partial_match", category)] == pytest.approx(sum(values) / len(values))
    assert metrics[("llm_accuracy", "mean")] == 1.0
    assert metrics[("llm_accuracy", "grouped_temporal")] == 1.0
    assert metrics[("judge_failure", "count")] == 0.0


def test_gold_solver_calls_no_model_and_scores_perfect_f1(tmp_path: Path) -> None:
    answered: list[str] = []
    model = scripted("answerer", answer_half_right, answered)
    grader = scripted("grader", lambda _: '{"score": 1}', [])
    log = run(tmp_path, model, grader, conversations=[2], categories="temporal,commonsense", solver="gold")
    assert log.status == "success" and log.samples is not None
    assert len(log.samples) == 31 + 12
    assert answered == []
    assert all(score_value(s, PARTIAL_MATCH) == 1.0 for s in log.samples)


def test_judge_reply_that_is_not_json_is_repaired_once_then_recorded_as_failure(tmp_path: Path) -> None:
    judged: list[str] = []
    grader = scripted("grader", lambda _: "Yes, that looks right to me.", judged)
    model = scripted("answerer", answer_half_right, [])
    log = run(tmp_path, model, grader, conversations=1, categories=3)
    assert log.status == "success" and log.samples is not None and len(log.samples) == 10
    for sample in log.samples:
        assert sample.scores is not None
        score = sample.scores[LLM_JUDGE]
        assert score_value(sample, LLM_JUDGE, JUDGE_FAILURE) == 1.0
        assert math.isnan(score_value(sample, LLM_JUDGE, LLM_ACCURACY))
        assert "judge failure" in (score.explanation or "")
        assert score.metadata is not None and len(score.metadata["judge_replies"]) == 2
    assert len(judged) == 20  # one question and one repair turn per sample
    failures = next(s for s in log.results.scores if s.name == "judge_failure")  # type: ignore[union-attr]
    assert failures.metrics["count"].value == 10.0


def test_judge_reply_repaired_on_second_turn_is_scored(tmp_path: Path) -> None:
    def grader_reply(prompt: str) -> str:
        return '{"score": 0.5}' if prompt.startswith("Your reply could not be read") else "score: high"

    grader = scripted("grader", grader_reply, [])
    model = scripted("answerer", answer_half_right, [])
    log = run(tmp_path, model, grader, conversations=1, categories=3)
    assert log.status == "success" and log.samples is not None
    assert all(
        (score_value(s, LLM_JUDGE, LLM_ACCURACY), score_value(s, LLM_JUDGE, JUDGE_FAILURE)) == (0.5, 0.0)
        for s in log.samples
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"input": "summary"}, "unknown input 'summary'; valid choices: conversation, events"),
        ({"solver": "oracle"}, "unknown solver 'oracle'; valid choices: model, gold"),
        ({"conversations": "12"}, "unknown conversation '12'"),
        ({"categories": "adversarial"}, "unknown category 'adversarial'"),
    ],
)
def test_bad_task_parameters_fail_before_any_model_call(args: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        memory_probing(**args)  # type: ignore[arg-type]


@pytest.mark.slow
def test_cli_run_on_the_mock_provider_through_the_entry_point(tmp_path: Path) -> None:
    """`inspect eval realtalk_evals/memory_probing` resolves through the package entry point, also from a
    directory holding its own `tasks.py`, `scorers/` and `solvers.py` (the suite installs one import name)."""
    project = tmp_path / "project"
    (project / "scorers").mkdir(parents=True)
    for module in ("tasks.py", "solvers.py", "scorers/__init__.py"):
        (project / module).write_text(
            f"raise RuntimeError('the user {module} was imported')\n", encoding="utf-8"
        )
    result = run_command(
        [*INSPECT_EVAL, "realtalk_evals/memory_probing", "--model", "realtalk/mock"]
        + ["--model-role", "grader={model: realtalk/mock, model_args: {reply: '{\"score\": 0}'}}"]
        + ["-T", "conversations=1,2", "--limit", "3", "--log-dir", str(tmp_path), "--display", "plain"],
        project,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    [path] = tmp_path.glob("*.eval")
    log = read_eval_log(str(path))
    assert log.status == "success"
    assert log.eval.task == "realtalk_evals/memory_probing"
    assert log.eval.task_args["conversations"] == ["1", "2"]  # -T x=1,2 arrives as a list
    assert log.samples is not None and all(
        s.output.completion.startswith("Default output") for s in log.samples
    )


def test_rescoring_the_same_answers_hits_the_judge_cache(tmp_path: Path) -> None:
    judged: list[str] = []
    grader = scripted("grader", lambda _: '{"score": 1}', judged)
    model = scripted("answerer", lambda _: "Tiramisu", [])
    run(tmp_path / "first", model, grader, conversations=1, categories=3)
    assert len(judged) == 10
    log = run(tmp_path / "second", model, grader, conversations=1, categories=3)
    assert log.status == "success"
    assert len(judged) == 10  # every judgement came from Inspect's generate cache
