"""Write the report as Markdown with figure links: `python -m genreport.cli.report --results-dir R --out F`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import changed_settings_from_environment
from ..report.document import build_report, to_markdown
from ..store.files import write_text
from .common import reports_errors


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Write the report as Markdown with figure links.")
    parser.add_argument("--results-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    blocks = build_report(args.results_dir, changed_settings_from_environment())
    write_text(args.out, to_markdown(blocks, args.out.parent.resolve()))


if __name__ == "__main__":
    main()
