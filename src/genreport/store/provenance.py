"""What made an output: the rule, the notebook or module it ran, the commit, the settings it received."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from .files import write_json

# The folders the publish rule copies runs into: their changes are published results, not code.
PUBLICATION_DIRS = ("figures", "report")


def git_state(root: Path, published_dirs: tuple[str, ...] = ()) -> dict[str, Any]:
    """HEAD and whether the tracked files differ from it, not counting the folders being published into."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()

    excluded = [f":(exclude){directory}" for directory in published_dirs]
    commit = git("rev-parse", "HEAD") or None  # None outside a git checkout
    changed = bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", *excluded)) if commit else None
    return {"commit": commit, "uncommitted_changes": changed}


def settings_digest(settings: dict[str, Any]) -> str:
    """A short hash of a job's settings, the same for the same values whatever their order."""
    canonical = json.dumps(settings, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def write_provenance(path: Path, rule: str, made_by: str, settings: dict[str, Any]) -> None:
    from ..config import project_root

    write_json(
        path,
        {
            "rule": rule,
            "made_by": made_by,
            **git_state(project_root(), PUBLICATION_DIRS),
            "settings_digest": settings_digest(settings),
            "settings": settings,
        },
    )


def record_provenance(path: Path | None, made_by: str, settings: dict[str, Any]) -> None:
    """Write the provenance of a job's figures to `path` (named after the rule), if one was asked for."""
    if path is not None:
        write_provenance(path, Path(path).stem, made_by, settings)
