"""Quality against compute: score the fixed-noise samples each model saved at every sampled epoch.

Run by the workflow's `quality_curves` rule (--checkpoint MODEL=PATH for every model; its training
record and snapshots lie beside the checkpoint).
"""

from __future__ import annotations

import json
import warnings

from ..experiments import curves
from ..store.provenance import record_provenance
from ..vocabulary import MODELS
from .common import reports_errors
from .experiments import experiment_parser, run_experiment


@reports_errors
def main(argv=None) -> None:
    parser = experiment_parser(__doc__, figure="FID and confidence against training seconds")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*will save all extracted features.*")
    missing = [f"--checkpoint {model}=PATH" for model in MODELS if model not in dict(args.checkpoint)]
    if missing:
        parser.error(f"missing {', '.join(missing)}")
    record = run_experiment(args, "curves", curves.run)
    record_provenance(args.provenance, "genreport.cli.curves", args.settings)
    print(
        json.dumps(
            {model: [(p["epoch"], round(p["fid"], 2)) for p in curve] for model, curve in record["curves"].items()}
        )
    )


if __name__ == "__main__":
    main()
