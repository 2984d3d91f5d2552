"""The robustness target's detach comparison: the three discriminator steps at the GAN's full budget, each
trained from several seeds and scored with intervals, and their time per step timed repeatedly.

The detached variant of a seed is the GAN the run trained from that seed (the preset's recipe detaches).
"""

from __future__ import annotations

from typing import Any

import torch

from ..data import load_split, load_test_images, to_unit_float
from ..errors import CheckpointError, ConfigError
from ..figures.plotting import figure_of_rows
from ..formatting import plural
from ..measure.evaluation import embed, score_image_set
from ..measure.step_timing import time_training_steps
from ..seeds import DETACH_SAMPLES, stream_seed
from ..store.files import read_json
from ..tasks.loading import load_evaluator, load_task
from ..vocabulary import DETACH_VARIANTS
from . import Inputs
from .seed_repeats import parse_seeded_name

ROW_LABELS = {"detached": "detached", "attached": "no detach,\nreset", "attached_no_reset": "no detach,\nno reset"}


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Score every variant of every seed on the same noise, draw one row each, then time the first seed's
    variants in turn."""
    by_variant: dict[str, dict[int, Any]] = {variant: {} for variant in DETACH_VARIANTS}
    for name, path in inputs.checkpoints.items():
        variant, seed = parse_seeded_name(name)
        if variant not in by_variant:
            raise ConfigError(f"--checkpoint {name}=...: the variant is one of {', '.join(DETACH_VARIANTS)}")
        by_variant[variant][seed] = path
    seeds = sorted(by_variant["detached"])
    if len(seeds) != settings["detach_seeds"] or any(sorted(paths) != seeds for paths in by_variant.values()):
        raise ConfigError(
            f"the detach repeats need every variant from {plural(settings['detach_seeds'], 'seed')}; got "
            + "; ".join(f"{v}: {sorted(p)}" for v, p in by_variant.items())
        )
    classifier = load_evaluator(inputs.evaluator, settings["device"])
    reference = embed(classifier, load_test_images(inputs.data_dir))
    noise_seed = stream_seed(settings["seed"], DETACH_SAMPLES)
    record: dict[str, Any] = {"samples": settings["detach_samples"], "seeds": seeds, "variants": {}}
    rows, labels, epochs = [], [], set()
    for variant, description in DETACH_VARIANTS.items():
        entry = record["variants"][variant] = {"description": description, "by_seed": {}}
        for seed in seeds:
            checkpoint = by_variant[variant][seed]
            task, _ = load_task(checkpoint, settings["device"])
            training = read_json(checkpoint.parent / "metrics.json")
            if task.discriminator_input != variant or training["seed"] != seed:
                raise CheckpointError(f"{checkpoint} is not the '{variant}' GAN trained from seed {seed}")
            epochs.add(len(training["epochs"]))
            images = task.generate(task.noise(settings["detach_samples"], torch.Generator().manual_seed(noise_seed)))
            final = training["epochs"][-1]
            entry["by_seed"][str(seed)] = {
                "steps": training["steps"],
                "train_seconds_per_step": training["seconds_per_step"],
                "final_losses": {k: final[k] for k in ("loss_d", "loss_g", "d_real", "d_fake")},
                **score_image_set(classifier, reference, images, seed=settings["seed"], intervals=True),
            }
            rows.append(images[:12])
            labels.append(f"{ROW_LABELS[variant]}\nseed {seed}")
    if len(epochs) != 1:
        raise CheckpointError(f"the detach variants were trained for different budgets ({sorted(epochs)} epochs)")
    record["epochs"] = epochs.pop()
    figure_of_rows(
        rows,
        labels,
        f"GAN samples after {plural(record['epochs'], 'epoch')}, three discriminator steps, {len(seeds)} seeds",
        inputs.figure,
    )
    record["timing"] = time_variants({v: by_variant[v][seeds[0]] for v in DETACH_VARIANTS}, settings, inputs)
    return record


def time_variants(checkpoints: dict[str, Any], settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """The variants' time per step on one batch of training images, timed in turn, repeatedly."""
    tasks = {variant: load_task(path, settings["device"])[0] for variant, path in checkpoints.items()}
    batch_size = next(iter(tasks.values())).config["batch_size"]
    images = to_unit_float(load_split(inputs.data_dir, train=True)[0][:batch_size])
    torch.manual_seed(settings["seed"])
    return time_training_steps(tasks, images, settings["timing_steps"], settings["timing_repeats"])
