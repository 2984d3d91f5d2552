"""Training state that survives interruption: every random stream, and a stop-on-signal guard.

The training loop saves its whole state (weights, optimizers, step, the partly filled
metrics record and the random number generators) after every epoch and when SIGINT,
SIGTERM or SIGHUP arrive; a later run with the same settings continues from it and ends with the
weights and losses an uninterrupted run would have.
"""

from __future__ import annotations

import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..errors import CheckpointError
from ..store.checkpoint import load_checkpoint, save_checkpoint

STATE_FILE = "resume_state.pt"  # beside the outputs, never a Snakemake output, so a failed job keeps it


def random_states(device: torch.device) -> dict[str, Any]:
    """Python, NumPy, torch CPU and CUDA generator states as tensors and plain values."""
    _, keys, position, has_gauss, gauss = np.random.get_state()
    version, python_state, gauss_next = random.getstate()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if device.type == "cuda" else [],
        "numpy": {
            "keys": torch.from_numpy(keys.astype(np.int64)),
            "position": int(position),
            "has_gauss": int(has_gauss),
            "gauss": float(gauss),
        },
        "python": {
            "version": version,
            "state": torch.tensor(python_state, dtype=torch.int64),
            "gauss_next": gauss_next,
        },
    }


def restore_random_states(states: dict[str, Any]) -> None:
    torch.set_rng_state(states["torch"])
    if states["cuda"]:
        torch.cuda.set_rng_state_all(states["cuda"])
    numpy = states["numpy"]
    np.random.set_state(
        ("MT19937", numpy["keys"].numpy().astype(np.uint32), numpy["position"], numpy["has_gauss"], numpy["gauss"])
    )
    python = states["python"]
    random.setstate((python["version"], tuple(int(v) for v in python["state"]), python["gauss_next"]))


def save_state(path: Path, state: dict[str, Any]) -> None:
    save_checkpoint(path, state)


def load_state(path: Path, identity: dict[str, Any]) -> dict[str, Any] | None:
    """The saved state if it exists and was made with the same settings; else None (start over)."""
    if not Path(path).is_file():
        return None
    try:
        state = load_checkpoint(path)
    except CheckpointError as error:
        print(f"not resuming: {error}", flush=True)
        return None
    saved = state.get("identity") or {}
    if saved != identity:
        other_code = {key for key in {*saved, *identity} if saved.get(key) != identity.get(key)} == {"code"}
        made = "by another version of the code" if other_code else "with other settings"
        print(f"not resuming from {path}: it was made {made}; starting over", flush=True)
        return None
    return state


# Ctrl-C, a scheduler's or the workflow watchdog's stop, a closed terminal.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopRequest:
    """Set by one of STOP_SIGNALS; the loop checks it between steps, saves, and stops."""

    def __init__(self) -> None:
        self.signal_name: str | None = None

    def __bool__(self) -> bool:
        return self.signal_name is not None


@contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    request = StopRequest()

    def handler(signum, frame):
        request.signal_name = signal.Signals(signum).name

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield request
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
