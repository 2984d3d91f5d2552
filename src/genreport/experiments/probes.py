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
    principal_components,
    probe_accuracy,
    vae_posterior_means,
)
from ..runtime import random_subset
from ..seeds import PROBE_INVERSION_IMAGES, PROBE_TEST_IMAGES, PROBE_TRAIN_IMAGES, RANDOM_NETWORKS, stream_seed
from ..tasks.loading import load_task, untrained_task
from . import Inputs


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Each representation's probe accuracy with few and with many labels."""
    seed = settings["seed"]
    train_uint8, train_labels = load_split(inputs.data_dir, train=True)
    test_uint8, test_labels = load_split(inputs.data_dir, train=False)
    chosen = random_subset(settings["probe_train_images"], len(train_uint8), stream_seed(seed, PROBE_TRAIN_IMAGES))
    train, train_labels = to_unit_float(train_uint8[chosen]), train_labels[chosen].long()
    if settings["probe_test_images"] < len(test_uint8):
        scored = random_subset(settings["probe_test_images"], len(test_uint8), stream_seed(seed, PROBE_TEST_IMAGES))
        test_uint8, test_labels = test_uint8[scored], test_labels[scored]
    test, test_labels = to_unit_float(test_uint8), test_labels.long()
    few = balanced_subset(train_labels, settings["probe_labels_per_class"], seed)
    t = settings["probe_ddpm_timestep"]
    trained = {model: load_task(inputs.checkpoints[model], settings["device"])[0] for model in ("vae", "gan", "ddpm")}
    untrained_seed = stream_seed(seed, RANDOM_NETWORKS)
    untrained = {
        model: untrained_task(inputs.checkpoints[model], settings["device"], untrained_seed)
        for model in ("vae", "gan", "ddpm")
    }

    def extractors(tasks):
        return {
            "VAE posterior mean": vae_posterior_means(tasks["vae"]),
            "GAN discriminator, last hidden layer": discriminator_features(tasks["gan"]),
            f"DDPM UNet bottleneck at t = {t}": ddpm_bottleneck_features(tasks["ddpm"], t, seed),
        }

    features = {"raw pixels": (pixel_features(train), pixel_features(test))}
    for name, extract in extractors(trained).items():
        features[name] = batched_features(extract, train), batched_features(extract, test)
    probes = {name: probe_pair(*pair, train_labels, test_labels, few) for name, pair in features.items()}
    for name, result in probes.items():
        print(name, {k: v["test_accuracy"] for k, v in result.items()}, flush=True)
    # The same networks at their initialization: what the architecture alone makes readable.
    random_networks = {}
    for name, extract in extractors(untrained).items():
        pair = batched_features(extract, train), batched_features(extract, test)
        random_networks[name] = probe_pair(*pair, train_labels, test_labels, few)
        print("untrained", name, {k: v["test_accuracy"] for k, v in random_networks[name].items()}, flush=True)
    # Every representation cut to the smallest one's dimension (the VAE's latent code).
    dimension = min(train_features.shape[1] for train_features, _ in features.values())
    equal_dimension = {
        name: probe_pair(*principal_components(*pair, dimension), train_labels, test_labels, few)
        for name, pair in features.items()
    }

    # Inverting the GAN costs an optimization per image, so its probe sees the few-label
    # training set and a test subset only.
    inverted_test = random_subset(
        settings["probe_inversion_test_images"], len(test), stream_seed(seed, PROBE_INVERSION_IMAGES)
    )
    invert = dict(steps=settings["inversion_steps"], restarts=1, seed=seed)
    gan = trained["gan"]
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
        "random_networks": {"seed": untrained_seed, "probes": random_networks},
        "equal_dimension": {"dimension": dimension, "probes": equal_dimension},
    }


def probe_pair(train_features, test_features, train_labels, test_labels, few) -> dict[str, Any]:
    """A representation's probe with the few-label subset and with every training label."""
    return {
        "few_labels": probe_accuracy(train_features[few], train_labels[few], test_features, test_labels),
        "many_labels": probe_accuracy(train_features, train_labels, test_features, test_labels),
    }
