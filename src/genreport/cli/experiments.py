"""What the experiment entry points share: their arguments and how they start."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..experiments import Inputs
from ..pipeline.experiments import check_settings
from ..runtime import configure_threads
from ..store.files import write_json
from .common import add_settings_arguments, named_path


def experiment_parser(description: str, figure: str | None = None, evaluator: bool = True) -> argparse.ArgumentParser:
    """The arguments every experiment takes: its settings, the files it reads, where the data is, where to write.

    --checkpoint NAME=PATH (repeatable) names the trained models it reads; with `evaluator` it also
    reads the evaluator's checkpoint; with `figure` (its help text) it draws the PNG given as --figure.
    """
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_settings_arguments(parser)
    parser.add_argument(
        "--checkpoint",
        type=named_path,
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="a trained model's checkpoint (repeatable)",
    )
    if evaluator:
        parser.add_argument("--evaluator", type=Path, required=True, help="the evaluator classifier's checkpoint")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    parser.add_argument("--threads", type=int, default=1)
    if figure:
        parser.add_argument("--figure", type=Path, required=True, help=figure)
    return parser


def start_experiment(args: argparse.Namespace, name: str) -> tuple[dict, int]:
    """Check the settings are the experiment's own, set the thread count, turn --checkpoint pairs into a
    dict; the job's settings and its seed."""
    check_settings(name, args.settings)
    configure_threads(args.threads)
    args.checkpoint = dict(getattr(args, "checkpoint", []))
    return args.settings, args.settings["seed"]


def run_experiment(
    args: argparse.Namespace,
    name: str,
    run: Callable[[dict, Inputs], dict[str, Any]],
    inputs: Inputs | None = None,
) -> dict[str, Any]:
    """Start the experiment, run it on the files its arguments name and write its record; the record.
    (An experiment that draws a figure records what made it itself: only those import store/provenance.py.)"""
    settings, _ = start_experiment(args, name)
    inputs = inputs or Inputs(
        data_dir=args.data_dir,
        checkpoints=args.checkpoint,
        evaluator=getattr(args, "evaluator", None),
        figure=getattr(args, "figure", None),
    )
    record = run(settings, inputs)
    write_json(args.out, record)
    return record
