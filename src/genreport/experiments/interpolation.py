"""Interpolate in each model's noise space and measure how smoothly the images change."""

from __future__ import annotations

from typing import Any

from ..figures.plotting import figure_of_rows
from ..measure.analysis import feature_path_smoothness, interpolation_rows, path_smoothness
from ..seeds import INTERPOLATION_PAIRS, stream_seed
from ..tasks.loading import load_evaluator, load_task
from ..vocabulary import MODELS
from . import Inputs

PATHS = {
    "vae": "straight line between two prior draws",
    "gan": "straight line between two noise draws",
    "ddpm": "deterministic sampling from spherically interpolated starting noise",
}


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Each model's paths in pixel and feature space; the DDPM's drawn as a figure."""
    seed = settings["seed"]
    classifier = load_evaluator(inputs.evaluator, settings["device"])
    record = {
        "pairs": settings["interpolation_pairs"],
        "frames": settings["interpolation_frames"],
        "sampler_setting": settings["interpolation_sampler"],
        "models": {},
    }
    for model in MODELS:
        task, _ = load_task(inputs.checkpoints[model], settings["device"])
        # The VAE and GAN notebooks draw their interpolation figures from the same pairs.
        rows = interpolation_rows(
            task,
            settings["interpolation_pairs"],
            settings["interpolation_frames"],
            stream_seed(seed, INTERPOLATION_PAIRS),
            sampler=settings["interpolation_sampler"],
        )
        record["models"][model] = {
            "path": PATHS[model],
            **feature_path_smoothness(rows, classifier),
            "pixels": path_smoothness(rows),
        }
        if model == "ddpm":
            record["sampler"] = task.sampler(settings["interpolation_sampler"]).describe()
            figure_of_rows(
                rows,
                [f"pair {i + 1}" for i in range(len(rows))],
                f"DDPM: {record['sampler']} from slerped noise",
                inputs.figure,
            )
    return record
