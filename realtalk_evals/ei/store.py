"""What the EI solver hands to the EI scorer through the sample's store, typed on both sides."""

from __future__ import annotations

from typing import Any

from inspect_ai.util import StoreModel


class JudgedEI(StoreModel):
    """The judges' partial `MessageEI` (as a dict); the scorer adds the classifiers' labels."""

    record: dict[str, Any] | None = None
