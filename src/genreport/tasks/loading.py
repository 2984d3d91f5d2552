"""A trained task rebuilt from its checkpoint: the one loader every job and notebook uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from ..config import project_root
from ..errors import CheckpointError
from ..runtime import configure_threads, select_device
from ..store.checkpoint import load_checkpoint
from . import TASK_CLASSES, Task, build_task


def require_checkpoint(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        try:
            target = path.resolve().relative_to(project_root())
        except ValueError:
            target = path
        raise CheckpointError(
            f"no checkpoint at {path}: run `snakemake --cores 4 {target}` from the project root first"
        )
    return path


# The settings that shape a network and what it computes: a checkpoint that differs from its preset in one of
# these was made for another preset (a copied file), whatever else changed.
SHAPING_SETTINGS = (
    "channels",
    "latent_dim",
    "channel_mults",
    "attention",
    "upsample_to_finer",
    "timesteps",
    "schedule",
    "prediction",
)


def load_task(
    checkpoint: Path, device: str = "auto", expected: str | None = None, expected_config: dict | None = None
) -> tuple[Task, dict[str, Any]]:
    """Rebuild a trained model from its checkpoint (weights only) on the chosen device; with `expected` (and
    `expected_config`, the preset's section), refuse a checkpoint of another model or shape (a file copied into
    the wrong place)."""
    # OMP_NUM_THREADS comes from the rule's threads; never run more threads than there are cores.
    configure_threads(torch.get_num_threads())
    payload = load_checkpoint(require_checkpoint(checkpoint))
    model = payload["model"]
    if not (isinstance(model, str) and model in TASK_CLASSES and isinstance(payload.get("config"), dict)):
        raise CheckpointError(
            f"{checkpoint} names no model of this pipeline with its config: "
            "delete it and rerun snakemake, which retrains it"
        )
    if expected is not None and model != expected:
        raise CheckpointError(
            f"{checkpoint} holds a {model} model where the {expected} belongs: delete it and rerun snakemake"
        )
    differing = [
        f"{key} {payload['config'].get(key)!r} (the preset: {expected_config[key]!r})"
        for key in SHAPING_SETTINGS
        if expected_config and key in expected_config and payload["config"].get(key) != expected_config[key]
    ]
    if differing:
        raise CheckpointError(
            f"{checkpoint} was trained with other settings than this preset's {model}: {'; '.join(differing)}; "
            "delete it and rerun snakemake, which retrains it"
        )
    task = build_task(model, payload["config"], select_device(device))
    try:
        task.load_state(payload, with_optimizers=False)
    except (KeyError, RuntimeError) as error:
        first = str(error).strip().splitlines()[0][:300]
        raise CheckpointError(
            f"{checkpoint} does not match the {payload['model']} model its config describes ({first}); retrain it"
        ) from None
    broken = [
        f"{network}.{name}"
        for network, module in task.modules.items()
        for name, tensor in module.state_dict().items()
        if tensor.is_floating_point() and not torch.isfinite(tensor).all()
    ]
    if broken:
        raise CheckpointError(
            f"{checkpoint} holds non-finite weights ({', '.join(broken[:3])}{', …' if broken[3:] else ''}): "
            "delete it and rerun snakemake, which retrains it"
        )
    task.train_mode(False)
    return task, payload


def untrained_task(checkpoint: Path, device: str, seed: int) -> Task:
    """The checkpoint's model built afresh from its config, weights at their seeded initialization: the
    random-network baseline a learned representation is read against."""
    payload = load_checkpoint(require_checkpoint(checkpoint))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        task = build_task(payload["model"], payload["config"], select_device(device))
    task.train_mode(False)
    return task


def load_evaluator(checkpoint: Path, device: str) -> torch.nn.Module:
    """The run's evaluator classifier, on the CPU, where the metrics are computed."""
    return load_task(checkpoint, device)[0].model.eval().cpu()
