"""Interpolate in each model's noise space and measure how smoothly the images change.

Run by the workflow's `interpolation_experiment` rule, which passes the preset values it uses as --settings.
"""

from __future__ import annotations

import json

from ..experiments import interpolation
from ..store.provenance import record_provenance
from .common import reports_errors
from .experiments import experiment_parser, run_experiment


@reports_errors
def main(argv=None) -> None:
    args = experiment_parser(__doc__, figure="the DDPM interpolation figure").parse_args(argv)
    record = run_experiment(args, "interpolation", interpolation.run)
    record_provenance(args.provenance, "genreport.cli.interpolate", args.settings)
    print(json.dumps({m: (r["mean_feature_step"], r["class_changes_per_path"]) for m, r in record["models"].items()}))


if __name__ == "__main__":
    main()
