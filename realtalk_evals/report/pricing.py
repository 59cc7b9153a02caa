"""Token prices for the cost column: a small built-in table the user extends with `--prices FILE`.

Prices are US dollars per million tokens, as the providers list them (checked for the models below on the
date of the changelog entry; they change: pass your own file for current prices).
"""

from __future__ import annotations

import json
from pathlib import Path

from inspect_ai.model import ModelUsage
from pydantic import BaseModel, RootModel


class Price(BaseModel):
    input: float
    output: float
    cached_input: float | None = None


class Prices(RootModel[dict[str, Price]]):
    """Model name (`openai/gpt-4o`) -> price per million tokens."""


BUILT_IN_PRICES: dict[str, dict[str, float]] = {
    "openai/gpt-4o": {"input": 2.50, "output": 10.00, "cached_input": 1.25},
    "openai/gpt-4o-mini": {"input": 0.15, "output": 0.60, "cached_input": 0.075},
    "anthropic/claude-sonnet-4-0": {"input": 3.00, "output": 15.00, "cached_input": 0.30},
}


def load_prices(path: str | Path | None = None) -> Prices:
    """The built-in prices, updated by the entries of a JSON file `{"provider/model": {"input": .., ...}}`."""
    table = dict(BUILT_IN_PRICES)
    if path is not None:
        extra = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(extra, dict):
            raise ValueError(f"{path}: expected a JSON object of model -> price")
        table.update(extra)
    return Prices.model_validate(table)


def usage_cost(model: str, usage: ModelUsage, prices: Prices) -> float | None:
    """Dollars for `usage`; None when the model's price is unknown.

    Inspect's `input_tokens` excludes cache reads and writes; reads are billed at the cached rate, writes at
    the input rate.
    """
    price = prices.root.get(model)
    if price is None:
        return None
    fresh = usage.input_tokens + (usage.input_tokens_cache_write or 0)
    cached = usage.input_tokens_cache_read or 0
    cached_rate = price.cached_input if price.cached_input is not None else price.input
    return (fresh * price.input + cached * cached_rate + usage.output_tokens * price.output) / 1_000_000
