"""The settings each job receives, sliced from a preset: written once for the workflow's rules and the benchmarks."""

from __future__ import annotations

from typing import Any

from ..seeds import EVALUATION_SAMPLES, stream_seed


def common_settings(preset: dict[str, Any], *experiment_keys: str) -> dict[str, Any]:
    """The seed and device every job uses, with the named values of the preset's `experiments` section
    ("section.key": of that section, passed as "key")."""

    def value(key: str) -> Any:
        section, _, name = key.rpartition(".")
        return preset[section or "experiments"][name]

    return dict(
        seed=preset["seed"],
        device=preset["device"],
        **{key.rpartition(".")[2]: value(key) for key in experiment_keys},
    )


def model_settings(
    preset: dict[str, Any], preset_name: str, model: str, section: dict[str, Any] | None = None, seed: int | None = None
) -> dict[str, Any]:
    """What training one model uses: its section of the preset (or `section`), the seed (`seed`, else the
    section's own where it has one, else the preset's), device and training subset."""
    section = preset[model] if section is None else section
    chosen_seed = seed if seed is not None else section.get("seed", preset["seed"])
    return dict(
        preset=preset_name,
        model=section,
        seed=chosen_seed,
        device=preset["device"],
        train_subset=preset["train_subset"],
    )


def sample_settings(preset: dict[str, Any], model: str) -> dict[str, Any]:
    """How a model's evaluation samples are drawn: count, sampling seed, device, the DDPM's sampler, and the
    model's section (the checkpoint must have been trained with its shaping settings)."""
    return dict(
        model_config=preset[model],
        count=preset["evaluation"]["samples"],
        seed=stream_seed(preset["seed"], EVALUATION_SAMPLES),
        device=preset["device"],
        sampler=preset["evaluation"]["sampler"] if model == "ddpm" else None,
    )
