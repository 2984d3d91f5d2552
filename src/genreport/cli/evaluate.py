"""Score one preset's run: sample metrics against the test set and likelihood bounds.

Run by the workflow's `evaluate` rule, which passes the preset's `evaluation` values this step
uses, its `seed` and `device` as --settings.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

from ..figures.bound import plot_bound_terms
from ..figures.samples import plot_scored_samples
from ..measure.scoring import score_run
from ..runtime import configure_threads
from ..store.files import write_json
from ..store.provenance import record_provenance
from ..vocabulary import MODELS
from .common import add_settings_arguments, named_path, reports_errors


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_settings_arguments(parser)
    parser.add_argument("--evaluator", type=Path, required=True, help="the evaluator classifier's checkpoint")
    parser.add_argument(
        "--second-evaluator",
        type=Path,
        help="a second evaluator's checkpoint: every sample metric is computed in its feature space too",
    )
    parser.add_argument(
        "--samples",
        type=named_path,
        action="append",
        required=True,
        metavar="MODEL=PATH",
        help="a model's evaluation samples (.npz), one per model",
    )
    parser.add_argument(
        "--checkpoint",
        type=named_path,
        action="append",
        required=True,
        metavar="MODEL=PATH",
        help="the VAE's and the DDPM's checkpoints, for their likelihood bounds",
    )
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--bound-figure", type=Path, help="draw the DDPM bound's terms by timestep here")
    parser.add_argument(
        "--samples-figure", type=Path, help="draw the first scored samples of every model side by side here"
    )
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    missing = [f"--samples {model}=PATH" for model in MODELS if model not in dict(args.samples)]
    missing += [f"--checkpoint {model}=PATH" for model in ("vae", "ddpm") if model not in dict(args.checkpoint)]
    if missing:
        parser.error(f"missing {', '.join(missing)}")
    warnings.filterwarnings("ignore", message=".*will save all extracted features.*")

    configure_threads(args.threads)
    settings = args.settings
    record = score_run(
        settings, dict(args.samples), dict(args.checkpoint), args.evaluator, args.second_evaluator, args.data_dir
    )
    if args.bound_figure is not None:
        ddpm = record["likelihood"]["ddpm"]
        plot_bound_terms(ddpm["terms_bits_per_dim"], ddpm["negative_bound"]["bits_per_dim"], args.bound_figure)
    if args.samples_figure is not None:
        plot_scored_samples(dict(args.samples), args.samples_figure)
    write_json(args.out, record)
    record_provenance(args.provenance, "genreport.cli.evaluate", settings)
    print(json.dumps({k: (v["fid"], v["precision"], v["recall"]) for k, v in record["sample_metrics"].items()}))


if __name__ == "__main__":
    main()
