"""Reconstruct test images with the VAE (encoder, decoder) and the GAN (inversion by optimizing z).

Run by the workflow's `reconstruction_experiment` rule, which passes the preset values it uses as --settings.
"""

from __future__ import annotations

import json

from ..experiments import reconstruction
from ..store.provenance import record_provenance
from .common import reports_errors
from .experiments import experiment_parser, run_experiment


@reports_errors
def main(argv=None) -> None:
    args = experiment_parser(__doc__, figure="originals with both reconstructions").parse_args(argv)
    record = run_experiment(args, "reconstruction", reconstruction.run)
    record_provenance(args.provenance, "genreport.cli.reconstruct", args.settings)
    print(json.dumps({m: record[m]["mse"]["mean"] for m in ("vae", "gan")}))


if __name__ == "__main__":
    main()
