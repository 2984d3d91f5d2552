"""Score the detach experiment: three GANs trained alike except for how the discriminator step sees the fakes.

Run by the workflow's `detach_experiment` rule, which passes the preset values it uses as --settings.
"""

from __future__ import annotations

import json

from ..experiments import detach
from ..store.provenance import record_provenance
from .common import reports_errors
from .experiments import experiment_parser, run_experiment


@reports_errors
def main(argv=None) -> None:
    args = experiment_parser(__doc__, figure="the samples of the three GANs").parse_args(argv)
    record = run_experiment(args, "detach", detach.run)
    record_provenance(args.provenance, "genreport.cli.detach", args.settings)
    print(json.dumps({v: (r["fid"], r["seconds_per_step"]) for v, r in record["variants"].items()}))


if __name__ == "__main__":
    main()
