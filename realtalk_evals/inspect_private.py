"""Every private `inspect_ai` name the suite uses, each with why no public API serves.

Nothing else imports from `inspect_ai._...` or `inspect_ai.<package>._...`; tests/test_inspect_private.py has
one test per name that fails if Inspect moves it or changes what the suite relies on.
"""

from __future__ import annotations

from inspect_ai._util.error import PrerequisiteError
from inspect_ai._util.registry import registry_add
from inspect_ai.model._generate_config import active_generate_config
from inspect_ai.model._model import active_model, init_model_roles

__all__ = ["PrerequisiteError", "active_generate_config", "active_model", "init_model_roles", "registry_add"]

# PrerequisiteError: Inspect's CLI prints an exception of this class as its message alone, without the
#   traceback; the suite's InputError and DatasetError derive from it so that a user's bad parameter or data
#   reads as one line. Inspect exports no public base class with that behaviour.
# active_generate_config: the run's generation settings (--temperature, --max-tokens, ...). Inspect merges
#   them only into the run's own model; a persona speaker's own (fine-tuned) model must answer under the same
#   settings, and no public accessor returns them.
# init_model_roles: binds model roles (`grader`) outside `eval()`, so benchmarks can time the scorers alone;
#   public role binding exists only through `eval(model_roles=...)`.
# active_model: the model of the eval that is building the task, None outside an eval. Inspect binds
#   `--model-role` before building a task, so inside an eval a grader role that is not bound will not be, and
#   the default grader can be checked at task construction; outside an eval (a task built in Python, handed
#   to `eval(model_roles=...)` later) it cannot. The public `get_model()` falls back to INSPECT_EVAL_MODEL, so
#   it cannot tell the two apart.
# registry_add: registers the suite's metrics under their bare names (`count`), so that Inspect shows them so
#   and can make them again from a log's metric names (`recompute_metrics`, after a score edit); `@metric`
#   registers an installed package's metric only as `<package>/<name>`, and no public call registers a name.
