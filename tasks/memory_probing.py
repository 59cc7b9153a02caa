"""REALTALK memory probing (paper section 6.2, table 3): answer questions about a 21-day chat.

inspect eval tasks/memory_probing.py --model openai/gpt-4o --model-role grader=openai/gpt-4o-mini
inspect eval tasks/memory_probing.py -T dataset=locomo --model openai/gpt-4o --model-role grader=openai/gpt-4o-mini
"""

from __future__ import annotations

from typing import Literal, get_args

from inspect_ai import Task, task
from inspect_ai.log import HeadlineMetric

from realtalk_evals.caches import check_generate_cache
from realtalk_evals.data.files import UPSTREAM_COMMIT
from realtalk_evals.data.locomo import load_locomo_conversations
from realtalk_evals.data.realtalk import select_conversations
from realtalk_evals.judging.panel import check_graders, grader_roles
from realtalk_evals.memory.context import DATASET_INPUTS, MemoryContexts, MemoryInput, check_input_given
from realtalk_evals.memory.evidence import annotate_evidence
from realtalk_evals.memory.samples import DATASET_CATEGORIES, DatasetName, memory_dataset, select_categories
from realtalk_evals.memory.systems.builder import builder_roles
from realtalk_evals.memory.systems.embeddings import DEFAULT_EMBEDDING_MODEL
from realtalk_evals.memory.systems.select import Memory, probe_questions
from realtalk_evals.memory.systems.units import Granularity
from realtalk_evals.parameters import (
    ALL,
    Selection,
    boolean,
    choice,
    model_location,
    optional_whole_number,
    refuse_unknown,
    selection,
    whole_number,
)
from realtalk_evals.score_keys import LLM_ACCURACY, LLM_JUDGE
from realtalk_evals.scorers.empty_reply import empty_reply
from realtalk_evals.scorers.evidence_recall import evidence_recall
from realtalk_evals.scorers.llm_judge import llm_judge
from realtalk_evals.scorers.partial_match import partial_match
from realtalk_evals.scorers.retrieval_ranking import retrieval_ranking
from realtalk_evals.scorers.trap_answer import trap_answer
from realtalk_evals.solvers.memory import gold_answer, memory_answer
from realtalk_evals.solvers.memory_systems import memory_agent, retrieved_memory_answer
from realtalk_evals.task_names import MEMORY_PROBING
from realtalk_evals.versions import TaskVersion

SolverName = Literal["model", "gold"]


TASK_VERSION = TaskVersion("3-E")
"""`N-X` as in evals/memory_probing/eval.yaml (a test keeps them equal): N when results stop being comparable, X
when the interface changes (realtalk_evals/versions.py)."""


@task
def memory_probing(
    *,
    input: MemoryInput = "conversation",
    conversations: Selection = ALL,
    categories: Selection = ALL,
    solver: SolverName = "model",
    dataset: DatasetName = "realtalk",
    judge_prompt: str = "released",
    judge_votes: int = 1,
    graders: str | list[str] | None = None,
    memory: str = "full",
    top_k: int = 10,
    unit: Granularity = "turn",
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    agent_message_limit: int = 30,
    agent_token_limit: int = 200_000,
    exclude_flagged: bool = False,
    bm25_stemming: bool = True,
    memory_tokens: int | None = None,
    memory_builder: str | None = None,
    **unknown: object,
) -> Task:
    """Memory probing from the full conversation (C) or from the annotated events (E).

    Args:
        input: `conversation` (the paper's C) or `events` (the paper's E); LoCoMo also `observation`, `summary`.
        conversations: Conversation ids or chat numbers (`1`, `Chat_1_Emi_Elise`, `1,2`); default `all` (10 REALTALK chats).
        categories: Question categories by number or name (`multi_hop`, `temporal`, `commonsense`; LoCoMo:
            `multi_hop`, `temporal`, `open_domain`, `single_hop`, `adversarial`); default `all`.
        solver: `model` asks the model under test; `gold` answers with the gold answer (no model call).
        dataset: `realtalk` (the paper's 728 questions) or `locomo` (LoCoMo's 1,986 questions, asked and
            scored as LoCoMo's released code does; adds the `trap_answer` scorer).
        judge_prompt: `released` (the released code's judge prompt) or `suite` (the suite's delimited one).
        judge_votes: Times each judge is asked; its score is the median of its votes (N times the judge calls).
        graders: Judge models for the `grader` role (`a,b` = a panel); default: `--model-role grader=...`.
        memory: What reaches the model (docs/memory_systems.md): `full` (the paper's C or E), `none`, `recent`,
            `bm25`, `dense`, `hybrid`, `summary`, `observations`, `oracle`, `agent`, or `module.path:ClassName`
            (your own memory system).
        top_k: Units retrieved per question (sessions for `recent`).
        unit: Retrieval granularity, `turn` or `session` (with input=events every event is a unit).
        embedding_model: sentence-transformers model id or local directory for `dense` and `hybrid`.
        agent_message_limit: Most messages of one `agent` sample's conversation.
        agent_token_limit: Most tokens one `agent` sample may use.
        exclude_flagged: LoCoMo only: leave out the 99 questions whose gold answer the LoCoMo audit found wrong.
        bm25_stemming: Porter-stem words for every BM25 ranking (`bm25`, `hybrid`, `observations`, the agent's
            search); `false`: whole words, as memory_probing 2-C and earlier did.
        memory_tokens: The most tokens (four characters a token) a question's prompt may hold: the best
            units that fit are shown; default: no budget.
        memory_builder: The model that writes `summary` and `observations` (the `memory_builder` role);
            default: `--model-role memory_builder=...`, else the model under test.
    """
    refuse_unknown(memory_probing, unknown)
    choice("dataset", dataset, get_args(DatasetName))
    choice("input", input, DATASET_INPUTS[dataset])
    choice("solver", solver, get_args(SolverName))
    message_limit = whole_number("agent_message_limit", agent_message_limit)
    token_limit = whole_number("agent_token_limit", agent_token_limit)
    memory_system = Memory(
        memory,
        unit=unit,
        top_k=top_k,
        memory_input=input,
        embedding_model=model_location("embedding_model", embedding_model),
        bm25_stemming=boolean("bm25_stemming", bm25_stemming),
        memory_tokens=optional_whole_number("memory_tokens", memory_tokens),
    )
    chosen = select_conversations(
        selection("conversations", conversations),
        load_locomo_conversations() if dataset == "locomo" else None,
    )
    check_input_given(chosen, input)
    samples = memory_dataset(
        chosen,
        select_categories(selection("categories", categories), DATASET_CATEGORIES[dataset]),
        dataset,
        boolean("exclude_flagged", exclude_flagged),
    )
    memory_system.check_budget(samples, chosen)
    check_generate_cache()
    # the headline (judged accuracy) first: readers that take the first metric agree with headline_metric
    scorers = [
        llm_judge(judge_prompt=judge_prompt, judge_votes=judge_votes),
        partial_match(),
        empty_reply(),
    ] + ([trap_answer()] if dataset == "locomo" else [])
    # after the parameters, before indexing or any model call
    roles = (grader_roles(graders) or {}) | builder_roles(memory_builder)
    metadata: dict[str, object] = {
        "benchmark": MEMORY_PROBING,
        **TASK_VERSION.metadata,
        "input": input,
        "dataset_commit": UPSTREAM_COMMIT,
    }
    if memory_system.system.whole_context:
        answer = memory_answer(MemoryContexts(chosen, input))
    else:
        annotate_evidence(samples, {conversation.id: conversation for conversation in chosen})
        memory_system.prepare(chosen, probes=probe_questions(samples))
        if memory_system.system.agent:
            answer = memory_agent(memory_system, message_limit, token_limit)
        else:
            answer = retrieved_memory_answer(memory_system)
        system = memory_system.system
        turn_level = input == "conversation" and memory_system.frame != "summary"
        scorers.append(evidence_recall(turn_level=turn_level, credit_citations=system.credits_citations))
        if system.ranks:
            scorers.append(retrieval_ranking(turn_level, whole_sessions=memory_system.whole_sessions))
        settings = memory_system.settings
        metadata |= {"memory": memory_system.name, "unit": settings.unit, "top_k": settings.top_k}
    return Task(
        version=TASK_VERSION.comparability,
        dataset=samples,
        solver=answer if solver == "model" else gold_answer(),
        setup=check_graders(),
        scorer=scorers,
        model_roles=roles or None,
        metadata=metadata,
        headline_metric=HeadlineMetric(scorer=LLM_JUDGE, score=LLM_ACCURACY, metric="mean"),
    )
