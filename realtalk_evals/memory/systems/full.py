"""`memory=full` (the default): the paper's whole conversation (C) or whole list of events (E).

Its context is `memory.context.render_context`, byte for byte the paper's prompt; nothing is selected.
"""

from __future__ import annotations

from typing import ClassVar

from realtalk_evals.memory.systems.base import MemorySystem


class FullContext(MemorySystem):
    """The whole context, as the paper shows it."""

    name: ClassVar[str] = "full"
    whole_context: ClassVar[bool] = True
    uses_top_k: ClassVar[bool] = False
    ranks: ClassVar[bool] = False
    uses_unit: ClassVar[bool] = False
    blocking: ClassVar[bool] = False
