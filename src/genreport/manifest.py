"""The manifest of a published run: what made it, where, how long each step took, file hashes."""

from __future__ import annotations

import json
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .data import sha256_of
from .results import read_benchmark

LIBRARIES = ("torch", "torchvision", "numpy", "matplotlib", "snakemake", "papermill", "nbconvert")


def git_state(root: Path, published_dirs: tuple[str, ...] = ()) -> dict[str, Any]:
    """HEAD and whether the tracked files differ from it, not counting the folders being published into."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()

    excluded = [f":(exclude){directory}" for directory in published_dirs]
    return {"commit": git("rev-parse", "HEAD") or None,
            "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", *excluded))}


def library_versions() -> dict[str, str | None]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def rule_wall_times(benchmarks: Path) -> dict[str, float]:
    return {path.stem: read_benchmark(path)["s"] for path in sorted(Path(benchmarks).glob("*.tsv"))}


def published_folders(published: list[Path], root: Path) -> tuple[str, ...]:
    root = Path(root).resolve()
    return tuple(sorted({str(path.parent.relative_to(root)) for path in published if path.is_relative_to(root)}))


def build_manifest(run_dir: Path, preset: str, published: list[Path], root: Path) -> dict[str, Any]:
    devices = {}
    for metrics in sorted(Path(run_dir).glob("train/*/metrics.json")):
        devices[metrics.parent.name] = json.loads(metrics.read_text())["device"]
    return {
        "preset": preset,
        "git": git_state(root, published_folders(published, root)),
        "training_devices": devices,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": library_versions(),
        "rule_wall_time_s": rule_wall_times(Path(run_dir) / "benchmarks"),
        "files": {str(path.relative_to(root)): sha256_of(path) for path in sorted(published)},
    }
