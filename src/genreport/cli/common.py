"""What the entry points share: one-line errors, the settings a rule passes, the experiment arguments, seeded subsets."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import torch

from ..errors import PipelineError
from ..provenance import write_provenance


def run_reporting_errors(main: Callable[[], None]) -> None:
    """Run `main`; a pipeline error becomes one line on stderr and exit status 2."""
    try:
        main()
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


def json_object(text: str) -> dict:
    """An argparse type: a JSON object given on the command line."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not valid JSON ({error.msg} at character {error.pos})") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("expected a JSON object of settings")
    return value


def add_settings_arguments(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """--settings: the preset values this job uses, as the workflow's rule passes them (its params).
    --provenance: where to record what made the job's figures; the workflow names it after the rule."""
    parser.add_argument("--settings", type=json_object, required=required, default={}, metavar="JSON",
                        help="the preset values this job uses, as a JSON object (the rule's params)")
    parser.add_argument("--provenance", type=Path, default=None,
                        help="JSON file recording what made the outputs, named <rule>.json")


def record_provenance(args: argparse.Namespace, made_by: str) -> None:
    if args.provenance is not None:
        write_provenance(args.provenance, args.provenance.stem, made_by, args.settings)


def named_path(text: str) -> tuple[str, Path]:
    """An argparse type: NAME=PATH."""
    name, separator, path = text.partition("=")
    if not separator or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    return name, Path(path)


def experiment_parser(description: str, figure: str | None = None, evaluator: bool = True) -> argparse.ArgumentParser:
    """The arguments every experiment takes: its settings, the files it reads, where the data is, where to write.

    --checkpoint NAME=PATH (repeatable) names the trained models it reads; with `evaluator` it also
    reads the evaluator's checkpoint; with `figure` (its help text) it draws the PNG given as --figure.
    """
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_settings_arguments(parser)
    parser.add_argument("--checkpoint", type=named_path, action="append", default=[], metavar="NAME=PATH",
                        help="a trained model's checkpoint (repeatable)")
    if evaluator:
        parser.add_argument("--evaluator", type=Path, required=True, help="the evaluator classifier's checkpoint")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    parser.add_argument("--threads", type=int, default=1)
    if figure:
        parser.add_argument("--figure", type=Path, required=True, help=figure)
    return parser


def start_experiment(args: argparse.Namespace) -> tuple[dict, int]:
    """Set the thread count and turn --checkpoint pairs into a dict; the job's settings and its seed."""
    from ..runtime import configure_threads

    configure_threads(args.threads)
    args.checkpoint = dict(args.checkpoint)
    return args.settings, args.settings["seed"]


def load_evaluator(checkpoint: Path, device: str) -> torch.nn.Module:
    """The run's evaluator classifier, on the CPU, where the metrics are computed."""
    from ..notebook_support import load_task

    return load_task(checkpoint, device)[0].model.eval().cpu()


def load_test_images(data_dir: Path) -> torch.Tensor:
    """The 10,000 MNIST test images in [0, 1], [N, 1, 28, 28]."""
    from ..data import load_split, to_unit_float

    return to_unit_float(load_split(data_dir, train=False)[0])


def random_subset(count: int, total: int, seed: int) -> torch.Tensor:
    return torch.randperm(total, generator=torch.Generator().manual_seed(seed))[:count]


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()
