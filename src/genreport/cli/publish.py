"""Copy one run's figures and report to the published folders and write their manifest."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from ..config import project_root
from ..manifest import build_manifest


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--run", type=Path, required=True, help="results/<preset>")
    parser.add_argument("--preset", required=True)
    parser.add_argument("--figures", type=Path, default=Path("figures"))
    parser.add_argument("--report", type=Path, default=Path("report"))
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--note", default=None, help="anything a reader of the manifest must know about the run")
    args = parser.parse_args(argv)

    root = project_root()
    published = []
    for source_dir, target_dir, pattern in ((args.run / "figures", args.figures, "*.png"),
                                            (args.run / "report", args.report, "report.*")):
        target_dir.mkdir(parents=True, exist_ok=True)
        for stale in target_dir.glob(pattern):
            stale.unlink()
        for source in sorted(source_dir.glob(pattern)):
            if source.suffix == ".ipynb":
                continue
            shutil.copy2(source, target_dir / source.name)
            published.append((target_dir / source.name).resolve())
    manifest = build_manifest(args.run, args.preset, published, root)
    if args.note:
        manifest["note"] = args.note
    args.manifest.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"published {len(published)} files from {args.run}; manifest in {args.manifest}")


if __name__ == "__main__":
    main()
