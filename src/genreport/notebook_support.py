"""What the notebooks need to start: their parameters with defaults, a loaded model, the test images."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch

from .checkpoint import load_checkpoint
from .config import (default_results_dir, load_preset, notebook_values, pipeline_settings, project_root,
                     resolve_preset_name)
from .data import load_split, to_unit_float
from .errors import CheckpointError
from .runtime import configure_threads, select_device
from .tasks import Task, build_task


def scratch_dir(model: str) -> Path:
    """Where a notebook opened by hand writes: never into a run's results, which only the pipeline writes."""
    return project_root() / "scratch" / model


def with_defaults(model: str, **parameters: Any) -> SimpleNamespace:
    """A notebook's parameters, each None replaced by its default for a run by hand.

    The pipeline passes every parameter (settings from the preset, paths into the run). By hand,
    a notebook reads the default preset's checkpoint and values, and writes into scratch/<model>/.
    """
    results = default_results_dir()
    paths = {
        "checkpoint": results / "train" / model / "checkpoint.pt",
        "output_dir": scratch_dir(model),
        "data_dir": project_root() / pipeline_settings()["data_dir"],
    }
    values = dict(parameters)
    for name in ("checkpoint", "output_dir", "data_dir"):
        values[name] = Path(values.get(name) or paths[name])
    if values.get("measurements_path") is None:
        values["measurements_path"] = values["output_dir"] / "measurements.json"
    values["measurements_path"] = Path(values["measurements_path"])
    missing = [name for name, value in values.items() if value is None]
    if missing:
        preset = load_preset(resolve_preset_name(pipeline_settings()["preset"]))
        values.update({name: notebook_values(preset, model)[name] for name in missing})
    return SimpleNamespace(**values)


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


def load_task(checkpoint: Path, device: str = "auto") -> tuple[Task, dict[str, Any]]:
    """Rebuild a trained model from its checkpoint (weights only) on the chosen device."""
    # OMP_NUM_THREADS comes from the rule's threads; never run more threads than there are cores.
    configure_threads(torch.get_num_threads())
    payload = load_checkpoint(require_checkpoint(checkpoint))
    task = build_task(payload["model"], payload["config"], select_device(device))
    try:
        task.load_state(payload, with_optimizers=False)
    except (KeyError, RuntimeError) as error:
        first = str(error).strip().splitlines()[0][:300]
        raise CheckpointError(
            f"{checkpoint} does not match the {payload['model']} model its config describes ({first}); retrain it"
        ) from None
    task.train_mode(False)
    return task, payload


def test_images(data_dir: Path, count: int) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = load_split(data_dir, train=False)
    return to_unit_float(images[:count]), labels[:count]


def training_metrics(checkpoint: Path) -> dict[str, Any]:
    return json.loads((Path(checkpoint).parent / "metrics.json").read_text())


def save_measurements(path: Path, record: dict[str, Any]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(record, indent=2) + "\n")


def evolution_rows(checkpoint: Path, per_row: int = 10) -> tuple[list[torch.Tensor], list[str]]:
    """Fixed-noise samples saved during training, one row per saved epoch."""
    import numpy as np

    rows, labels = [], []
    for path in sorted((Path(checkpoint).parent / "samples").glob("epoch_*.npz")):
        with np.load(path) as archive:
            pixels = torch.from_numpy(archive["images"][:per_row]).float().div(255).unsqueeze(1)
            rows.append(pixels)
            labels.append(f"epoch {int(archive['epoch'])}")
    return rows, labels
