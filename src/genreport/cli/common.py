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


def experiment_parser(description: str, figure: str | None = None) -> argparse.ArgumentParser:
    """The arguments every experiment takes: which run, where the data is, where to write.

    With `figure` (its help text), the experiment also takes the PNG it draws as --figure.
    """
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", required=True, help="name of a file in config/presets")
    parser.add_argument("--run", type=Path, required=True, help="the preset's results directory")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=1)
    if figure:
        parser.add_argument("--figure", type=Path, required=True, help=figure)
    return parser


def start_experiment(args: argparse.Namespace) -> tuple[dict, int]:
    """Set the thread count and read the preset: its `experiments` section and its seed."""
    from ..config import load_preset
    from ..runtime import configure_threads

    configure_threads(args.threads)
    preset = load_preset(args.preset)
    return preset["experiments"], preset["seed"]


def load_evaluator(run: Path, device: str) -> torch.nn.Module:
    """The run's evaluator classifier, on the CPU, where the metrics are computed."""
    from ..notebook_support import load_task

    return load_task(run / "evaluator" / "checkpoint.pt", device)[0].model.eval().cpu()


def load_test_images(data_dir: Path) -> torch.Tensor:
    """The 10,000 MNIST test images in [0, 1], [N, 1, 28, 28]."""
    from ..data import load_split, to_unit_float

    return to_unit_float(load_split(data_dir, train=False)[0])


def random_subset(count: int, total: int, seed: int) -> torch.Tensor:
    return torch.randperm(total, generator=torch.Generator().manual_seed(seed))[:count]


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()
