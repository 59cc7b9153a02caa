"""Inspect entry point: registers the suite's tasks as `realtalk_evals/<task>` and the `realtalk` provider.

The @task functions live in the top-level `tasks/` files that users point `inspect eval` at. Inspect names a
registered task after the package its function is defined in, so each one is registered here a second time,
through a thin wrapper that belongs to this package.

Inspect only prefixes the package name when it recognises the package as installed, and from the repository
root it does not (the editable install's `.egg-info` there shadows the installed metadata), so the name is
given in full when Inspect would not prefix it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from inspect_ai import Task, task
from inspect_ai._util.package import get_installed_package_name
from inspect_ai.model import ModelAPI, modelapi

from tasks.ei_analysis import ei_analysis as _ei_analysis
from tasks.memory_probing import memory_probing as _memory_probing
from tasks.persona_simulation import persona_simulation as _persona_simulation


@modelapi(name="realtalk")
def realtalk() -> type[ModelAPI]:
    from realtalk_evals.mock_model import RealtalkMockModel

    return RealtalkMockModel


def _package_task(task_file_function: Callable[..., Task]) -> Callable[..., Task]:
    factory: Callable[..., Task] = getattr(task_file_function, "__wrapped__", task_file_function)

    @functools.wraps(factory)
    def packaged(*args: Any, **kwargs: Any) -> Task:
        return factory(*args, **kwargs)

    packaged.__module__ = __name__
    prefixed_by_inspect = get_installed_package_name(packaged) == "realtalk_evals"
    name = factory.__name__ if prefixed_by_inspect else f"realtalk_evals/{factory.__name__}"
    return task(name=name)(packaged)


memory_probing = _package_task(_memory_probing)
persona_simulation = _package_task(_persona_simulation)
ei_analysis = _package_task(_ei_analysis)
