"""Publish one run (store/publication.py says where): its figures, report and metrics, with a manifest.

Run by the workflow's `publish` rule, which keeps a receipt of where the run went in the run's folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import changed_settings_from_environment, project_root
from ..store.files import write_json
from ..store.publication import publish_run
from .common import reports_errors


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", required=True)
    parser.add_argument("--metrics", type=Path, required=True, help="the run's metrics.json (the run is its folder)")
    parser.add_argument("--report-files", type=Path, nargs="+", required=True)
    parser.add_argument("--figures", type=Path, nargs="+", required=True)
    parser.add_argument("--receipt", type=Path, required=True, help="where to record the manifest it wrote")
    parser.add_argument(
        "--top-level", action="store_true", help="publish into the top-level figures/ and report/ whatever the preset"
    )
    args = parser.parse_args(argv)
    root = project_root()
    manifest = publish_run(
        args.metrics.parent,
        args.preset,
        args.figures,
        args.report_files,
        root,
        args.top_level,
        changed_settings_from_environment(),
    )
    write_json(args.receipt, {"preset": args.preset, "manifest": str(manifest.relative_to(root))})
    print(f"published {args.metrics.parent} as {manifest.relative_to(root)}")


if __name__ == "__main__":
    main()
