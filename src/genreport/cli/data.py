"""Verify (and fetch, when online) MNIST: `genreport-data --data-dir data --stamp data/mnist.verified.json`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..data import offline_source, prepare_mnist, write_stamp
from .common import reports_errors


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument(
        "--source", default=None, help="offline directory holding the four IDX .gz files (else GENREPORT_MNIST_DIR)"
    )
    parser.add_argument("--stamp", type=Path, required=True, help="file written once every check passed")
    args = parser.parse_args(argv)

    source = offline_source(args.source)
    directory = prepare_mnist(args.data_dir, source)
    write_stamp(args.data_dir, args.stamp)
    print(f"MNIST verified in {directory} ({'offline copy from ' + str(source) if source else 'download'})")


if __name__ == "__main__":
    main()
