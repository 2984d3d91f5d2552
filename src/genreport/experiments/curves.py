"""Quality against compute: score the fixed-noise samples each model saved at every sampled epoch.

For each model (its training record and snapshots lie beside its checkpoint) and each sampled epoch:
FID against the test set and KID (unbiased at this sample count, where FID is not) and the evaluator's
mean top-class probability, with the training seconds spent up to that epoch.
"""

from __future__ import annotations

from typing import Any

import torch

from ..data import load_test_images, to_unit_float
from ..figures.quality import plot_quality_curves
from ..measure.analysis import edge_sharpness
from ..measure.blur import edge_steepness
from ..measure.evaluation import class_statistics, embed, fid_and_kid, minimum_images
from ..measure.intervals import ratio_interval
from ..measure.quality_curves import seconds_by_epoch, summary
from ..store.files import read_json
from ..store.samples import training_snapshots
from ..tasks.loading import load_evaluator
from ..vocabulary import MODELS
from . import Inputs


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Every model's quality curve, its summary and the snapshots' edge strength; the curves drawn."""
    seed = settings["seed"]
    classifier = load_evaluator(inputs.evaluator, settings["device"])
    test_images = load_test_images(inputs.data_dir)
    reference = embed(classifier, test_images)
    real_steepness = edge_steepness(test_images)
    curves, edge_strength, edge_score = {}, {}, {}
    for model in MODELS:
        train_dir = inputs.checkpoints[model].parent
        seconds = seconds_by_epoch(read_json(train_dir / "metrics.json"))
        curves[model], edge_strength[model], edge_score[model] = [], [], []
        for snapshot in training_snapshots(train_dir, minimum_images()):
            images = to_unit_float(torch.from_numpy(snapshot["images"]))
            scores = fid_and_kid(reference, embed(classifier, images), seed=seed)
            edge_strength[model].append((snapshot["epoch"], edge_sharpness(images)))
            steepness = edge_steepness(images)
            edge_score[model].append(
                {
                    "epoch": snapshot["epoch"],
                    "score": float(steepness.mean() / real_steepness.mean()),
                    "interval": ratio_interval(steepness, real_steepness, seed),
                }
            )
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
        # The same snapshots under the calibrated blur measure of the scored samples (measure.blur), with intervals.
        "edge_score_by_epoch": edge_score,
    }
    plot_quality_curves(curves, record["common_budget_s"], inputs.figure)
    return record
