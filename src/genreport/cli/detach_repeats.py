"""The robustness target's detach comparison: the three discriminator steps at the GAN's full budget from several
seeds, and their time per step timed repeatedly (`experiments/detach_repeats.py`).

Run by the workflow's `detach_repeats_experiment` rule; --checkpoint VARIANT@SEED=PATH names each variant's GAN.
"""

from __future__ import annotations

import json

from ..experiments import detach_repeats
from ..store.provenance import record_provenance
from .common import reports_errors
from .experiments import experiment_parser, run_experiment


@reports_errors
def main(argv=None) -> None:
    args = experiment_parser(__doc__, figure="the samples of every variant and seed").parse_args(argv)
    record = run_experiment(args, "detach_repeats", detach_repeats.run)
    record_provenance(args.provenance, "genreport.cli.detach_repeats", args.settings)
    timing = record["timing"]["seconds_per_step"]
    print(
        json.dumps(
            {
                variant: {
                    "fid": {s: round(r["fid"], 2) for s, r in v["by_seed"].items()},
                    "s/step": timing[variant]["median"],
                }
                for variant, v in record["variants"].items()
            }
        )
    )


if __name__ == "__main__":
    main()
