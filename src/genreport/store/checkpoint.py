"""Checkpoints: written atomically, read without ever unpickling arbitrary objects."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path
from typing import Any

import torch

from ..errors import CheckpointError
from .files import atomic_write

RETRAIN = "delete it and rerun snakemake, which retrains it"


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    def write(handle) -> None:
        try:
            torch.save(payload, handle)
        except RuntimeError as error:
            # torch reports a failed write (a full disk, say) as an internal error without its cause; the file's
            # own flush names the cause where it can, and atomic_write turns either into one line.
            handle.flush()
            raise OSError(f"torch.save stopped partway ({error.__class__.__name__}), most likely a full disk") from None

    atomic_write(path, write)


def load_checkpoint(path: Path, expected_model: str | None = None) -> dict[str, Any]:
    """Load a checkpoint with weights_only=True; refuse anything else.

    The messages are our own: PyTorch's would suggest retrying with weights_only=False, which runs
    whatever code the file holds."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} is missing: make it with `snakemake --cores 4 {path}`")
    unreadable = CheckpointError(
        f"{path} is not a readable checkpoint (truncated, or not written by torch.save): {RETRAIN}"
    )
    if not zipfile.is_zipfile(path):  # torch.save writes a zip archive; anything else is damaged or foreign
        raise unreadable
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise CheckpointError(
            f"refused to load {path}: it holds pickled Python objects, not only tensors and plain values; "
            f"only load checkpoints this pipeline wrote ({RETRAIN})"
        ) from None
    except Exception:  # torch.load raises many kinds on a damaged archive
        raise unreadable from None
    if not isinstance(payload, dict) or "model" not in payload:
        raise CheckpointError(f"{path} is not a checkpoint of this pipeline (no 'model' entry): {RETRAIN}")
    if expected_model is not None and payload["model"] != expected_model:
        raise CheckpointError(
            f"{path} holds a '{payload['model']}' model, expected '{expected_model}': pass the right checkpoint"
        )
    return payload
