"""A network-free mock model provider, `realtalk/mock`, on Inspect's public `ModelAPI`.

Inspect's `mockllm/model` counts tokens with a tiktoken encoding that it downloads at run time, so offline it
ends every run in an error. This provider answers with a fixed reply or scripted outputs and counts tokens
locally (`tokens.approximate_tokens`).

    inspect eval realtalk_evals/memory_probing --model realtalk/mock -M reply="Paris"
    inspect eval-set ... --model realtalk/mock/a,realtalk/mock/b     # labelled mocks, to tell runs apart
    get_model("realtalk/mock", custom_outputs=[...])                  # from Python, like mockllm

Names: `realtalk/mock` and `realtalk/mock/<label>`; from Python with `custom_outputs`, any `realtalk/<label>`
(a test's scripted model, e.g. `realtalk/judge`). Any other name is refused, so a typo never runs the mock.

Inspect's generate cache keys a call by the model name, its base URL and the request, not by model args; so
the mock's base URL carries a digest of everything that decides its output (the reply, the replies file's
content, the scripted outputs or the callable's code), and two mocks with different replies never share
cached answers.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import types
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from realtalk_evals.errors import InputError
from realtalk_evals.tokens import approximate_tokens

DEFAULT_REPLY = "Default output from realtalk/mock"
MOCK_NAME = "mock"
"""The documented model name (`realtalk/mock`, or `realtalk/mock/<label>`)."""

OutputFunction = Callable[[list[ChatMessage], list[ToolInfo], ToolChoice, GenerateConfig], Any]
CustomOutputs = Iterable[ModelOutput | str] | OutputFunction


def check_model_name(model_name: str, scripted: bool) -> None:
    """Refuse names the provider does not document (a typo such as `realtalk/gpt-4o` must not run the mock)."""
    if model_name == MOCK_NAME or (model_name.startswith(MOCK_NAME + "/") and model_name != MOCK_NAME + "/"):
        return
    if scripted and model_name:
        return
    raise InputError(
        f"unknown model realtalk/{model_name}: the realtalk provider is a mock and serves only realtalk/mock "
        "and realtalk/mock/<label> (and, from Python with custom_outputs, realtalk/<label>)"
    )


def _reply_text(reply: object) -> str | None:
    """`-M reply=...` as one text; Inspect's `-M` splits values at commas, and YAML may parse a number or a JSON
    object (given back as JSON text)."""
    if reply is None or isinstance(reply, str):
        return reply
    if isinstance(reply, int | float) and not isinstance(reply, bool):
        return str(reply)
    if isinstance(reply, dict):  # `-M reply='{"score": 1}'`: YAML read the JSON text as a mapping
        return json.dumps(reply)
    raise InputError(
        f"realtalk/mock: reply must be one text, got {type(reply).__name__} {reply!r} (`-M` splits a value at "
        'commas). For a reply with commas use --model-config mock.yaml holding `reply: "a, b"`; for '
        "several replies in turn use -M replies_file=FILE (a JSON list of texts)."
    )


def _read_replies(replies_file: str) -> list[str]:
    try:
        replies = json.loads(Path(replies_file).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"realtalk/mock: cannot read replies_file {replies_file}: {error}") from error
    if not isinstance(replies, list) or not replies or not all(isinstance(r, str) for r in replies):
        raise InputError(f"{replies_file} must hold a non-empty JSON list of strings")
    return replies


def _callable_identity(function: Callable[..., Any]) -> list[str]:
    """A function is known by its qualified name, its code and the values its closure holds."""
    target = inspect.unwrap(function)
    code = getattr(target, "__code__", None) or getattr(vars(type(target)).get("__call__"), "__code__", None)
    if code is None:  # e.g. functools.partial: not knowable, so this instance is its own
        return [repr(target), uuid.uuid4().hex]
    cells = [repr(cell.cell_contents) for cell in getattr(target, "__closure__", None) or ()]
    name = f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', type(target).__qualname__)}"
    return [name, _code_digest(code), *cells]


def _code_digest(code: types.CodeType) -> str:
    """The same code gives the same digest in every process (`marshal` output varies with reference counts)."""
    digest = hashlib.sha256(code.co_code)
    for const in code.co_consts:
        digest.update(
            _code_digest(const).encode() if isinstance(const, types.CodeType) else repr(const).encode()
        )
    digest.update(repr(code.co_names).encode())
    return digest.hexdigest()


def _output_text(item: ModelOutput | str) -> str:
    return item if isinstance(item, str) else item.model_dump_json(exclude={"time", "metadata"})


class RealtalkMockModel(ModelAPI):
    """A fixed reply, a file of replies (used in order, then repeated), or Python-scripted outputs.

    Model args: `reply` (one text for every request), `replies_file` (a JSON list of texts), or
    `custom_outputs` (as for mockllm: ModelOutputs or strings, or a callable taking (input, tools,
    tool_choice, config) and returning a ModelOutput).
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        reply: object = None,
        replies_file: str | None = None,
        custom_outputs: CustomOutputs | None = None,
        **model_args: Any,
    ) -> None:
        check_model_name(model_name, scripted=custom_outputs is not None)
        identity: list[str] = [model_name, base_url or ""]
        self._function: OutputFunction | None = None
        self._outputs: Iterator[ModelOutput | str]
        if custom_outputs is not None:
            if callable(custom_outputs):
                self._function = custom_outputs
                identity += _callable_identity(custom_outputs)
                self._outputs = iter(())
            elif isinstance(custom_outputs, list | tuple):
                identity += [_output_text(item) for item in custom_outputs]
                self._outputs = iter(custom_outputs)
            else:  # a generator or iterator: its outputs are not known ahead, so this instance is its own
                identity.append(uuid.uuid4().hex)
                self._outputs = iter(custom_outputs)
        else:
            replies = (
                _read_replies(replies_file)
                if replies_file is not None
                else [_reply_text(reply) or DEFAULT_REPLY]
            )
            identity += replies
            self._outputs = self._forever(replies)
        if model_args:
            identity.append(json.dumps(model_args, sort_keys=True, default=repr))
        digest = hashlib.sha256("\0".join(identity).encode("utf-8")).hexdigest()[:32]
        super().__init__(model_name, f"realtalk-mock://{digest}", api_key, [], config or GenerateConfig())

    @staticmethod
    def _forever(replies: list[str]) -> Iterator[str]:
        while True:
            yield from replies

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        if self._function is not None:
            output = self._function(input, tools, tool_choice, config)
            if inspect.isawaitable(output):
                output = await output
        else:
            try:
                output = next(self._outputs)
            except StopIteration:
                raise ValueError("custom_outputs ran out of values") from None
        if isinstance(output, str):
            output = ModelOutput.from_content(model=self.model_name, content=output)
        if not isinstance(output, ModelOutput):
            raise ValueError(f"output must be a ModelOutput or a string; got {type(output)}: {output!r}")
        if output.usage is None:
            input_tokens = await self.count_tokens(input)
            output_tokens = approximate_tokens(output.completion)
            output.usage = ModelUsage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                total_tokens=input_tokens + output_tokens,
            )
        request = {"model": self.model_name, "messages": [message.model_dump() for message in input]}
        return output, ModelCall.create(request, {"content": output.completion})

    async def count_tokens(self, input: str | list[ChatMessage], config: GenerateConfig | None = None) -> int:
        if isinstance(input, str):
            return approximate_tokens(input)
        return sum(approximate_tokens(message.text) for message in input)

    async def count_text_tokens(self, text: str) -> int:
        return approximate_tokens(text)


def provider() -> type[ModelAPI]:
    return RealtalkMockModel
