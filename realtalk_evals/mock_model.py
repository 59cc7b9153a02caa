"""A network-free mock model provider, `realtalk/mock`.

Inspect's `mockllm/model` counts tokens with a tiktoken encoding that it downloads at run time, so offline it
ends every run in an error. This provider answers like mockllm (a fixed reply, or scripted outputs) and counts
tokens locally.

    inspect eval tasks/memory_probing.py --model realtalk/mock -M reply="Paris"
    get_model("realtalk/mock", custom_outputs=[...])            # from Python, like mockllm
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from inspect_ai.model import ChatMessage, GenerateConfig, ModelAPI, ModelOutput, ModelUsage
from inspect_ai.model._providers.mockllm import MockLLM
from inspect_ai.tool import ToolInfo

DEFAULT_REPLY = "Default output from realtalk/mock"


def _approximate_tokens(text: str) -> int:
    """About four characters a token: good enough for a mock's usage figures."""
    return max(1, len(text) // 4) if text else 0


class RealtalkMockModel(MockLLM):
    """mockllm without the tiktoken download.

    Model args: `reply` (one text for every request), `replies_file` (a JSON list of texts, used in order and
    then repeated), or `custom_outputs` (as for mockllm: ModelOutputs, strings, or a callable).
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        reply: str | None = None,
        replies_file: str | None = None,
        custom_outputs: Iterable[ModelOutput | str] | Callable[..., ModelOutput] | None = None,
        **model_args: Any,
    ) -> None:
        if custom_outputs is None:
            custom_outputs = self._scripted(model_name, reply, replies_file)
        elif not callable(custom_outputs):
            custom_outputs = (self._as_output(model_name, item) for item in custom_outputs)
        super().__init__(
            model_name,
            base_url,
            api_key,
            config or GenerateConfig(),
            custom_outputs=custom_outputs,
            **model_args,
        )

    @staticmethod
    def _as_output(model_name: str, item: ModelOutput | str) -> ModelOutput:
        return (
            item
            if isinstance(item, ModelOutput)
            else ModelOutput.from_content(model=model_name, content=item)
        )

    @classmethod
    def _scripted(cls, model_name: str, reply: str | None, replies_file: str | None) -> Iterable[ModelOutput]:
        if replies_file is not None:
            replies = json.loads(Path(replies_file).read_text(encoding="utf-8"))
            if not isinstance(replies, list) or not replies or not all(isinstance(r, str) for r in replies):
                raise ValueError(f"{replies_file} must hold a non-empty JSON list of strings")
        else:
            replies = [DEFAULT_REPLY if reply is None else str(reply)]

        def forever() -> Iterable[ModelOutput]:
            while True:
                for text in replies:
                    yield ModelOutput.from_content(model=model_name, content=text)

        return forever()

    async def count_tokens(self, input: str | list[ChatMessage], *args: Any, **kwargs: Any) -> int:  # type: ignore[override]
        if isinstance(input, str):
            return _approximate_tokens(input)
        return sum(_approximate_tokens(message.text) for message in input)

    async def count_text_tokens(self, text: str) -> int:  # type: ignore[override]
        return _approximate_tokens(text)

    async def _ensure_default_usage(
        self, output: ModelOutput, input: list[ChatMessage], tools: list[ToolInfo]
    ) -> None:
        if output.usage is None:
            input_tokens = await self.count_tokens(input)
            output_tokens = _approximate_tokens(output.completion)
            output.usage = ModelUsage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                total_tokens=input_tokens + output_tokens,
            )


def provider() -> type[ModelAPI]:
    return RealtalkMockModel
