"""The robustness target's seed repeats: every model trained again from each of several seeds, scored like the
main ones (`experiments/seed_repeats.py`).

Run by the workflow's `seed_repeats_experiment` rule.
"""

from __future__ import annotations

from ..experiments import seed_repeats
from .common import reports_errors
from .experiments import run_experiment
from .seeds import scored_samples_arguments


@reports_errors
def main(argv=None) -> None:
    args = scored_samples_arguments(
        __doc__, argv, "MODEL@SEED=PATH", "the evaluation samples (.npz) of a model trained from SEED"
    )
    record = run_experiment(args, "seed_repeats", seed_repeats.run, inputs=args.inputs)
    for seed, scores in record["sample_metrics"].items():
        print(seed, {name: {m: round(s["fid"], 2) for m, s in per.items()} for name, per in scores.items()})


if __name__ == "__main__":
    main()
