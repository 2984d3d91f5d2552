"""What the notebooks need to start: their parameters with defaults, the test images, saved snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch

from .config import load_preset, notebook_values, pipeline_settings, project_root
from .data import load_split, to_unit_float
from .errors import ResultFileError
from .store.files import read_json, write_json
from .store.layout import RunLayout
from .store.samples import load_samples, training_snapshots


def latest_complete_run() -> Path:
    """The newest run (of any preset) under the project's results_dir whose report the pipeline built: what a
    notebook opened by hand reads."""
    results = project_root() / pipeline_settings()["results_dir"]
    reports = [RunLayout(run).report_file("md") for run in results.glob("*") if (run / "run.json").is_file()]
    reports = [report for report in reports if report.is_file()]
    if not reports:
        raise ResultFileError(
            f"no complete run in {results}: `make smoke` makes one in about 5 minutes, `make report` the default "
            "preset's; then run this notebook again"
        )
    return max(reports, key=lambda report: report.stat().st_mtime).parent.parent


def run_preset(run: Path) -> str:
    """The preset that made `run` (its run.json)."""
    return json.loads((Path(run) / "run.json").read_text())["preset"]


def scratch_dir(model: str) -> Path:
    """Where a notebook opened by hand writes: never into a run's results, which only the pipeline writes."""
    return project_root() / "scratch" / model


def with_defaults(model: str, **parameters: Any) -> SimpleNamespace:
    """A notebook's parameters, each None replaced by its default for a run by hand.

    The pipeline passes every parameter (settings from the preset, paths into the run). By hand, a notebook
    reads the latest complete run's checkpoint and its preset's values, and writes into scratch/<model>/.
    """
    given = parameters.get("checkpoint") is not None and parameters.get("samples_path") is not None
    results = Path(parameters["checkpoint"]).parents[2] if given else latest_complete_run()
    paths = {
        "checkpoint": results / "train" / model / "checkpoint.pt",
        "samples_path": results / "samples" / f"{model}.npz",
        "output_dir": scratch_dir(model),
        "data_dir": project_root() / pipeline_settings()["data_dir"],
    }
    values = dict(parameters)
    for name in ("checkpoint", "samples_path", "output_dir", "data_dir"):
        values[name] = Path(values.get(name) or paths[name])
    if values.get("measurements_path") is None:
        values["measurements_path"] = values["output_dir"] / "measurements.json"
    values["measurements_path"] = Path(values["measurements_path"])
    missing = [name for name, value in values.items() if value is None]
    if missing:
        preset = load_preset(run_preset(results))
        values.update({name: notebook_values(preset, model)[name] for name in missing})
    return SimpleNamespace(**values)


def test_images(data_dir: Path, count: int) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = load_split(data_dir, train=False)
    return to_unit_float(images[:count]), labels[:count]


def scored_samples(path: Path, count: int) -> tuple[torch.Tensor, str]:
    """The first `count` images of a model's evaluation samples (the set the metrics score), and their sampler."""
    record = load_samples(path, minimum=count, fields=("sampler",))
    return to_unit_float(torch.from_numpy(record["images"][:count])), record["sampler"]


def training_metrics(checkpoint: Path) -> dict[str, Any]:
    return read_json(Path(checkpoint).parent / "metrics.json")


def save_measurements(path: Path, record: dict[str, Any]) -> None:
    write_json(path, record)


def evolution_rows(checkpoint: Path, per_row: int = 10) -> tuple[list[torch.Tensor], list[str]]:
    """Fixed-noise samples saved during training, one row per saved epoch."""
    snapshots = training_snapshots(Path(checkpoint).parent)
    rows = [to_unit_float(torch.from_numpy(snapshot["images"][:per_row])) for snapshot in snapshots]
    return rows, [f"epoch {snapshot['epoch']}" for snapshot in snapshots]
