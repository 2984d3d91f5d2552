"""Checkpoints: written atomically, read without ever unpickling arbitrary objects."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import torch

from .errors import CheckpointError


def atomic_write(path: Path, write) -> None:
    """Call write(handle) on a temporary file, fsync it, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, record: dict[str, Any]) -> None:
    atomic_write(Path(path), lambda handle: handle.write((json.dumps(record, indent=2) + "\n").encode()))


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    atomic_write(path, lambda handle: torch.save(payload, handle))


def load_checkpoint(path: Path, expected_model: str | None = None) -> dict[str, Any]:
    """Load a checkpoint with weights_only=True; refuse anything else."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            f"checkpoint {path} is missing: make it with `snakemake --cores 4 {path}`"
        )
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "unsafe content"
        raise CheckpointError(
            f"refused to load {path}: it holds objects other than tensors and plain values "
            f"({first_line}); only load checkpoints this pipeline wrote"
        ) from None
    except (RuntimeError, EOFError) as error:
        raise CheckpointError(f"{path} is not a readable checkpoint ({error}); retrain to recreate it") from None
    if not isinstance(payload, dict) or "model" not in payload:
        raise CheckpointError(f"{path} is not a checkpoint of this pipeline (no 'model' entry)")
    if expected_model is not None and payload["model"] != expected_model:
        raise CheckpointError(
            f"{path} holds a '{payload['model']}' model, expected '{expected_model}': pass the right checkpoint"
        )
    return payload
