"""The seed experiment: models trained again from another seed, scored like the main ones (`experiments/seeds.py`).

Run by the workflow's `seed_experiment` rule.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from ..experiments import Inputs, seeds
from .common import add_settings_arguments, named_path, reports_errors
from .experiments import run_experiment


def scored_samples_arguments(description: str, argv, samples_metavar: str, samples_help: str) -> argparse.Namespace:
    """The arguments of an experiment that scores sample files in every evaluator's space (this one and the
    robustness target's seed repeats), parsed."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_settings_arguments(parser)
    parser.add_argument(
        "--evaluator",
        type=named_path,
        action="append",
        required=True,
        metavar="NAME=PATH",
        help="an evaluator's checkpoint, one per evaluator",
    )
    parser.add_argument(
        "--samples", type=named_path, action="append", default=[], metavar=samples_metavar, help=samples_help
    )
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*will save all extracted features.*")
    args.inputs = Inputs(data_dir=args.data_dir, evaluators=dict(args.evaluator), samples=dict(args.samples))
    return args


@reports_errors
def main(argv=None) -> None:
    args = scored_samples_arguments(__doc__, argv, "MODEL=PATH", "a retrained model's evaluation samples (.npz)")
    record = run_experiment(args, "seeds", seeds.run, inputs=args.inputs)
    scores = record["sample_metrics"]
    print({name: {m: round(s["fid"], 2) for m, s in per.items()} for name, per in scores.items()})


if __name__ == "__main__":
    main()
