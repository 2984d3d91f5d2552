"""The seed experiment: models trained again from another seed, scored like the main ones.

Each retrained model's evaluation samples (drawn with the main samples' count, sampler and sampling
seeds) are scored in every evaluator's feature space; the main models' scores are in metrics.json,
so the report ranks the models once per training seed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from ..data import load_split, to_unit_float
from ..measure.evaluation import embed, minimum_images, score_image_set
from ..store.samples import load_samples
from ..tasks.loading import load_task
from . import Inputs


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Every retrained model's sample metrics in every evaluator's space."""
    samplers, scores = score_sample_files(inputs.samples, inputs.evaluators, inputs.data_dir, settings)
    return {
        "training_seed": settings["retrain_seed"],
        "models": list(inputs.samples),
        "samplers": samplers,
        "sample_metrics": scores,
    }


def score_sample_files(
    samples: dict[str, Path], evaluators: dict[str, Path], data_dir: Path, settings: dict[str, Any]
) -> tuple[dict[str, str | None], dict[str, dict[str, Any]]]:
    """Each sample file's sampler, and its sample metrics (with intervals) in each evaluator's space:
    {evaluator: {name: scores}}, `samples` and the result keyed alike."""
    drawn = {name: load_samples(path, minimum_images(), fields=("sampler",)) for name, path in samples.items()}
    images = {name: to_unit_float(torch.from_numpy(d["images"])) for name, d in drawn.items()}
    test = to_unit_float(load_split(data_dir, train=False)[0])
    scores = {}
    for evaluator_name, checkpoint in evaluators.items():
        evaluator, _ = load_task(checkpoint, settings["device"])
        classifier = evaluator.model.eval().cpu()
        reference = embed(classifier, test)
        scores[evaluator_name] = {
            name: score_image_set(classifier, reference, batch, seed=settings["seed"], intervals=True)
            for name, batch in images.items()
        }
    return {name: d["sampler"] for name, d in drawn.items()}, scores
