"""Reads what one pipeline run measured into plain numbers for the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from ..errors import ResultFileError
from ..store.files import read_benchmark, read_json
from ..store.layout import EXPERIMENT_FIGURES, EXPERIMENTS, FIGURES, RunLayout
from ..vocabulary import MODELS

# The characters that open Markdown or HTML markup, as entities that render as themselves: a string a run's
# file holds (a sample file's field, a folder name, a setting) reaches the page as text, never as markup.
INERT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;", "`": "&#96;"})


def inert(value: Any) -> Any:
    """`value` (as JSON holds it) with every string, keys included, made inert for Markdown and HTML."""
    if isinstance(value, str):
        return value.translate(INERT)
    if isinstance(value, list):
        return [inert(item) for item in value]
    if isinstance(value, dict):
        return {inert(key): inert(item) for key, item in value.items()}
    return value


def read_record(path: Path) -> dict[str, Any]:
    """A run's JSON file, its strings made inert (the report reads every file through here)."""
    return inert(read_json(path))


class ModelSummary(TypedDict):
    """One model's training record and measurements, merged (train/<model>/metrics.json, measurements/<model>.json)."""

    name: str
    device: str
    torch: str | None
    seed: int
    config: dict[str, Any]  # the model's preset section as training recorded it
    epochs: int
    steps: int
    train_images: int
    parameters: dict[str, int]  # by network
    parameters_total: int
    train_time_s: float
    peak_gpu_memory_bytes: int | None
    deterministic: bool | None  # None: a run from before the record
    precision: str
    resumed_at: list[dict[str, Any]]
    images_per_s: float
    first_losses: dict[str, float]
    final_losses: dict[str, float]
    loss_history: list[dict[str, float]]
    measurements: dict[str, Any]  # measurements/<model>.json
    sharpness_ratio: float
    sharpness_by_epoch: list[tuple[int, float]]
    edge_score_by_epoch: list[dict[str, Any]]  # {epoch, score, interval}
    train_benchmark: dict[str, Any] | None
    notebook_benchmark: dict[str, Any] | None


class RunResults(TypedDict):
    """Everything one run measured, as the report reads it (`readings` names where each number lives)."""

    preset: str
    changed_settings: dict[str, Any]  # the preset values `--config set` changed for the run
    results_dir: Path
    models: dict[str, ModelSummary]
    figures: dict[str, Path]
    metrics: dict[str, Any] | None  # metrics.json; None before the evaluation ran
    experiments: dict[str, dict[str, Any] | None]  # experiments/<name>.json; None where it did not run
    provenance: dict[str, dict[str, Any]]  # by figure key: what drew it


def summarize_model(results_dir: Path, model: str, curves: dict[str, Any] | None) -> ModelSummary:
    layout = RunLayout(results_dir)
    files = (layout.training_metrics(model), layout.measurements(model))
    try:
        return model_summary(results_dir, model, *(read_record(path) for path in files), curves)
    except (KeyError, IndexError) as error:
        entry = f"the entry {error.args[0]!r}" if isinstance(error, KeyError) else "an entry"
        raise ResultFileError(
            f"{files[0]} or {files[1]} lacks {entry} (damaged, or from an older version): "
            "delete both and rerun snakemake, which rebuilds them"
        ) from None


def model_summary(
    results_dir: Path,
    model: str,
    training: dict[str, Any],
    measurements: dict[str, Any],
    curves: dict[str, Any] | None,
) -> ModelSummary:
    layout = RunLayout(results_dir)
    epochs = training["epochs"]
    loss_names = [k for k in epochs[-1] if k not in ("epoch", "step", "wall_time_s", "images_per_s", "sample_time_s")]
    parameters = training["parameters"]
    return {
        "name": model,
        "device": training["device"],
        "torch": training.get("torch"),
        "environment": training.get("environment"),
        "seed": training["seed"],
        "config": training["config"],
        "epochs": len(epochs),
        "steps": epochs[-1]["step"],
        "train_images": training["train_images"],
        "parameters": parameters,
        "parameters_total": sum(parameters.values()),
        "train_time_s": training["total_train_time_s"],
        "peak_gpu_memory_bytes": training.get("peak_gpu_memory_bytes"),
        "deterministic": training.get("deterministic"),
        "precision": training.get("precision", "fp32"),
        "resumed_at": training.get("resumed_at", []),
        "images_per_s": float(np.median([e["images_per_s"] for e in epochs])),
        "first_losses": {k: epochs[0][k] for k in loss_names},
        "final_losses": {k: epochs[-1][k] for k in loss_names},
        "loss_history": [{k: e[k] for k in ("epoch", *loss_names)} for e in epochs],
        "measurements": measurements,
        "sharpness_ratio": measurements["sharpness_samples"] / measurements["sharpness_test_images"],
        # The snapshots' edge strength by epoch, measured by the quality-curves job (none in runs before it).
        "sharpness_by_epoch": [tuple(p) for p in (curves or {}).get("edge_strength_by_epoch", {}).get(model, [])],
        # The same snapshots under the calibrated blur measure, with intervals (none in runs before it).
        "edge_score_by_epoch": (curves or {}).get("edge_score_by_epoch", {}).get(model, []),
        "train_benchmark": read_benchmark(layout.benchmark(f"train_{model}")),
        "notebook_benchmark": read_benchmark(layout.benchmark(f"notebook_{model}")),
    }


def load_results(results_dir: Path, changed_settings: dict[str, Any] | None = None) -> RunResults:
    """A run's files, read and checked; `changed_settings`: the preset values `--config set` changed for it."""
    results_dir = Path(results_dir)
    layout = RunLayout(results_dir)
    # Runs made before an evaluation or experiment rule existed lack its file; the report says so.
    experiments = {
        name: read_record(path) if (path := layout.experiment(name)).is_file() else None for name in EXPERIMENTS
    }
    models = {model: summarize_model(results_dir, model, experiments["curves"]) for model in MODELS}
    figures = {key: layout.figure(stem) for key, (stem, _) in FIGURES.items()}
    missing = [str(path) for path in figures.values() if not path.is_file()]
    if missing:
        raise ResultFileError(f"figures missing: {', '.join(missing)}; run the notebook rules first")
    figures.update(
        {key: layout.figure(stem) for key, (stem, _) in EXPERIMENT_FIGURES.items() if layout.figure(stem).is_file()}
    )
    metrics = read_record(layout.metrics) if layout.metrics.is_file() else None
    provenance = {
        key: read_record(path)
        for key, (_, job) in {**FIGURES, **EXPERIMENT_FIGURES}.items()
        if (path := layout.provenance(job)).is_file()
    }
    return {
        "preset": inert(results_dir.name),
        "changed_settings": inert(dict(changed_settings or {})),
        "results_dir": results_dir,
        "models": models,
        "figures": figures,
        "metrics": metrics,
        "experiments": experiments,
        "provenance": provenance,
    }
