"""The scored sample sets of the three models side by side, at one scale."""

from __future__ import annotations

from pathlib import Path

import torch

from ..data import to_unit_float
from ..store.samples import load_samples
from .plotting import figure_of_sample_sets

SHOWN = 36  # images per model: the first of each scored set, a 6 x 6 grid


def plot_scored_samples(sample_files: dict[str, Path], path: Path, count: int = SHOWN):
    """The first `count` images of each model's evaluation samples, each panel titled with its sampler."""
    sets = {}
    for model, file in sample_files.items():
        record = load_samples(file, minimum=count, fields=("sampler",))
        images = to_unit_float(torch.from_numpy(record["images"][:count]))
        sets[f"{model.upper()} ({record['sampler']})"] = images
    side = int(count**0.5)
    return figure_of_sample_sets(sets, side, "The first scored samples of each model", path)
