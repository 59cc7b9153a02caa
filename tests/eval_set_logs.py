"""Logs of a mock eval-set, built once per test session: two labelled mock models over three tasks.

`inspect eval-set` of memory_probing, persona_simulation (tiny local models from tiny_models.py, one speaker)
and judge_calibration (one conversation) on `realtalk/mock/a` (always `{"score": 1}`: a judge that accepts
everything) and `realtalk/mock/b` (always `{"score": 0}`), a mock grader, `--limit 4`: six logs that the
HTML site and the evaluation report are tested on. About a minute on a loaded 2-core machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval_set
from inspect_ai.log import list_eval_logs, read_eval_log
from inspect_ai.model import get_model
from tiny_models import shared_tiny_models

from realtalk_evals.local_models.settings import LOCAL_MODEL_CHOICES

REPLIES = {"realtalk/mock/a": '{"score": 1}', "realtalk/mock/b": '{"score": 0}'}
GRADER_REPLY = '{"score": 1}'
LIMIT = 4


def build_eval_set_logs(log_dir: Path) -> Path:
    """Run the eval-set into `log_dir` (the caller sets up the environment); return the directory."""
    from realtalk_evals.tasks.judge_calibration import judge_calibration
    from realtalk_evals.tasks.memory_probing import memory_probing
    from realtalk_evals.tasks.persona_simulation import persona_simulation

    success, logs = eval_set(
        tasks=[
            memory_probing(),
            persona_simulation(speaker="Emi", max_per_speaker=LIMIT),
            judge_calibration(conversations=1),
        ],
        model=[get_model(name, reply=reply) for name, reply in REPLIES.items()],
        model_roles={"grader": get_model("realtalk/mock", reply=GRADER_REPLY)},
        limit=LIMIT,
        log_dir=str(log_dir),
        display="none",
    )
    assert success, [log.error for log in logs if log.status != "success"]
    return log_dir


@pytest.fixture(scope="session")
def eval_set_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The eval-set's log directory; every log complete."""
    models = shared_tiny_models()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSPECT_CACHE_DIR", str(tmp_path_factory.mktemp("eval-set-cache")))
        patch.setenv("REALTALK_CACHE_DIR", str(tmp_path_factory.mktemp("eval-set-realtalk-cache")))
        for choice in LOCAL_MODEL_CHOICES:
            patch.setenv(choice.env, str(getattr(models.settings, choice.field)))
        log_dir = build_eval_set_logs(tmp_path_factory.mktemp("eval-set") / "logs")
    for info in list_eval_logs(str(log_dir)):
        assert read_eval_log(info.name, header_only=True).status == "success"
    return log_dir
