"""The network-free `realtalk/mock` provider: fixed, file-scripted and Python-scripted replies, local token counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai.model import get_model

import realtalk_evals._registry  # noqa: F401  (registers the provider)

pytestmark = pytest.mark.anyio


async def test_default_and_fixed_replies_with_usage_counted_offline() -> None:
    default = get_model("realtalk/mock", memoize=False)
    output = await default.generate("What is the capital of France?")
    assert output.completion == "Default output from realtalk/mock"
    assert output.usage is not None and output.usage.input_tokens > 0 and output.usage.output_tokens > 0

    fixed = get_model("realtalk/mock", reply='{"score": 1}', memoize=False)
    assert (await fixed.generate("x")).completion == '{"score": 1}'


async def test_replies_file_is_used_in_order_and_repeated(tmp_path: Path) -> None:
    path = tmp_path / "replies.json"
    path.write_text(json.dumps(["one", "two"]), encoding="utf-8")
    model = get_model("realtalk/mock", replies_file=str(path), memoize=False)
    assert [(await model.generate("q")).completion for _ in range(3)] == ["one", "two", "one"]


async def test_bad_replies_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "replies.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="non-empty JSON list of strings"):
        get_model("realtalk/mock", replies_file=str(path), memoize=False)


async def test_custom_outputs_accept_plain_strings() -> None:
    model = get_model("realtalk/mock", custom_outputs=["a", "b"], memoize=False)
    assert [(await model.generate("q")).completion for _ in range(2)] == ["a", "b"]
