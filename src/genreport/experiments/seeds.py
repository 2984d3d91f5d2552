"""The seed experiment: models trained again from another seed, scored like the main ones.

Each retrained model's evaluation samples (drawn with the main samples' count, sampler and sampling
seeds) are scored in every evaluator's feature space; the main models' scores are in metrics.json,
so the report ranks the models once per training seed.
"""

from __future__ import annotations

from typing import Any

import torch

from ..data import load_split, to_unit_float
from ..measure.evaluation import embed, minimum_images, score_image_set
from ..store.samples import load_samples
from ..tasks.loading import load_task
from . import Inputs


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Every retrained model's sample metrics in every evaluator's space."""
    drawn = {model: load_samples(path, minimum_images(), fields=("sampler",)) for model, path in inputs.samples.items()}
    images = {model: to_unit_float(torch.from_numpy(d["images"])) for model, d in drawn.items()}
    test = to_unit_float(load_split(inputs.data_dir, train=False)[0])
    scores = {}
    for name, checkpoint in inputs.evaluators.items():
        evaluator, _ = load_task(checkpoint, settings["device"])
        classifier = evaluator.model.eval().cpu()
        reference = embed(classifier, test)
        scores[name] = {
            model: score_image_set(classifier, reference, batch, seed=settings["seed"], intervals=True)
            for model, batch in images.items()
        }
    return {
        "training_seed": settings["retrain_seed"],
        "models": list(images),
        "samplers": {model: d["sampler"] for model, d in drawn.items()},
        "sample_metrics": scores,
    }
