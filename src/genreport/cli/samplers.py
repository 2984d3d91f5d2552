"""Compare DDPM samplers on the same starting noise, the moving average of the weights against the raw
weights, and (where the preset samples in bf16) the same images computed in fp32 (`experiments/samplers.py`).

Run by the workflow's `sampler_experiment` rule, which passes the preset values it uses as --settings.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..experiments import Inputs, samplers
from .common import reports_errors
from .experiments import experiment_parser, run_experiment


@reports_errors
def main(argv=None) -> None:
    parser = experiment_parser(__doc__)
    parser.add_argument("--samples", type=Path, required=True, help="the DDPM's evaluation samples (.npz)")
    args = parser.parse_args(argv)
    inputs = Inputs(
        data_dir=args.data_dir,
        checkpoints=dict(args.checkpoint),
        evaluator=args.evaluator,
        samples={"ddpm": args.samples},
    )
    record = run_experiment(args, "samplers", samplers.run, inputs=inputs)
    print(json.dumps({n: (r["seconds_per_image"], r["fid"], r["kid"]) for n, r in record["samplers"].items()}))


if __name__ == "__main__":
    main()
