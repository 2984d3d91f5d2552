"""Print the HTML report to PDF with headless Chromium: `genreport-pdf report.html report.pdf`."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("html", type=Path)
    parser.add_argument("pdf", type=Path)
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        print(
            "error: no Chromium found for the PDF: install it (Debian/Ubuntu: apt-get install chromium; "
            "conda: conda install -c conda-forge chromium) and rerun",
            file=sys.stderr,
        )
        sys.exit(2)
    partial = args.pdf.with_name(args.pdf.name + ".partial")
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        f"--print-to-pdf={partial.resolve()}",
        args.html.resolve().as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        print(
            f"error: {browser} could not print {args.html} ({result.stderr.strip().splitlines()[-1:]})", file=sys.stderr
        )
        sys.exit(2)
    partial.replace(args.pdf)


if __name__ == "__main__":
    main()
