"""The manifest of a published run: what made it, where, how long each step took, file hashes."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .files import read_benchmark, read_json
from .provenance import git_state

LIBRARIES = ("torch", "torchvision", "numpy", "matplotlib", "snakemake", "papermill", "nbconvert")


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


def published_folders(files: dict[str, str]) -> tuple[str, ...]:
    """The folders of the published files (named relative to the project root)."""
    return tuple(sorted({str(Path(name).parent) for name in files}))


def build_manifest(
    run_dir: Path,
    preset: str,
    files: dict[str, str],
    root: Path,
    publication_dirs: tuple[str, ...] = (),
    changed_settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`files`: each published file (relative to `root`) and its hash; `publication_dirs`: folders being
    published into, whose changes are not uncommitted code; `changed_settings`: preset values `--config set`
    changed for the run."""
    devices = {}
    for metrics in sorted(Path(run_dir).glob("train/*/metrics.json")):
        devices[metrics.parent.name] = read_json(metrics).get("device")
    return {
        "preset": preset,
        "changed_settings": changed_settings or {},
        "git": git_state(root, tuple(sorted({*published_folders(files), *publication_dirs}))),
        "training_devices": devices,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": library_versions(),
        "rule_wall_time_s": rule_wall_times(Path(run_dir) / "benchmarks"),
        "files": dict(sorted(files.items())),
    }
