"""The code keeps the project's style: ruff's lint rules find nothing and `ruff format` changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff_finds_nothing(project_root: Path, command: list[str]):
    result = subprocess.run([sys.executable, "-m", "ruff", *command], cwd=project_root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
