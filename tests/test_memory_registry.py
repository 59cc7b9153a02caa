"""Memory systems as a registry of classes: the name resolved once, built-in and user classes on one path, no
comparison of system names outside the registry, and a user class's failures as one message naming it."""

from __future__ import annotations

import ast
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

import pytest
from command_line import INSPECT_EVAL, printed, run_command
from inspect_ai import eval
from inspect_ai.log import read_eval_log
from inspect_ai.model import get_model

import realtalk_evals
from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.data.records import Conversation
from realtalk_evals.errors import InputError
from realtalk_evals.memory.context import MemoryInput
from realtalk_evals.memory.systems.agent import AgentMemory
from realtalk_evals.memory.systems.base import MemorySystem
from realtalk_evals.memory.systems.bm25 import BM25Memory
from realtalk_evals.memory.systems.custom import MemoryClassError, UserMemory
from realtalk_evals.memory.systems.full import FullContext
from realtalk_evals.memory.systems.oracle import OracleMemory
from realtalk_evals.memory.systems.registry import BUILT_IN, memory_system
from realtalk_evals.memory.systems.select import RANKING_DEPTH, Memory
from realtalk_evals.memory.systems.units import Unit
from realtalk_evals.tasks.memory_probing import memory_probing

ROOT = Path(realtalk_evals.__file__).parent.parent


def test_the_name_resolves_to_the_system_class() -> None:
    assert list(BUILT_IN) == [
        "full",
        "none",
        "recent",
        "bm25",
        "dense",
        "hybrid",
        "summary",
        "observations",
        "oracle",
        "agent",
    ]
    for name, system in BUILT_IN.items():
        assert memory_system(name) is system and system.name == name and issubclass(system, MemorySystem)
    assert memory_system("bm25") is BM25Memory and memory_system("full") is FullContext
    user = memory_system(f"{__name__}:FirstTurns")
    assert (
        issubclass(user, UserMemory)
        and user.name == f"{__name__}:FirstTurns"
        and user.user_class is FirstTurns
    )
    with pytest.raises(
        InputError, match=r"unknown memory 'orcale' \(did you mean 'oracle'\?\); valid choices: full,"
    ):
        memory_system("orcale")


def test_capabilities_say_what_each_system_does() -> None:
    whole = [name for name, system in BUILT_IN.items() if system.whole_context]
    agents = [name for name, system in BUILT_IN.items() if system.agent]
    dia_ids = [name for name, system in BUILT_IN.items() if system.needs_dia_ids]
    embeddings = [name for name, system in BUILT_IN.items() if system.needs_embeddings]
    on_loop = [name for name, system in BUILT_IN.items() if not system.blocking]
    assert (whole, agents, dia_ids, embeddings) == (
        ["full"],
        ["agent"],
        ["summary", "observations", "oracle", "agent"],
        ["dense", "hybrid"],
    )
    assert on_loop == ["full", "none", "recent", "summary", "oracle"]
    builds = [name for name, system in BUILT_IN.items() if system.builds]
    ranks = [name for name, system in BUILT_IN.items() if system.ranks and not system.whole_context]
    question_only = [name for name, system in BUILT_IN.items() if system.question_only]
    assert (builds, question_only) == (["summary", "observations"], ["none"])
    assert ranks == ["bm25", "dense", "hybrid", "observations"]  # recorded top 50, scored at several k
    assert (
        not OracleMemory.uses_top_k and OracleMemory.uses_unit
    )  # unit=session shows the evidence's sessions
    assert not (AgentMemory.uses_top_k or AgentMemory.uses_unit or FullContext.uses_top_k)
    assert not memory_system(f"{__name__}:FirstTurns").uses_unit  # a user's class never sees `unit`


def _memory_name_comparisons(path: Path) -> list[str]:
    """`x == "bm25"`, `x in ("full", "agent")`, ...: comparisons with a memory system's name."""
    found = []
    names = set(BUILT_IN) - set(get_args(MemoryInput))  # `summary` is also an input (a frame), not the system
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        for operand in [node.left, *node.comparators]:
            constants = operand.elts if isinstance(operand, ast.Tuple | ast.List | ast.Set) else [operand]
            if any(isinstance(c, ast.Constant) and c.value in names for c in constants):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_memory_name_is_compared_outside_the_registry() -> None:
    """Tasks, solvers, scorers and the library, the report included, ask the system's class."""
    files = [
        path
        for folder in ("tasks", "solvers", "scorers", "realtalk_evals")
        for path in (ROOT / folder).rglob("*.py")
    ]
    assert [found for path in files for found in _memory_name_comparisons(path)] == []


# --- a user's class -----------------------------------------------------------------------------------


class FirstTurns:
    """Answers every question with the conversation's first `k` turns."""

    def index(self, conversation: Conversation) -> None:
        self.turns = [message.dia_id for message in conversation.messages]

    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        return self.turns[:k]


class IndexRaises(FirstTurns):
    def index(self, conversation: Conversation) -> None:
        raise RuntimeError("the vector store is down")


class ReturnsNone(FirstTurns):
    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        return None  # type: ignore[return-value]


class ReturnsText(FirstTurns):
    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        return "D1:1"  # one dia_id, not a list of them


class ReturnsDict(FirstTurns):
    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        return {"D1:1": 0.9}  # type: ignore[return-value]


class SearchRaises(FirstTurns):
    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        raise KeyError("question")


class FailsLater(FirstTurns):
    """Answers the probe at task construction, then returns None."""

    calls = 0

    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        FailsLater.calls += 1
        return self.turns[:k] if FailsLater.calls == 1 else None  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (
            IndexRaises,
            "IndexRaises.index() raised RuntimeError: the vector store is down (conversation Chat_1_Emi_Elise)",
        ),
        (ReturnsNone, "ReturnsNone.search() for Chat_1_Emi_Elise returned None, not a list of results"),
        (ReturnsText, "ReturnsText.search() for Chat_1_Emi_Elise returned 'D1:1', not a list of results"),
        (
            ReturnsDict,
            "ReturnsDict.search() for Chat_1_Emi_Elise returned {'D1:1': 0.9}, not a list of results",
        ),
        (SearchRaises, "SearchRaises.search() raised KeyError: 'question' (conversation Chat_1_Emi_Elise)"),
    ],
)
def test_a_user_class_that_fails_stops_the_task_naming_the_class_and_method(cls: type, message: str) -> None:
    """`index` runs for every conversation and `search` once per conversation when the task is built."""
    with pytest.raises(MemoryClassError) as error:
        memory_probing(memory=f"{__name__}:{cls.__name__}", conversations=1, categories=3)
    assert str(error.value).startswith(f"{__name__}:{cls.__name__}: {message}")


def test_a_user_class_that_fails_later_names_itself_in_the_samples_error(tmp_path: Path) -> None:
    FailsLater.calls = 0
    [log] = eval(
        memory_probing(memory=f"{__name__}:FailsLater", conversations=1, categories=3),
        model=get_model("realtalk/mock", memoize=False),
        model_roles={"grader": get_model("realtalk/mock", reply='{"score": 1}', memoize=False)},
        log_dir=str(tmp_path),
        display="none",
        limit=1,
    )
    log = read_eval_log(log.location)
    assert log.status == "error" and log.error is not None
    assert (
        "FailsLater.search() for Chat_1_Emi_Elise returned None, not a list of results" in log.error.message
    )


class Generated(FirstTurns):
    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        return (dia_id for dia_id in reversed(self.turns[:k]))  # type: ignore[return-value]


class ForeignUnit(FirstTurns):
    def search(self, question: str, k: int) -> Sequence[str | Unit]:
        return [Unit("note", session=99, position=0, lines=("a note",))]


def test_results_are_dia_ids_or_units_of_the_conversation_in_a_list_or_a_generator() -> None:
    [conversation] = select_conversations(1)
    memory = Memory(f"{__name__}:FirstTurns", top_k=2)
    assert [unit.id for unit in memory.select(conversation, "anything")] == ["D1:1", "D1:2"]
    generated = Memory(f"{__name__}:Generated", top_k=2)
    # a class that ranks is asked for max(top_k, 50) results (the recorded ranking) and its first top_k shown
    expected = [message.dia_id for message in conversation.messages[:RANKING_DEPTH]][::-1][:2]
    assert [unit.id for unit in generated.select(conversation, "anything")] == expected
    with pytest.raises(
        MemoryClassError,
        match=r"ForeignUnit.search\(\) for Chat_1_Emi_Elise returned unit 'note' of session 99",
    ):
        Memory(f"{__name__}:ForeignUnit").select(conversation, "anything")


def _inspect_eval(tmp_path: Path, memory: str) -> str:
    (tmp_path / "my_memory.py").write_text(
        textwrap.dedent(
            """
            class Broken:
                def index(self, conversation):
                    raise ConnectionError("mem0 is not running")

                def search(self, question, k):
                    return []


            class Silent:
                def index(self, conversation):
                    pass

                def search(self, question, k):
                    return None
            """
        )
    )
    result = run_command(
        [*INSPECT_EVAL, "realtalk_evals/memory_probing", "-T", f"memory={memory}"]
        + ["-T", "conversations=1", "--model", "realtalk/mock", "--model-role", "grader=realtalk/mock"]
        + ["--log-dir", str(tmp_path / "logs")],
        tmp_path,
        {**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=900,
    )
    output = printed(result)
    assert result.returncode != 0 and "Traceback" not in output, output
    assert not list(tmp_path.glob("logs/*.eval"))  # stopped while the task was built: no model call
    return output


@pytest.mark.slow
def test_on_the_command_line_a_user_class_whose_index_raises_stops_with_one_message(tmp_path: Path) -> None:
    output = _inspect_eval(tmp_path, "my_memory:Broken")
    assert "my_memory:Broken: Broken.index() raised ConnectionError: mem0 is not running" in output


@pytest.mark.slow
def test_on_the_command_line_a_user_class_whose_search_returns_none_stops_with_one_message(
    tmp_path: Path,
) -> None:
    output = _inspect_eval(tmp_path, "my_memory:Silent")
    assert (
        "my_memory:Silent: Silent.search() for Chat_1_Emi_Elise returned None, not a list of results"
        in output
    )
