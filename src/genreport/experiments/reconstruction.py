"""Reconstruct test images with the VAE (encoder, decoder) and the GAN (inversion by optimizing z)."""

from __future__ import annotations

import time
from typing import Any

import torch

from ..data import load_split, to_unit_float
from ..figures.plotting import figure_of_rows
from ..measure.inversion import invert_generator, invert_vae_decoder
from ..measure.likelihood import mean_and_standard_error
from ..runtime import random_subset, synchronize
from ..seeds import INVERSION_IMAGES, stream_seed
from ..tasks.loading import load_evaluator, load_task
from . import Inputs


def errors(originals: torch.Tensor, reconstructions: torch.Tensor) -> dict[str, dict[str, float]]:
    """Per-pixel mean squared error and PSNR (peak 1) per image, as mean and standard error."""
    mse = (originals - reconstructions).pow(2).flatten(1).mean(1)
    psnr = 10 * torch.log10(1.0 / mse.clamp_min(1e-10))
    return {"mse": mean_and_standard_error(mse), "psnr_db": mean_and_standard_error(psnr)}


@torch.no_grad()
def class_kept(classifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of images the evaluator assigns to the digit the original test image shows."""
    return float((classifier(images).argmax(1) == labels).float().mean())


def timed(reconstruct, images: torch.Tensor, device=None) -> tuple[torch.Tensor, float]:
    """The reconstructions of `images` and the wall time they took."""
    started = time.perf_counter()
    result = reconstruct(images)
    if device is not None:
        synchronize(device)
    return result, time.perf_counter() - started


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Both models' reconstructions of the same test images: errors, time per image, digits kept; a figure."""
    seed = settings["seed"]
    test_uint8, test_labels = load_split(inputs.data_dir, train=False)
    chosen = random_subset(settings["inversion_images"], len(test_uint8), stream_seed(seed, INVERSION_IMAGES))
    originals, labels = to_unit_float(test_uint8[chosen]), test_labels[chosen].long()
    classifier = load_evaluator(inputs.evaluator, settings["device"])
    vae, _ = load_task(inputs.checkpoints["vae"], settings["device"])
    gan, _ = load_task(inputs.checkpoints["gan"], settings["device"])

    search = dict(steps=settings["inversion_steps"], restarts=settings["inversion_restarts"], seed=seed)
    vae_images, vae_seconds = timed(vae.reconstruct, originals, device=vae.device)
    gan_images, gan_seconds = timed(
        lambda images: invert_generator(gan.sampling_generator, images, **search)[1], originals
    )
    # The VAE's decoder under the GAN's search: whether the GAN's closer fit is the search's, not the model's.
    searched_images, searched_seconds = timed(
        lambda images: invert_vae_decoder(vae.model, images, **search)[1], originals
    )

    def scores(images: torch.Tensor, seconds: float) -> dict[str, Any]:
        return {
            **errors(originals, images),
            "seconds_per_image": seconds / len(originals),
            "class_kept": class_kept(classifier, images, labels),
        }

    record = {
        "images": len(originals),
        "inversion": {
            "optimizer": "Adam, lr 0.05",
            "steps": settings["inversion_steps"],
            "restarts": settings["inversion_restarts"],
            "kept": "the restart with the lowest error",
        },
        "evaluator_accuracy_on_originals": class_kept(classifier, originals, labels),
        "vae": scores(vae_images, vae_seconds),
        "gan": scores(gan_images, gan_seconds),
        "vae_searched": scores(searched_images, searched_seconds),
    }
    shown = slice(0, 12)
    figure_of_rows(
        [originals[shown], vae_images[shown], searched_images[shown], gan_images[shown]],
        ["test image", "VAE", "VAE decoder\n(searched)", "GAN\n(inverted)"],
        "Reconstructions of the same test images",
        inputs.figure,
    )
    return record
