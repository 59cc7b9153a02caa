"""How the suite counts tokens without a tokenizer: about four characters a token.

The providers' tokenizers (OpenAI's tiktoken among them) download their vocabularies at first use, so they do
not work offline; OpenAI documents one token as about four characters of English text. The mock model's usage
figures and the memory token budget (`-T memory_tokens=N`) use this one estimate, so that a run on the mock
shows exactly the input tokens the budget allowed. A real model's tokenizer counts differently (English chat
text: typically within 10-20% of this estimate), so a budget is a cap on the estimate, not on the bill.
"""

from __future__ import annotations

CHARACTERS_PER_TOKEN = 4


def approximate_tokens(text: str) -> int:
    """`len(text) // 4`, and at least 1 for a non-empty text."""
    return max(1, len(text) // CHARACTERS_PER_TOKEN) if text else 0
