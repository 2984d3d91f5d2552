"""What the notebooks need to start: resolved paths, a loaded model, the test images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
import yaml

from .checkpoint import load_checkpoint
from .config import project_root, resolve_preset_name
from .data import load_split, to_unit_float
from .errors import CheckpointError
from .runtime import configure_threads, select_device
from .tasks import Task, build_task


def pipeline_settings() -> dict[str, Any]:
    with (project_root() / "config" / "config.yaml").open() as handle:
        return yaml.safe_load(handle)


def default_paths(model: str) -> dict[str, Path]:
    """Where the pipeline puts this model's outputs for the default preset."""
    settings = pipeline_settings()
    root = project_root()
    results = root / settings["results_dir"] / resolve_preset_name(settings["preset"])
    return {
        "checkpoint": results / "train" / model / "checkpoint.pt",
        "output_dir": results / "figures",
        "data_dir": root / settings["data_dir"],
    }


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
