"""Score one run: every model's samples against the test set in each evaluator's space, and the likelihood bounds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from ..data import load_split, to_unit_float
from ..errors import SampleFileError
from ..runtime import random_subset
from ..store.samples import load_samples, rebuild_hint
from ..tasks.loading import load_task
from ..vocabulary import MODELS, REAL_ROW
from .blur import blur_scores
from .evaluation import embed, fid_by_seed, minimum_images, ranking_across_seeds, score_image_set
from .intervals import DRAWS, LEVEL
from .likelihood import ddpm_likelihood, vae_likelihood
from .sample_checks import check_sample_set


@torch.no_grad()
def test_accuracy(classifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    predictions = torch.cat([classifier(batch).argmax(1) for batch in images.split(1000)])
    return float((predictions == labels).float().mean())


def score_in_feature_space(
    checkpoint: Path,
    samples: dict[str, torch.Tensor],
    seed_of_image: dict[str, torch.Tensor],
    test: torch.Tensor,
    test_labels: torch.Tensor,
    seed: int,
    device: str,
) -> dict[str, Any]:
    """Every image set's sample metrics in one evaluator's feature space, with that evaluator's description."""
    evaluator, payload = load_task(checkpoint, device)
    classifier = evaluator.model.eval().cpu()
    reference = embed(classifier, test)
    scores = {
        name: score_image_set(classifier, reference, images, seed=seed, intervals=True)
        for name, images in samples.items()
    }
    floor = scores[REAL_ROW]["fid"]
    for name in scores:
        scores[name]["fid_over_real"] = scores[name]["fid"] / floor if floor > 0 else float("nan")
    fid_per_seed = {model: fid_by_seed(classifier, reference, samples[model], seed_of_image[model]) for model in MODELS}
    return {
        "evaluator": {
            "test_accuracy": test_accuracy(classifier, test, test_labels),
            "feature_dim": classifier.feature_dim,
            "architecture": evaluator.config["architecture"],
            "training_seed": payload["seed"],
        },
        "sample_metrics": scores,
        "fid_by_sampling_seed": {"fid": fid_per_seed, **ranking_across_seeds(fid_per_seed)},
    }


def score_run(
    settings: dict[str, Any],
    samples_files: dict[str, Path],
    checkpoints: dict[str, Path],
    evaluator: Path,
    second_evaluator: Path | None,
    data_dir: Path,
) -> dict[str, Any]:
    """What metrics.json holds: the sample metrics (and, with a second evaluator, again in its space), how each
    model's samples were drawn, and the VAE's and the DDPM's likelihood bounds."""
    seed, device = settings["seed"], settings["device"]
    # Checked first: a bad sample file fails before minutes of loading and embedding.
    drawn = {
        model: load_samples(samples_files[model], minimum_images(), fields=("seed_of_image", "sampler", "model"))
        for model in MODELS
    }
    for model, record in drawn.items():
        if record["model"] != model:
            raise SampleFileError(
                f"{samples_files[model]} holds samples of the {record['model']!r} model where the {model}'s belong: "
                f"{rebuild_hint(samples_files[model])}"
            )
    test_uint8, test_labels = load_split(data_dir, train=False)
    train_uint8, _ = load_split(data_dir, train=True)
    test = to_unit_float(test_uint8)

    real = to_unit_float(train_uint8[random_subset(settings["real_images"], len(train_uint8), seed)])
    samples = {REAL_ROW: real}
    sampling, seed_of_image = {}, {}
    for model in MODELS:
        samples[model] = to_unit_float(torch.from_numpy(drawn[model]["images"]))
        seed_of_image[model] = torch.from_numpy(drawn[model]["seed_of_image"])
        # Timings stay out: this file is compared byte for byte.
        sampling[model] = {"sampler": drawn[model]["sampler"]}
    primary = score_in_feature_space(evaluator, samples, seed_of_image, test, test_labels, seed, device)
    record = {**primary, "reference": "the 10,000 MNIST test images", "sampling": sampling}
    record["intervals"] = {"method": "percentile bootstrap", "level": LEVEL, "draws": DRAWS}
    if second_evaluator is not None:
        record["second_evaluator"] = score_in_feature_space(
            second_evaluator, samples, seed_of_image, test, test_labels, seed, device
        )
    training = to_unit_float(train_uint8)
    record["sample_checks"] = {model: check_sample_set(samples[model], training) for model in MODELS}
    record["blur"] = blur_scores(test, samples, seed)
    record["likelihood"] = {
        "vae": vae_likelihood(load_task(checkpoints["vae"], device)[0], test, settings, seed),
        "ddpm": ddpm_likelihood(load_task(checkpoints["ddpm"], device)[0], test_uint8, settings, seed),
    }
    return record
