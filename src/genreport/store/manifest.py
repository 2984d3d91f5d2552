"""The manifest of a published run: what made it, where, how long each step took, file hashes."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .files import read_benchmark, read_json, sha256_of
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


def published_folders(published: list[Path], root: Path) -> tuple[str, ...]:
    root = Path(root).resolve()
    return tuple(sorted({str(path.parent.relative_to(root)) for path in published if path.is_relative_to(root)}))


def build_manifest(
    run_dir: Path, preset: str, published: list[Path], root: Path, publication_dirs: tuple[str, ...] = ()
) -> dict[str, Any]:
    """`publication_dirs`: folders being published into, whose changes are not uncommitted code."""
    devices = {}
    for metrics in sorted(Path(run_dir).glob("train/*/metrics.json")):
        devices[metrics.parent.name] = read_json(metrics).get("device")
    return {
        "preset": preset,
        "git": git_state(root, tuple(sorted({*published_folders(published, root), *publication_dirs}))),
        "training_devices": devices,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": library_versions(),
        "rule_wall_time_s": rule_wall_times(Path(run_dir) / "benchmarks"),
        "files": {str(path.relative_to(root)): sha256_of(path) for path in sorted(published)},
    }
