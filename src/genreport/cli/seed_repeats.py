"""The robustness target's seed repeats: every model trained again from each of several seeds, scored like the
main ones (`experiments/seed_repeats.py`).

Run by the workflow's `seed_repeats_experiment` rule.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from ..experiments import Inputs, seed_repeats
from .common import add_settings_arguments, named_path, reports_errors
from .experiments import run_experiment


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
        "--samples",
        type=named_path,
        action="append",
        required=True,
        metavar="MODEL@SEED=PATH",
        help="the evaluation samples (.npz) of a model trained from SEED",
    )
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*will save all extracted features.*")

    inputs = Inputs(data_dir=args.data_dir, evaluators=dict(args.evaluator), samples=dict(args.samples))
    record = run_experiment(args, "seed_repeats", seed_repeats.run, inputs=inputs)
    for seed, scores in record["sample_metrics"].items():
        print(seed, {name: {m: round(s["fid"], 2) for m, s in per.items()} for name, per in scores.items()})


if __name__ == "__main__":
    main()
