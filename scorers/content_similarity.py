"""Content similarity of persona simulation (paper section 6.1, table 2): ROUGE and BERTScore.

ROUGE-1/2/L F-measures come from `rouge-score` with its defaults (no stemming); ROUGE-L is the paper's
"lexical" column. BERTScore F1 with bert-score's default English model (roberta-large, layer 17), not
rescaled, is its "semantic" column. The BERTScore model loads once per process and scores the pairs of
concurrent samples in shared batches, in a worker thread. A reply written over several lines (chat bubbles)
is compared as one merged message, its lines joined by a space as the real message's bubbles are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer
from inspect_ai.solver import TaskState

from realtalk_evals.errors import InputError
from realtalk_evals.local_models.batching import MicroBatcher, batcher
from realtalk_evals.local_models.bertscore import cached_bertscore_f1, embedding_cache_model
from realtalk_evals.local_models.inference import forward_batch_size, inference_mode
from realtalk_evals.local_models.settings import LocalModels
from realtalk_evals.metrics import speaker_metrics
from realtalk_evals.persona.samples import merged_text, predicted_message
from realtalk_evals.score_keys import BERTSCORE, ROUGE_1, ROUGE_2, ROUGE_L

ROUGE_TYPES = (ROUGE_1, ROUGE_2, ROUGE_L)
CONTENT_KEYS = (ROUGE_L, BERTSCORE, ROUGE_1, ROUGE_2)
"""In the order of the log: table 2's lexical (ROUGE-L) and semantic (BERTScore) columns first, the first
being the task's headline."""


@cache
def _rouge() -> Any:
    from rouge_score import rouge_scorer  # type: ignore[import-untyped]

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES))


def rouge_f(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F-measures of the prediction against the real message."""
    scores = _rouge().score(reference, prediction)
    return {name: float(scores[name].fmeasure) for name in ROUGE_TYPES}


def _misread_as_t5(model: str) -> bool:
    """bert-score picks T5 for any model id containing `t5`, a random temporary directory's name included."""
    config = Path(model) / "config.json"
    if "t5" not in model or not config.is_file():
        return False
    return "t5" not in str(json.loads(config.read_text(encoding="utf-8")).get("model_type", ""))


@dataclass(frozen=True)
class BertScoreSettings:
    """A model id or local directory (None: bert-score's English default) and the layer to use.

    A local model that bert-score would load as T5 is refused here, when the scorer is made with the task,
    rather than at the first score after the model under test has answered.
    """

    model: str | None = None
    num_layers: int | None = None

    def __post_init__(self) -> None:
        if self.model and _misread_as_t5(self.model):
            raise InputError(
                f"bert-score loads any model whose path contains 't5' as a T5 model: move or link {self.model} "
                "to a path without 't5'"
            )

    @classmethod
    def of(cls, models: LocalModels) -> BertScoreSettings:
        return cls(model=models.bertscore_model, num_layers=models.bertscore_layers)


@cache
def load_bertscorer(settings: BertScoreSettings) -> Any:
    """One BERTScorer per settings and process (`num_layers` is needed for a model bert-score does not know)."""
    from bert_score import BERTScorer  # type: ignore[import-untyped]

    return BERTScorer(
        model_type=settings.model, num_layers=settings.num_layers, lang="en", rescale_with_baseline=False
    )


BERTSCORE_BATCH = 64
"""Sentences per forward pass on an accelerator; on CPU, CPU_BATCH (bert-score sorts them by length first)."""


def self_f1(prediction: str, reference: str) -> float | None:
    """1.0 when the two texts are the same non-blank text, else None (the model must run).

    A text's tokens each match themselves (cosine 1; idf weighting off, no baseline rescaling), so its
    BERTScore against itself is 1 up to float32 noise: the gold side of persona simulation, whose prediction is
    the real message, needs no forward pass for it.
    """
    return 1.0 if prediction == reference and prediction.strip() else None


def bertscore_f1(settings: BertScoreSettings, pairs: list[tuple[str, str]]) -> list[float]:
    """BERTScore F1 of (prediction, reference) pairs; blocking, for a worker thread.

    The references (the real messages) are embedded once for all runs: their token embeddings are cached on
    disk (`realtalk_evals.local_models.bertscore`), so a model's run embeds only its own replies.
    """
    known = [self_f1(prediction, reference) for prediction, reference in pairs]
    run = [pair for pair, value in zip(pairs, known, strict=True) if value is None]
    computed: list[float] = []
    if run:
        scorer = load_bertscorer(settings)
        batch = forward_batch_size(scorer.device, BERTSCORE_BATCH)
        cache_model = embedding_cache_model(scorer.model_type, scorer.num_layers)
        with inference_mode():
            computed = cached_bertscore_f1(scorer, cache_model, run, batch)
    remaining = iter(computed)
    return [next(remaining) if value is None else value for value in known]


@scorer(metrics={key: speaker_metrics(mean()) for key in CONTENT_KEYS})
def content_similarity(models: LocalModels | dict[str, Any] | None = None) -> Scorer:
    """ROUGE-1/2/L and BERTScore F1 of the simulated message against the real one.

    Args:
        models: The local models (BERTScore's model and layer); default `LocalModels.resolve()`.
    """
    settings = BertScoreSettings.of(LocalModels.of(models))

    async def score(state: TaskState, target: Target) -> Score:
        prediction = merged_text(predicted_message(state.output.completion, state.metadata["speaker_name"]))
        real = merged_text(target.text)
        semantic = self_f1(prediction, real)
        if semantic is None:
            runner = batcher(
                (BERTSCORE, settings), lambda: MicroBatcher(lambda pairs: bertscore_f1(settings, pairs))
            )
            [semantic] = await runner.submit([(prediction, real)])
        value = {**rouge_f(prediction, real), BERTSCORE: semantic}
        return Score(value=value, answer=prediction, explanation=f"real message: {real}")

    return score
