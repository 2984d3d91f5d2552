"""Where runs are published, one copy each: the top-level figures/ and report/, or report/<preset>/.

The top-level folders show the gpu run once one is published, else the latest published run of another
preset (report/manifest.json names it). Any other preset's latest run lives in report/<preset>/
(report/, figures/, metrics.json, experiments/, manifest.json, laid out as in the run). A run the
top-level folders stop showing is moved there, so no run is kept twice. Beside metrics.json lie the
experiments' JSON files (report/experiments/ at the top), so each number of the report can be checked.
"""

from __future__ import annotations

from pathlib import Path

from .files import copy_file, read_json, remove_file, remove_tree, sole_writer, write_json
from .manifest import build_manifest
from .provenance import PUBLICATION_DIRS

TOP_LEVEL_PRESET = "gpu"
MAIN_PRESETS = ("gpu", "cpu")  # the runs the top level shows: the gpu run once one is published, else the cpu run


def copy_into(files: list[Path], target: Path, pattern: str) -> list[Path]:
    """Replace the files matching `pattern` in `target` with `files`."""
    names = {source.name for source in files}
    for stale in target.glob(pattern):
        if stale.name not in names:
            remove_file(stale)
    for source in files:
        copy_file(source, target / source.name)
    return [(target / source.name).resolve() for source in files]


def publish(
    run: Path,
    preset: str,
    figures: list[Path],
    report_files: list[Path],
    report_dir: Path,
    figures_dir: Path,
    manifest_path: Path,
    root: Path,
) -> None:
    published = copy_into(figures, figures_dir, "*.png") + copy_into(report_files, report_dir, "report.*")
    # The experiments behind the answers, so every number the report prints can be checked against its file.
    experiments = sorted((run / "experiments").glob("*.json"))
    published += copy_into(experiments, manifest_path.parent / "experiments", "*.json")
    copy_file(run / "metrics.json", manifest_path.parent / "metrics.json")
    published.append((manifest_path.parent / "metrics.json").resolve())
    manifest = build_manifest(run, preset, published, root, publication_dirs=PUBLICATION_DIRS)
    write_json(manifest_path, manifest)


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


def move_aside(root: Path) -> None:
    """Copy the run the top-level folders show into report/<its preset>/, its manifest's file list rewritten."""
    manifest = read_json(top_manifest(root))
    target = root / "report" / manifest["preset"]
    moved = {}
    for name in manifest.get("files", {}):
        source = root / name
        beside_metrics = name.startswith(("report/metrics.json", "report/experiments/"))
        destination = target / (name.removeprefix("report/") if beside_metrics else name)
        copy_file(source, destination)
        moved[str(destination.relative_to(root))] = manifest["files"][name]
    write_json(target / "manifest.json", {**manifest, "files": moved})


def publish_run(
    run: Path, preset: str, figures: list[Path], report_files: list[Path], root: Path, top_level: bool = False
) -> Path:
    """Publish `run` where its preset belongs (`top_level`: at the top whatever the preset), one publisher at a
    time; the manifest written."""
    with sole_writer(root / "report", f"publishing {preset}"):
        return publish_where_it_belongs(run, preset, figures, report_files, root, top_level)


def publish_where_it_belongs(
    run: Path, preset: str, figures: list[Path], report_files: list[Path], root: Path, top_level: bool
) -> Path:
    manifest = published_manifest(preset, root, top_level)
    if manifest == top_manifest(root):
        shown = read_json(manifest).get("preset") if manifest.is_file() else None
        if shown not in (None, preset):
            move_aside(root)
        publish(run, preset, figures, report_files, root / "report", root / "figures", manifest, root)
        older = root / "report" / preset / "manifest.json"  # an earlier copy of this preset's run, now shown at the top
        if preset not in PUBLICATION_DIRS and older.is_file() and read_json(older).get("preset") == preset:
            remove_tree(older.parent)
    else:
        folder = manifest.parent
        publish(run, preset, figures, report_files, folder / "report", folder / "figures", manifest, root)
    return manifest
