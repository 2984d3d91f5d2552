"""Publish one run: its figures, report and metrics, with a manifest.

Every run goes to report/<preset>/ (report/, figures/, metrics.json, manifest.json, laid out as in
the run). The folders figures/ and report/ at the top show the gpu run once one is published, else
the latest published run of another preset.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import project_root
from ..store.files import copy_file, read_json, remove_file, write_json
from ..store.manifest import build_manifest
from ..store.provenance import PUBLICATION_DIRS
from .common import reports_errors

TOP_LEVEL_PRESET = "gpu"


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
    copy_file(run / "metrics.json", manifest_path.parent / "metrics.json")
    published.append((manifest_path.parent / "metrics.json").resolve())
    manifest = build_manifest(run, preset, published, root, publication_dirs=PUBLICATION_DIRS)
    write_json(manifest_path, manifest)


def shows_top_level(preset: str, top_manifest: Path) -> bool:
    """Whether this run belongs in the top-level figures/ and report/."""
    if preset == TOP_LEVEL_PRESET or not top_manifest.is_file():
        return True
    return read_json(top_manifest).get("preset") != TOP_LEVEL_PRESET


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", required=True)
    parser.add_argument("--metrics", type=Path, required=True, help="the run's metrics.json (the run is its folder)")
    parser.add_argument("--report-files", type=Path, nargs="+", required=True)
    parser.add_argument("--figures", type=Path, nargs="+", required=True)
    parser.add_argument("--manifest", type=Path, required=True, help="report/<preset>/manifest.json")
    args = parser.parse_args(argv)

    root = project_root()
    run = args.metrics.parent
    mirror = args.manifest.parent

    publish(
        run,
        args.preset,
        args.figures,
        args.report_files,
        mirror / "report",
        mirror / "figures",
        args.manifest,
        root,
    )
    print(f"published {run} into {mirror}")
    top_manifest = root / "report" / "manifest.json"
    if shows_top_level(args.preset, top_manifest):
        publish(
            run, args.preset, args.figures, args.report_files, root / "report", root / "figures", top_manifest, root
        )
        print(f"published {run} into figures/ and report/")


if __name__ == "__main__":
    main()
