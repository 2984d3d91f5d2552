"""The robustness target's seed repeats: every model trained again from each of several seeds, scored like
the main ones (in every evaluator's space, with intervals), so the report judges each claim once per
training seed and reads the spread between seeds beside the sampling intervals."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from . import Inputs
from .seeds import score_sample_files


def seeded_name(model: str, seed: int) -> str:
    """How the entry points name a file of one model (or variant) and training seed: NAME@SEED."""
    return f"{model}@{seed}"


def parse_seeded_name(name: str) -> tuple[str, int]:
    model, _, seed = name.partition("@")
    if not seed.isdigit():
        raise ConfigError(f"{name}: name each file NAME@SEED, e.g. vae@2")
    return model, int(seed)


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Every retrained model's sample metrics in every evaluator's space, by training seed."""
    names = {name: parse_seeded_name(name) for name in inputs.samples}
    seeds = sorted({seed for _, seed in names.values()})
    if seeds != sorted(settings["training_seeds"]):
        raise ConfigError(
            f"the sample files are of training seeds {seeds}, the settings name {settings['training_seeds']}: "
            "rerun snakemake from this checkout"
        )
    samplers, scores = score_sample_files(inputs.samples, inputs.evaluators, inputs.data_dir, settings)
    models = list(dict.fromkeys(model for model, _ in names.values()))
    return {
        "training_seeds": seeds,
        "models": models,
        "samplers": {model: samplers[seeded_name(model, seeds[0])] for model in models},
        "sample_metrics": {
            str(seed): {
                evaluator: {model: by_name[seeded_name(model, seed)] for model in models}
                for evaluator, by_name in scores.items()
            }
            for seed in seeds
        },
    }
