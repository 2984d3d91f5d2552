"""Linear probes of each model's representation: how well a logistic regression reads the digit.

Run by the workflow's `probe_experiment` rule, which passes the preset values it uses as --settings.
"""

from __future__ import annotations

import json

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
from ..store.files import write_json
from ..tasks.loading import load_task
from .common import reports_errors
from .experiments import experiment_parser, start_experiment


@reports_errors
def main(argv=None) -> None:
    args = experiment_parser(__doc__, evaluator=False).parse_args(argv)

    settings, seed = start_experiment(args, "probes")
    train_uint8, train_labels = load_split(args.data_dir, train=True)
    test_uint8, test_labels = load_split(args.data_dir, train=False)
    chosen = random_subset(settings["probe_train_images"], len(train_uint8), stream_seed(seed, PROBE_TRAIN_IMAGES))
    train, train_labels = to_unit_float(train_uint8[chosen]), train_labels[chosen].long()
    test, test_labels = to_unit_float(test_uint8), test_labels.long()
    few = balanced_subset(train_labels, settings["probe_labels_per_class"], seed)
    vae, _ = load_task(args.checkpoint["vae"], settings["device"])
    gan, _ = load_task(args.checkpoint["gan"], settings["device"])
    ddpm, _ = load_task(args.checkpoint["ddpm"], settings["device"])
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
    write_json(
        args.out,
        {
            "labels_per_class_few": settings["probe_labels_per_class"],
            "train_images_many": len(train),
            "test_images": len(test),
            "probes": probes,
        },
    )
    print(json.dumps({name: p["few_labels"]["test_accuracy"] for name, p in probes.items()}))


if __name__ == "__main__":
    main()
