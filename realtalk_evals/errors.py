"""Errors a user can fix (bad parameters, bad data), shown by Inspect's CLI as one message, not a traceback.

Inspect prints a `PrerequisiteError` as its message alone; the classes here are also ordinary ValueError /
RuntimeError, so Python callers can catch them as usual.
"""

from __future__ import annotations

from realtalk_evals.inspect_private import PrerequisiteError


class InputError(PrerequisiteError, ValueError):
    """A task parameter or selection that cannot be used; the message lists the valid choices."""

    def __init__(self, message: str) -> None:
        ValueError.__init__(self, message)
        self.message = message


class DatasetError(PrerequisiteError, RuntimeError):
    """The dataset is missing, incomplete, corrupt or malformed; the message names the file."""

    def __init__(self, message: str) -> None:
        RuntimeError.__init__(self, message)
        self.message = message
