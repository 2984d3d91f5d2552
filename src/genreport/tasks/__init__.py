"""One task per model, each in its own module, loaded by name.

Loading a task's module by name (not importing all four here) keeps a job that uses one model
independent of the other models' code: the workflow reruns it only when its own model's code changes.
"""

from __future__ import annotations

import importlib
from typing import Any

import torch

from .base import Task

TASK_CLASSES = {"vae": "VAETask", "gan": "GANTask", "ddpm": "DDPMTask", "evaluator": "EvaluatorTask"}


def task_module(name: str) -> str:
    """The dotted module that defines the task `name`."""
    return f"{__name__}.{name}"


def build_task(name: str, config: dict[str, Any], device: torch.device) -> Task:
    task_class = getattr(importlib.import_module(task_module(name)), TASK_CLASSES[name])
    return task_class(config, device)
