"""docs/fidelity.md against the released code it quotes, and the released code's unit of analysis."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from realtalk_evals.data.files import data_directory
from realtalk_evals.data.realtalk import load_conversations
from realtalk_evals.dataset_analysis.samples import conversation_samples

ROOT = Path(__file__).resolve().parents[1]
FIDELITY = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
# /work/shared, above the repository (or above its worktree folder)
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents[2:4] if (p / "shared").is_dir()), Path()
)
RELEASED = SHARED / "reference" / "realtalk-released"


def test_fidelity_states_the_released_analysis_code_is_in_the_pinned_commit() -> None:
    assert "not in the pinned" not in FIDELITY and "described to this project" not in FIDELITY
    assert "The released analysis code is in the pinned commit (`analyze_data.py`" in FIDELITY
    assert "`merge=false` labels every bubble on its own: the released code's unit" in FIDELITY


@pytest.mark.skipif(not RELEASED.is_dir(), reason="the released REALTALK code is not checked out here")
def test_released_code_quoted_in_fidelity_is_in_the_released_code() -> None:
    """Code quoted after "released" in the 'paper / released code' column occurs verbatim; named files exist."""
    files = {
        p.relative_to(RELEASED).as_posix(): p.read_text(encoding="utf-8") for p in RELEASED.rglob("*.py")
    }
    source = "\n".join(files.values())
    quoted = [
        snippet
        for line in FIDELITY.splitlines()
        if len(cells := line.split(" | ")) >= 3 and "eleased" in cells[1]
        for snippet in re.findall(r"`([^`]+)`", cells[1][cells[1].lower().index("released") :])
    ]
    code = [q for q in quoted if re.search(r"[()\[\]={}:]", q) and not re.match(r"[\d.]+, [\d:]+$", q)]
    named = [q for q in quoted if re.fullmatch(r"[\w/]+(\.py|/)", q)]
    assert "x_data = np.arange(1, len(session_intimacy_scores) + 1)" in code and "analyze_data.py" in named
    assert [q for q in code if q not in source and q.replace("\\n", "\n") not in source] == []
    assert [q for q in named if not any(f.endswith(q) or f.startswith(q) for f in files)] == []


def test_unmerged_samples_are_the_released_codes_chat_bubbles() -> None:
    """`merge=false` labels what released `analyze_data.py` labels: every turn of every `session_N` list."""
    [chat] = [c for c in load_conversations() if c.id == "Chat_10_Fahim_Muhhamed"]
    raw = json.loads((data_directory() / f"{chat.id}.json").read_text(encoding="utf-8"))
    bubbles = [turn for key, turns in raw.items() if re.fullmatch(r"session_\d+", key) for turn in turns]
    unmerged = conversation_samples(chat, "realtalk", False, None)
    assert [(s.metadata or {})["text"] for s in unmerged] == [
        t.get("clean_text", t.get("text", "")) for t in bubbles
    ]
    assert len(conversation_samples(chat, "realtalk", True, None)) < len(unmerged)
