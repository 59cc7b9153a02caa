"""The README's commands run as written from a fresh copy of the repository (issue 21).

Rules, as the README follows them:
- Each ```bash block runs as one `bash -e` script, in order, in a copy of the repository's files (what a fresh
  clone holds, with this checkout's uncommitted changes), with cold caches (`INSPECT_CACHE_DIR`,
  `REALTALK_CACHE_DIR`), no API key, `HF_HUB_OFFLINE=1`, and the dataset copy of `REALTALK_DATA_DIR` (CI sets
  it; the tests find `../shared` otherwise). Every Inspect log a block writes must end in `success` (`inspect
  eval` exits 0 even when a run errors).
- `pip install` is not run again: the package is already installed in the environment running this test. A
  line `pip install ... && COMMAND` runs COMMAND.
- A block whose first line is a `# needs: ...` comment (an API key, the network) is not run; every block
  naming a real provider, an API key or a download must carry that mark (checked without running anything).
- The block that runs `pytest` is the README's test command: not run here (it would run this test again), but
  `.ci/run` must run exactly it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"

NEEDS = re.compile(r"#\s*needs:", re.IGNORECASE)
NETWORK = re.compile(r"\b(realtalk (data|models) download|hf download|huggingface-cli|git clone|curl|wget)\b")
MODEL_VALUE = re.compile(r"(?:--model(?:-role)?|-T graders)[ =]+(\"[^\"]*\"|'[^']*'|\S+)")
INSTALL = re.compile(r"^\s*pip install [^&]*?(?:&&\s*(?P<rest>.*))?$")


@dataclass(frozen=True)
class Block:
    line: int
    script: str

    @property
    def needs(self) -> str | None:
        """What the block needs that a test machine lacks, from its `# needs: ...` first line."""
        first = self.script.splitlines()[0] if self.script else ""
        return first.split(":", 1)[1].strip() if NEEDS.match(first) else None

    @property
    def runs_the_tests(self) -> bool:
        return any(command[:1] == ["pytest"] for command in self.commands)

    @property
    def commands(self) -> list[list[str]]:
        """Each command of the block as words (continuation lines joined, `&&` chains split, comments off)."""
        joined = self.script.replace("\\\n", " ")
        result = []
        for line in joined.splitlines():
            words = shlex.split(line, comments=True)
            while words:
                end = words.index("&&") if "&&" in words else len(words)
                result.append(words[:end])
                words = words[end + 1 :]
        return result

    def __str__(self) -> str:
        return f"README.md:{self.line}"


def bash_blocks(text: str) -> list[Block]:
    blocks = []
    for match in re.finditer(r"^```bash\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        blocks.append(Block(text[: match.start()].count("\n") + 2, match.group(1)))
    return blocks


BLOCKS = bash_blocks(README.read_text(encoding="utf-8"))


def models_named(block: Block) -> set[str]:
    """Every model a block names with `--model`, `--model-role` or `-T graders`."""
    models = set()
    for value in MODEL_VALUE.findall(block.script.replace("\\\n", " ")):
        value = value.strip("\"'")
        if re.match(r"^\w+=", value):  # role=model
            value = value.split("=", 1)[1]
        if value.startswith("{"):
            models.update(re.findall(r"model:\s*([^\s,}]+)", value))
        else:
            models.update(part for part in value.split(",") if part)
    return models


def what_a_test_machine_lacks(block: Block) -> list[str]:
    lacks = sorted(model for model in models_named(block) if not model.startswith("realtalk/"))
    if any("_API_KEY" in word for command in block.commands for word in command):
        lacks.append("an API key")
    lacks += [match.group(0) for match in NETWORK.finditer(block.script)]
    return lacks


def without_installs(script: str) -> str:
    """The script with `pip install` lines removed (a `pip install ... && COMMAND` line keeps COMMAND)."""
    kept = []
    for line in script.splitlines():
        install = INSTALL.match(line)
        if install:
            if install.group("rest"):
                kept.append(install.group("rest"))
        else:
            kept.append(line)
    return "\n".join(kept) + "\n"


def test_the_readme_has_command_blocks_of_each_kind() -> None:
    assert [block for block in BLOCKS if block.needs is None and not block.runs_the_tests]
    assert [block for block in BLOCKS if block.needs]
    assert len([block for block in BLOCKS if block.runs_the_tests]) == 1


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_a_block_that_needs_a_key_or_the_network_says_so(block: Block) -> None:
    lacks = what_a_test_machine_lacks(block)
    assert block.needs or not lacks, f"{block} needs {lacks}: start it with a `# needs: ...` line"


def test_the_mark_is_read_and_real_providers_are_found() -> None:
    marked = Block(1, "# needs: OPENAI_API_KEY\ninspect eval t.py --model openai/gpt-4o \\\n  -T x=1\n")
    assert marked.needs == "OPENAI_API_KEY"
    assert what_a_test_machine_lacks(marked) == ["openai/gpt-4o"]
    assert what_a_test_machine_lacks(Block(1, "export OPENAI_API_KEY=...\nrealtalk data download\n")) == [
        "an API key",
        "realtalk data download",
    ]
    mock = Block(
        1, """inspect eval t.py --model realtalk/mock --model-role "grader={model: realtalk/mock}"\n"""
    )
    assert mock.needs is None and not what_a_test_machine_lacks(mock)
    panel = Block(
        1, "inspect eval t.py --model realtalk/mock --model-role grader=realtalk/mock,anthropic/c\n"
    )
    assert what_a_test_machine_lacks(panel) == ["anthropic/c"]
    assert (
        without_installs("pip install -e .\npip install -e '.[dev]' && pytest -q\nls\n") == "pytest -q\nls\n"
    )


def normalised(command: list[str]) -> list[str]:
    return (
        [word for word in command if word not in ("--quiet", "-q")]
        if command[:2] == ["pip", "install"]
        else command
    )


def test_ci_installs_as_the_readme_says_and_runs_exactly_its_test_command() -> None:
    (block,) = [block for block in BLOCKS if block.runs_the_tests]
    ci_commands = [normalised(shlex.split(line, comments=True)) for line in CI.read_text().splitlines()]
    ci_commands = [command for command in ci_commands if command]
    for command in block.commands:
        assert normalised(command) in ci_commands, (
            f".ci/run does not run the README's `{shlex.join(command)}`"
        )
    assert ci_commands[-1] == block.commands[-1], ".ci/run must end with the README's test command"


def repository_copy(target: Path) -> Path:
    """The files a fresh clone holds (tracked ones, and new ones git does not ignore), copied to `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def fresh_environment(tmp_path: Path) -> dict[str, str]:
    """This environment without API keys or Inspect settings, with cold caches under `tmp_path`, the dataset
    copy of `REALTALK_DATA_DIR` and the Hugging Face Hub offline."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("INSPECT_") and not name.endswith("_API_KEY")
    }
    return environment | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}",
        "INSPECT_CACHE_DIR": str(tmp_path / "inspect-cache"),
        "REALTALK_CACHE_DIR": str(tmp_path / "realtalk-cache"),
        "REALTALK_DATA_DIR": os.environ["REALTALK_DATA_DIR"],
        "HF_HUB_OFFLINE": "1",
    }


@pytest.mark.slow
def test_the_readme_commands_run_as_written(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to copy the repository's files from")
    repository = repository_copy(tmp_path / "repository")
    environment = fresh_environment(tmp_path)
    ran = 0
    for block in BLOCKS:
        if block.needs or block.runs_the_tests:
            continue
        before = set(repository.rglob("*.eval"))
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", without_installs(block.script)],
            cwd=repository,
            env=environment,
            capture_output=True,
            text=True,
            timeout=900,
        )
        output = (result.stdout + result.stderr)[-4000:]
        assert result.returncode == 0, f"{block} exited {result.returncode}:\n{block.script}\n{output}"
        logs = sorted(set(repository.rglob("*.eval")) - before)
        evals = sum(1 for command in block.commands if command[:2] == ["inspect", "eval"])
        assert len(logs) >= evals, (
            f"{block}: {evals} `inspect eval` commands wrote {len(logs)} logs\n{output}"
        )
        for log in logs:
            header = read_eval_log(str(log), header_only=True)
            assert header.status == "success", f"{block}: {log.name} ended {header.status}: {header.error}"
        ran += 1
    assert ran >= 3
