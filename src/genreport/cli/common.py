"""What the entry points share: one-line errors, the experiment arguments, seeded subsets."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import torch

from ..errors import PipelineError


def run_reporting_errors(main: Callable[[], None]) -> None:
    """Run `main`; a pipeline error becomes one line on stderr and exit status 2."""
    try:
        main()
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


def experiment_parser(description: str) -> argparse.ArgumentParser:
    """The arguments every experiment takes: which run, where the data is, where to write."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", required=True, help="name of a file in config/presets")
    parser.add_argument("--run", type=Path, required=True, help="the preset's results directory")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=1)
    return parser


def random_subset(count: int, total: int, seed: int) -> torch.Tensor:
    return torch.randperm(total, generator=torch.Generator().manual_seed(seed))[:count]


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()
