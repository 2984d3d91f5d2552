"""Time per training step from repeated timings: one timing is one draw of the machine's noise.

The tasks take turns within each repeat, so a slow spell of the machine (another process, a frequency
step) falls on all of them alike, and each repeat gives one paired ratio between any two tasks.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import torch

from ..tasks.base import Task


def spread(values: list[float]) -> dict[str, Any]:
    """The median of repeated measurements with their smallest and largest, and every value."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def time_training_steps(
    tasks: dict[str, Task], images: torch.Tensor, steps: int, repeats: int, warmup_steps: int = 2
) -> dict[str, Any]:
    """Each task's seconds per training step on the batch `images`, timed `repeats` times over `steps` steps
    (after `warmup_steps` untimed ones), the tasks in turn; each task's spread over the repeats, and the
    paired ratio of every task to the first in each repeat."""
    for task in tasks.values():
        task.train_mode(True)
        for _ in range(warmup_steps):
            task.training_step(images.to(task.device))
    seconds: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(repeats):
        for name, task in tasks.items():
            batch = images.to(task.device)
            synchronize(task.device)
            start = time.perf_counter()
            for _ in range(steps):
                task.training_step(batch)
            synchronize(task.device)
            seconds[name].append((time.perf_counter() - start) / steps)
    first = next(iter(tasks))
    return {
        "steps": steps,
        "repeats": repeats,
        "batch_size": len(images),
        "seconds_per_step": {name: spread(values) for name, values in seconds.items()},
        "ratio_to_first": {
            name: spread([a / b for a, b in zip(values, seconds[first], strict=True)])
            for name, values in seconds.items()
            if name != first
        },
    }


def synchronize(device: torch.device | str) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()
