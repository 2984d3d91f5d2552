"""The detach experiment: three GANs trained alike except for how the discriminator step sees the fakes."""

from __future__ import annotations

from typing import Any

import torch

from ..data import load_test_images
from ..errors import CheckpointError
from ..figures.plotting import figure_of_rows
from ..formatting import plural
from ..measure.evaluation import embed, score_image_set
from ..seeds import DETACH_SAMPLES, stream_seed
from ..store.files import read_json
from ..tasks.loading import load_evaluator, load_task
from ..vocabulary import DETACH_VARIANTS
from . import Inputs


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Score each variant's samples and record its training; draw each variant's samples in one row."""
    seed = settings["seed"]
    classifier = load_evaluator(inputs.evaluator, settings["device"])
    reference = embed(classifier, load_test_images(inputs.data_dir))
    record, rows = {"epochs": settings["detach_epochs"], "samples": settings["detach_samples"], "variants": {}}, []
    for variant, description in DETACH_VARIANTS.items():
        checkpoint = inputs.checkpoints[variant]
        task, _ = load_task(checkpoint, settings["device"])
        if getattr(task, "discriminator_input", None) != variant:
            raise CheckpointError(f"{checkpoint} is not the '{variant}' GAN of the detach experiment")
        training = read_json(checkpoint.parent / "metrics.json")
        images = task.generate(
            task.noise(settings["detach_samples"], torch.Generator().manual_seed(stream_seed(seed, DETACH_SAMPLES)))
        )
        final = training["epochs"][-1]
        record["variants"][variant] = {
            "description": description,
            "steps": training["steps"],
            "seconds_per_step": training["seconds_per_step"],
            "final_losses": {k: final[k] for k in ("loss_d", "loss_g", "d_real", "d_fake")},
            **score_image_set(classifier, reference, images, seed=seed, intervals=True),
        }
        rows.append(images[:12])
    figure_of_rows(
        rows,
        ["detached", "no detach,\nreset", "no detach,\nno reset"],
        f"GAN samples after {plural(settings['detach_epochs'], 'epoch')}, three discriminator steps",
        inputs.figure,
    )
    return record
