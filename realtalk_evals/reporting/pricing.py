"""The cost columns: Inspect's own cost tracking, with a price file only as an override.

Inspect prices every call it makes from its model database or the eval's `--model-cost-config` and records the
sum in each usage's `total_cost`; a report reads that figure. For models Inspect had no price for (or to
reprice old logs), `realtalk report --model-cost-config FILE` takes a file in Inspect's own
`--model-cost-config` format (YAML or JSON: model -> `input`, `output`, `input_cache_write`,
`input_cache_read`, US dollars per million tokens), and its prices win over the logged cost. The report does
not look models up itself: for a model the database does not list, Inspect's lookup would instantiate the
provider (loading local weights).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from inspect_ai.model import ModelCost, ModelUsage, compute_model_cost
from pydantic import TypeAdapter, ValidationError

CostConfig = dict[str, ModelCost]
"""Model name (`openai/gpt-4o`) -> prices, as in Inspect's `--model-cost-config`."""


def load_cost_config(path: str | Path | None = None) -> CostConfig:
    """The price overrides of a `--model-cost-config` file (none without a file)."""
    if path is None:
        return {}
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    try:
        return TypeAdapter(CostConfig).validate_python(data)
    except ValidationError as error:
        raise ValueError(
            f"{path}: expected Inspect's --model-cost-config format, model -> "
            f"{{input, output, input_cache_write, input_cache_read}} (USD per 1M tokens): {error}"
        ) from error


def usage_cost(model: str, usage: ModelUsage, overrides: CostConfig) -> float | None:
    """Dollars for `usage` of `model`: the override's price, else the cost Inspect logged (None if it had none)."""
    if usage.total_tokens == 0 and usage.input_tokens == 0 and usage.output_tokens == 0:
        return 0.0
    if model in overrides:
        return compute_model_cost(overrides[model], usage)
    return usage.total_cost
