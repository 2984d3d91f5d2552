"""Quality against compute: score the fixed-noise samples each model saved at every sampled epoch.

Run by the workflow's `quality_curves` rule. For each model (--checkpoint MODEL=PATH; its training
record and snapshots lie beside the checkpoint) and each sampled epoch: FID against the test set and
KID (unbiased at this sample count, where FID is not) and the
evaluator's mean top-class probability, with the training seconds spent up to that epoch.
"""

from __future__ import annotations

import json
import warnings

import torch

from ..data import load_test_images, to_unit_float
from ..figures.quality import plot_quality_curves
from ..measure.analysis import edge_sharpness
from ..measure.evaluation import class_statistics, embed, fid_and_kid, minimum_images
from ..measure.quality_curves import seconds_by_epoch, summary
from ..store.files import read_json, write_json
from ..store.provenance import record_provenance
from ..store.samples import training_snapshots
from ..tasks.loading import load_evaluator
from ..vocabulary import MODELS
from .common import reports_errors
from .experiments import experiment_parser, start_experiment


@reports_errors
def main(argv=None) -> None:
    parser = experiment_parser(__doc__, figure="FID and confidence against training seconds")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*will save all extracted features.*")

    settings, seed = start_experiment(args, "curves")
    missing = [f"--checkpoint {model}=PATH" for model in MODELS if model not in args.checkpoint]
    if missing:
        parser.error(f"missing {', '.join(missing)}")
    classifier = load_evaluator(args.evaluator, settings["device"])
    reference = embed(classifier, load_test_images(args.data_dir))
    curves, edge_strength = {}, {}
    for model in MODELS:
        train_dir = args.checkpoint[model].parent
        seconds = seconds_by_epoch(read_json(train_dir / "metrics.json"))
        curves[model], edge_strength[model] = [], []
        for snapshot in training_snapshots(train_dir, minimum_images()):
            images = to_unit_float(torch.from_numpy(snapshot["images"]))
            scores = fid_and_kid(reference, embed(classifier, images), seed=seed)
            edge_strength[model].append((snapshot["epoch"], edge_sharpness(images)))
            curves[model].append(
                {
                    "epoch": snapshot["epoch"],
                    "train_seconds": seconds[snapshot["epoch"]],
                    "images": len(images),
                    **scores,
                    "mean_top_probability": class_statistics(classifier, images)["mean_top_probability"],
                }
            )
    record = {
        "reference": "the 10,000 MNIST test images",
        "samples": "each model's fixed-noise snapshot at every sampled epoch",
        "curves": curves,
        **summary(curves),
        # Blur during training: the snapshots' mean edge strength (measure.analysis.edge_sharpness).
        "edge_strength_by_epoch": edge_strength,
    }
    plot_quality_curves(curves, record["common_budget_s"], args.figure)
    write_json(args.out, record)
    record_provenance(args.provenance, "genreport.cli.curves", args.settings)
    print(json.dumps({model: [(p["epoch"], round(p["fid"], 2)) for p in curve] for model, curve in curves.items()}))


if __name__ == "__main__":
    main()
