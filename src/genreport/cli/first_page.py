"""A picture of the published report's first page for the README:
`python -m genreport.cli.first_page report/report.html docs/report-first-page.png`.

Headless Chromium draws the page's top as a reader's browser would; the PNG records the SHA-256 of the HTML it
was drawn from, so a test can tell when a later publication left it behind.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, PngImagePlugin

from .pdf import find_browser

WINDOW = (1000, 1000)  # CSS pixels: the summary, the verdicts and the conclusion
WIDTH = 640  # the picture's width in the README


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        sys.exit("error: no Chromium found for the picture: install it (apt-get install chromium) and rerun")
    with tempfile.TemporaryDirectory() as scratch:
        shot = Path(scratch) / "page.png"
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            f"--screenshot={shot}",
            args.html.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not shot.is_file():
            sys.exit(f"error: {browser} could not draw {args.html} ({result.stderr.strip().splitlines()[-1:]})")
        with Image.open(shot) as image:
            picture = image.convert("RGB").resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
    info = PngImagePlugin.PngInfo()
    info.add_text("source-sha256", hashlib.sha256(args.html.read_bytes()).hexdigest())
    args.png.parent.mkdir(parents=True, exist_ok=True)
    picture.save(args.png, pnginfo=info, optimize=True)


if __name__ == "__main__":
    main()
