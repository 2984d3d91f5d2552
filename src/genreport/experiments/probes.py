"""Linear probes of each model's representation: how well a logistic regression reads the digit."""

from __future__ import annotations

from typing import Any

from ..data import load_split, to_unit_float
from ..measure.inversion import invert_generator
from ..measure.probes import (
    balanced_subset,
    batched_features,
    ddpm_bottleneck_features,
    discriminator_features,
    pixel_features,
    probe_accuracy,
    vae_posterior_means,
)
from ..runtime import random_subset
from ..seeds import PROBE_INVERSION_IMAGES, PROBE_TRAIN_IMAGES, stream_seed
from ..tasks.loading import load_task
from . import Inputs


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Each representation's probe accuracy with few and with many labels."""
    seed = settings["seed"]
    train_uint8, train_labels = load_split(inputs.data_dir, train=True)
    test_uint8, test_labels = load_split(inputs.data_dir, train=False)
    chosen = random_subset(settings["probe_train_images"], len(train_uint8), stream_seed(seed, PROBE_TRAIN_IMAGES))
    train, train_labels = to_unit_float(train_uint8[chosen]), train_labels[chosen].long()
    test, test_labels = to_unit_float(test_uint8), test_labels.long()
    few = balanced_subset(train_labels, settings["probe_labels_per_class"], seed)
    vae, _ = load_task(inputs.checkpoints["vae"], settings["device"])
    gan, _ = load_task(inputs.checkpoints["gan"], settings["device"])
    ddpm, _ = load_task(inputs.checkpoints["ddpm"], settings["device"])
    t = settings["probe_ddpm_timestep"]
    extractors = {
        "raw pixels": pixel_features,
        "VAE posterior mean": vae_posterior_means(vae),
        "GAN discriminator, last hidden layer": discriminator_features(gan),
        f"DDPM UNet bottleneck at t = {t}": ddpm_bottleneck_features(ddpm, t, seed),
    }
    probes = {}
    for name, extract in extractors.items():
        train_features, test_features = batched_features(extract, train), batched_features(extract, test)
        probes[name] = {
            "few_labels": probe_accuracy(train_features[few], train_labels[few], test_features, test_labels),
            "many_labels": probe_accuracy(train_features, train_labels, test_features, test_labels),
        }
        print(name, {k: v["test_accuracy"] for k, v in probes[name].items()}, flush=True)

    # Inverting the GAN costs an optimization per image, so its probe sees the few-label
    # training set and a test subset only.
    inverted_test = random_subset(
        settings["probe_inversion_test_images"], len(test), stream_seed(seed, PROBE_INVERSION_IMAGES)
    )
    invert = dict(steps=settings["inversion_steps"], restarts=1, seed=seed)
    z_train, _ = invert_generator(gan.sampling_generator, train[few], **invert)
    z_test, _ = invert_generator(gan.sampling_generator, test[inverted_test], **invert)
    probes["GAN inverted z"] = {
        "few_labels": probe_accuracy(z_train, train_labels[few], z_test, test_labels[inverted_test]),
        "many_labels": None,
        "inversion": {**invert, "test_images": len(inverted_test)},
    }
    return {
        "labels_per_class_few": settings["probe_labels_per_class"],
        "train_images_many": len(train),
        "test_images": len(test),
        "probes": probes,
    }
