"""What every model task has: its networks, optimizers, precision and saved state.

The shared loop in `training.py` calls `training_step` on batches of images in [0, 1];
each task owns its networks and optimizers and returns its loss terms.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from ..config import option
from ..runtime import autocast, resolve_precision
from .schedules import learning_rate_factor


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def warm_up_decay(decay: float, updates: int) -> float:
    """The decay a warmed-up average applies after `updates` earlier updates: (1 + n) / (10 + n), at most `decay`."""
    return min(decay, (1 + updates) / (10 + updates))


def warmed_up_ema(decay: float):
    """A moving average whose decay grows as (1 + n) / (10 + n) up to `decay` (n: updates so far), so it
    forgets the random initial weights within the first few hundred steps instead of the 1 / (1 - decay)
    it takes a fixed decay."""

    @torch.no_grad()
    def update(averaged: list[torch.Tensor], current: list[torch.Tensor], updates) -> None:
        if not torch.is_floating_point(averaged[0]):  # counters such as batch norm's num_batches_tracked
            torch._foreach_copy_(averaged, current)
            return
        torch._foreach_lerp_(averaged, current, 1.0 - warm_up_decay(decay, int(updates)))

    return update


def moving_average(module: nn.Module, decay: float, warm_up: bool) -> AveragedModel:
    """An exponential moving average of `module`'s weights and buffers (batch-norm statistics too),
    with a fixed `decay` or one warmed up to it (`warmed_up_ema`)."""
    average = warmed_up_ema if warm_up else get_ema_multi_avg_fn
    return AveragedModel(module, multi_avg_fn=average(decay), use_buffers=True)


class Task:
    name: str
    generates = True  # False for the evaluator, which classifies instead
    modules: dict[str, nn.Module]
    optimizers: dict[str, torch.optim.Optimizer]

    def __init__(self, config: dict[str, Any], device: torch.device):
        self.config = config
        self.device = device
        # bf16 covers the networks' forward passes (and so their backward); losses, optimizer
        # states and everything the evaluation computes stay in fp32.
        self.precision = resolve_precision(device, self.option("precision"))
        self.step = 0  # the training step about to run, set by set_progress
        self.lr_schedule, self.lr_warmup_steps = self.option("lr_schedule"), self.option("lr_warmup_steps")

    def option(self, key: str) -> Any:
        """The config's value for `key`, or its default (config.OPTIONAL_DEFAULTS) where the preset leaves it out."""
        return option(self.name, self.config, key)

    def set_progress(self, step: int, total_steps: int) -> None:
        """Called by the training loop before each step (`step` 0-based of `total_steps`): sets every
        optimizer's learning rate by the config's `lr_schedule` (default constant)."""
        self.step = step
        if self.lr_schedule == "constant":
            return
        factor = learning_rate_factor(self.lr_schedule, step, total_steps, self.lr_warmup_steps)
        for optimizer in self.optimizers.values():
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])  # saved with the optimizer's state, so a resume keeps it
                group["lr"] = group["initial_lr"] * factor

    def autocast(self):
        return autocast(self.device, self.precision)

    def training_step(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def noise(self, count: int, generator: torch.Generator) -> torch.Tensor:
        """Starting noise for `count` samples, drawn on the CPU so seeds agree across devices."""
        raise NotImplementedError

    def generate(self, noise: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Images in [0, 1] on the CPU, shape [N, 1, 28, 28]."""
        raise NotImplementedError

    def snapshot(self, noise: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """The samples training draws at the sampled epochs, from the same noise each time."""
        return self.generate(noise, generator)

    def parameter_counts(self) -> dict[str, int]:
        return {name: count_parameters(module) for name, module in self.modules.items() if name != "ema"}

    def train_mode(self, training: bool) -> None:
        for module in self.modules.values():
            module.train(training)

    def state(self) -> dict[str, Any]:
        return {
            "modules": {name: m.state_dict() for name, m in self.modules.items()},
            "optimizers": {name: o.state_dict() for name, o in self.optimizers.items()},
        }

    def load_state(self, state: dict[str, Any], with_optimizers: bool = True) -> None:
        for name, module in self.modules.items():
            module.load_state_dict(state["modules"][name])
        if with_optimizers:
            for name, optimizer in self.optimizers.items():
                optimizer.load_state_dict(state["optimizers"][name])
