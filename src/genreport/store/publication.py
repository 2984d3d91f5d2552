"""Where runs are published, one copy each: the top-level figures/ and report/, or report/<preset>/.

The top-level folders show the gpu run once one is published, else the latest published run of another
preset (report/manifest.json names it). Any other preset's latest run lives in report/<preset>/
(report/, figures/, metrics.json, experiments/, manifest.json, laid out as in the run). A run the
top-level folders stop showing is moved there, so no run is kept twice. Beside metrics.json lie the
experiments' JSON files (report/experiments/ at the top), so each number of the report can be checked.
"""

from __future__ import annotations

from pathlib import Path

from .files import read_json, sha256_of, sole_writer
from .manifest import build_manifest
from .provenance import PUBLICATION_DIRS
from .swap import StagedChange

TOP_LEVEL_PRESET = "gpu"
MAIN_PRESETS = ("gpu", "cpu")  # the runs the top level shows: the gpu run once one is published, else the cpu run


def replace_matching(change: StagedChange, files: list[Path], folder: str, pattern: str) -> list[str]:
    """Stage `files` into `folder` (relative to the root), the files there matching `pattern` removed."""
    names = {source.name for source in files}
    for stale in (change.root / folder).glob(pattern):
        if stale.name not in names:
            change.remove(f"{folder}/{stale.name}")
    for source in files:
        change.install(f"{folder}/{source.name}", source)
    return [f"{folder}/{source.name}" for source in files]


def stage_run(
    change: StagedChange,
    run: Path,
    preset: str,
    figures: list[Path],
    report_files: list[Path],
    folder: str,
    changed_settings: dict | None = None,
) -> str:
    """Stage one run's publication in `folder` ("" for the top level), its manifest included; returns the
    manifest's path relative to the root."""
    beside_metrics = folder or "report"
    published = replace_matching(change, figures, f"{folder}/figures".lstrip("/"), "*.png")
    published += replace_matching(change, report_files, f"{folder}/report".lstrip("/"), "report.*")
    # The experiments behind the answers, so every number the report prints can be checked against its file.
    experiments = sorted((run / "experiments").glob("*.json"))
    published += replace_matching(change, experiments, f"{beside_metrics}/experiments", "*.json")
    change.install(f"{beside_metrics}/metrics.json", run / "metrics.json")
    published.append(f"{beside_metrics}/metrics.json")
    hashes = {name: sha256_of(change.staged(name)) for name in published}
    manifest = f"{beside_metrics}/manifest.json"
    change.install_json(manifest, build_manifest(run, preset, hashes, change.root, PUBLICATION_DIRS, changed_settings))
    return manifest


def shows_top_level(preset: str, top_manifest: Path, top_level: bool = False) -> bool:
    """Whether this run belongs in the top-level figures/ and report/: a main preset's (the gpu run's, else the cpu
    run's), or any preset's where asked for explicitly (`top_level`)."""
    if preset == TOP_LEVEL_PRESET:
        return True
    if preset not in MAIN_PRESETS and not top_level:
        return False
    return not top_manifest.is_file() or read_json(top_manifest).get("preset") != TOP_LEVEL_PRESET


def top_manifest(root: Path) -> Path:
    return root / "report" / "manifest.json"


def published_manifest(preset: str, root: Path, top_level: bool = False) -> Path:
    """Where a run of `preset` is published: the top-level folders, or report/<preset>/."""
    return (
        top_manifest(root)
        if shows_top_level(preset, top_manifest(root), top_level)
        else root / "report" / preset / "manifest.json"
    )


def stage_move_aside(change: StagedChange) -> str:
    """Stage a copy of the run the top-level folders show in report/<its preset>/, its manifest's file list
    rewritten; returns that manifest's path."""
    manifest = read_json(top_manifest(change.root))
    folder = f"report/{manifest['preset']}"
    moved = {}
    for name in manifest.get("files", {}):
        beside_metrics = name.startswith(("report/metrics.json", "report/experiments/"))
        destination = f"{folder}/{name.removeprefix('report/') if beside_metrics else name}"
        change.install(destination, change.root / name)
        moved[destination] = manifest["files"][name]
    change.install_json(f"{folder}/manifest.json", {**manifest, "files": moved})
    return f"{folder}/manifest.json"


def publish_run(
    run: Path,
    preset: str,
    figures: list[Path],
    report_files: list[Path],
    root: Path,
    top_level: bool = False,
    changed_settings: dict | None = None,
) -> Path:
    """Publish `run` where its preset belongs (`top_level`: at the top whatever the preset), one publisher at a
    time, all its files at once, the manifest last; a publish stopped midway leaves the previous one as it was."""
    with sole_writer(root / "report", f"publishing {preset}"):
        change = StagedChange(root)
        manifests = stage_where_it_belongs(change, run, preset, figures, report_files, top_level, changed_settings)
        change.commit(last=manifests)
        return root / manifests[-1]


def stage_where_it_belongs(
    change: StagedChange,
    run: Path,
    preset: str,
    figures: list[Path],
    report_files: list[Path],
    top_level: bool,
    changed_settings: dict | None = None,
) -> tuple[str, ...]:
    root = change.root
    manifest = published_manifest(preset, root, top_level)
    if manifest != top_manifest(root):
        return (stage_run(change, run, preset, figures, report_files, f"report/{preset}", changed_settings),)
    manifests = []
    shown = read_json(manifest).get("preset") if manifest.is_file() else None
    if shown not in (None, preset):
        manifests.append(stage_move_aside(change))
    older = root / "report" / preset / "manifest.json"  # an earlier copy of this preset's run, now shown at the top
    if preset not in PUBLICATION_DIRS and older.is_file() and read_json(older).get("preset") == preset:
        for path in sorted(older.parent.rglob("*")):
            if path.is_file():
                change.remove(str(path.relative_to(root)))
    manifests.append(stage_run(change, run, preset, figures, report_files, "", changed_settings))
    return tuple(manifests)
