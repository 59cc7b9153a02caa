"""What the model under test sent back, when it is not an answer: a reply without any choice, or without text.

A provider can answer a request with `choices: []` (seen with content filters and proxies). Inspect's generate
then fails on the missing message with `IndexError: list index out of range`, which says nothing about the
cause; `checked_generate` turns it into one message naming the model. A reply whose text is empty
(`content: null`, or only blanks) is scored as the empty answer it is, and counted (`EMPTY_REPLY` scores).
"""

from __future__ import annotations

from inspect_ai.model import ModelOutput
from inspect_ai.solver import Generate, Solver, TaskState, solver

from realtalk_evals.secrets import scrub_exception


class NoChoicesError(RuntimeError):
    """The provider's reply held no choice: there is no answer to score."""

    def __init__(self, model: str) -> None:
        super().__init__(
            f"{model} sent a reply without any choice (`choices: []`, as a content filter or a proxy may send): "
            "no answer to score. `inspect eval-retry LOG` asks again; `--retry-on-error N` retries such samples "
            "during the run"
        )


def is_empty_reply(output: ModelOutput) -> bool:
    """The reply has no text (`content: null`, an empty string, or blanks only)."""
    return not output.completion.strip()


def check_choices(output: ModelOutput, model: str) -> None:
    """Raise NoChoicesError when `output` holds no choice."""
    if output.empty:
        raise NoChoicesError(model)


async def generate_checked(state: TaskState, generate: Generate) -> TaskState:
    """`generate(state)`, with a reply without any choice reported as NoChoicesError.

    Inspect sets `state.output` before it reads the reply's message, so the cause is known when that read
    fails; any other IndexError is left as it is. Any other error is scrubbed of API keys before Inspect
    records it."""
    try:
        return await generate(state)
    except IndexError:
        check_choices(state.output, str(state.model))
        raise
    except Exception as error:
        scrub_exception(error)  # a provider's error may echo the key it was sent
        raise


@solver
def checked_generate() -> Solver:
    """Inspect's generate step (`generate()`), with a reply without any choice reported as NoChoicesError."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await generate_checked(state, generate)

    return solve
