"""Reads what one pipeline run measured into plain numbers for the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..config import MODEL_NAMES
from ..data import to_unit_float
from ..errors import ResultFileError
from ..measure.analysis import edge_sharpness
from ..store.files import read_benchmark, read_json
from ..store.samples import training_snapshots

FIGURES = {
    "fig1": "fig1_vae_reconstructions.png",
    "fig2": "fig2_vae_samples.png",
    "fig3": "fig3_vae_interpolation.png",
    "fig4": "fig4_gan_samples.png",
    "fig5": "fig5_gan_interpolation.png",
    "fig6": "fig6_ddpm_samples.png",
}


EXPERIMENTS = ("detach", "reconstruction", "probes", "interpolation", "samplers", "curves", "seeds")
EXPERIMENT_FIGURES = {
    "detach": "detach_samples.png",
    "reconstruction": "reconstruction_vae_gan.png",
    "fig7": "fig7_ddpm_interpolation.png",
    "curves": "quality_vs_compute.png",
    "bound": "ddpm_bound_terms.png",
}


# The job that drew each figure: its record in provenance/<job>.json says how.
FIGURE_JOBS = {
    **{key: "notebook_vae" for key in ("fig1", "fig2", "fig3", "evolution_vae")},
    **{key: "notebook_gan" for key in ("fig4", "fig5", "evolution_gan")},
    **{key: "notebook_ddpm" for key in ("fig6", "evolution_ddpm")},
    "fig7": "interpolation_experiment",
    "detach": "detach_experiment",
    "reconstruction": "reconstruction_experiment",
    "curves": "quality_curves",
    "bound": "evaluate",
}


def sharpness_by_epoch(train_dir: Path) -> list[tuple[int, float]]:
    """Edge sharpness of the fixed-noise samples saved at each sampled epoch."""
    return [
        (snapshot["epoch"], edge_sharpness(to_unit_float(torch.from_numpy(snapshot["images"]))))
        for snapshot in training_snapshots(train_dir)
    ]


def summarize_model(results_dir: Path, model: str) -> dict[str, Any]:
    files = (results_dir / "train" / model / "metrics.json", results_dir / "measurements" / f"{model}.json")
    try:
        return model_summary(results_dir, model, *(read_json(path) for path in files))
    except (KeyError, IndexError) as error:
        entry = f"the entry {error.args[0]!r}" if isinstance(error, KeyError) else "an entry"
        raise ResultFileError(
            f"{files[0]} or {files[1]} lacks {entry} (damaged, or from an older version): "
            "delete both and rerun snakemake, which rebuilds them"
        ) from None


def model_summary(
    results_dir: Path, model: str, training: dict[str, Any], measurements: dict[str, Any]
) -> dict[str, Any]:
    epochs = training["epochs"]
    loss_names = [k for k in epochs[-1] if k not in ("epoch", "step", "wall_time_s", "images_per_s", "sample_time_s")]
    parameters = training["parameters"]
    return {
        "name": model,
        "device": training["device"],
        "torch": training.get("torch"),
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
        "sharpness_by_epoch": sharpness_by_epoch(results_dir / "train" / model),
        "train_benchmark": read_benchmark(results_dir / "benchmarks" / f"train_{model}.tsv"),
        "notebook_benchmark": read_benchmark(results_dir / "benchmarks" / f"notebook_{model}.tsv"),
    }


def load_results(results_dir: Path) -> dict[str, Any]:
    results_dir = Path(results_dir)
    models = {model: summarize_model(results_dir, model) for model in MODEL_NAMES}
    figures = {key: results_dir / "figures" / name for key, name in FIGURES.items()}
    figures.update({f"evolution_{m}": results_dir / "figures" / f"evolution_{m}.png" for m in MODEL_NAMES})
    missing = [str(path) for path in figures.values() if not path.is_file()]
    if missing:
        raise ResultFileError(f"figures missing: {', '.join(missing)}; run the notebook rules first")
    figures.update(
        {
            key: results_dir / "figures" / name
            for key, name in EXPERIMENT_FIGURES.items()
            if (results_dir / "figures" / name).is_file()
        }
    )
    # Runs made before an evaluation or experiment rule existed lack its file; the report says so.
    metrics_path = results_dir / "metrics.json"
    metrics = read_json(metrics_path) if metrics_path.is_file() else None
    experiments = {
        name: read_json(path) if (path := results_dir / "experiments" / f"{name}.json").is_file() else None
        for name in EXPERIMENTS
    }
    provenance = {
        key: read_json(path)
        for key, job in FIGURE_JOBS.items()
        if (path := results_dir / "provenance" / f"{job}.json").is_file()
    }
    return {
        "preset": results_dir.name,
        "results_dir": results_dir,
        "models": models,
        "figures": figures,
        "metrics": metrics,
        "experiments": experiments,
        "provenance": provenance,
    }
