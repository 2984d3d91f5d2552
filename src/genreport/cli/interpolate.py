"""Interpolate in each model's noise space and measure how smoothly the images change.

Run by the workflow's `interpolation_experiment` rule, which passes the preset values it uses as --settings.
"""

from __future__ import annotations

import json

from ..figures.plotting import figure_of_rows
from ..measure.analysis import feature_path_smoothness, interpolation_rows, path_smoothness
from ..seeds import INTERPOLATION_PAIRS, stream_seed
from ..store.files import write_json
from ..store.provenance import record_provenance
from ..tasks.loading import load_evaluator, load_task
from ..vocabulary import MODELS
from .common import reports_errors
from .experiments import experiment_parser, start_experiment

PATHS = {
    "vae": "straight line between two prior draws",
    "gan": "straight line between two noise draws",
    "ddpm": "deterministic sampling from spherically interpolated starting noise",
}


@reports_errors
def main(argv=None) -> None:
    args = experiment_parser(__doc__, figure="the DDPM interpolation figure").parse_args(argv)

    settings, seed = start_experiment(args, "interpolation")
    classifier = load_evaluator(args.evaluator, settings["device"])
    record = {
        "pairs": settings["interpolation_pairs"],
        "frames": settings["interpolation_frames"],
        "sampler_setting": settings["interpolation_sampler"],
        "models": {},
    }
    for model in MODELS:
        task, _ = load_task(args.checkpoint[model], settings["device"])
        # The VAE and GAN notebooks draw their interpolation figures from the same pairs.
        rows = interpolation_rows(
            task,
            settings["interpolation_pairs"],
            settings["interpolation_frames"],
            stream_seed(seed, INTERPOLATION_PAIRS),
            sampler=settings["interpolation_sampler"],
        )
        record["models"][model] = {
            "path": PATHS[model],
            **feature_path_smoothness(rows, classifier),
            "pixels": path_smoothness(rows),
        }
        if model == "ddpm":
            record["sampler"] = task.sampler(settings["interpolation_sampler"]).describe()
            figure_of_rows(
                rows,
                [f"pair {i + 1}" for i in range(len(rows))],
                f"DDPM: {record['sampler']} from slerped noise",
                args.figure,
            )
    write_json(args.out, record)
    record_provenance(args.provenance, "genreport.cli.interpolate", args.settings)
    print(json.dumps({m: (r["mean_feature_step"], r["class_changes_per_path"]) for m, r in record["models"].items()}))


if __name__ == "__main__":
    main()
