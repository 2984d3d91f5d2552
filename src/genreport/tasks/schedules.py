"""Learning-rate schedules as a factor of the configured rate, a pure function of the training step.

A function of the step (not a scheduler object with its own state) resumes exactly: a run stopped at
step n and restarted computes the same rate for step n as an uninterrupted run.
"""

from __future__ import annotations

import math

LR_SCHEDULES = ("constant", "warmup_cosine")


def learning_rate_factor(schedule: str, step: int, total_steps: int, warmup_steps: int = 0) -> float:
    """The factor on the configured learning rate at `step` (0-based) of `total_steps`.

    constant: 1. warmup_cosine: a linear rise over the first `warmup_steps` steps, then a half cosine
    from 1 down to 0 at the last step (Loshchilov & Hutter 2017, without restarts).
    """
    if schedule == "constant":
        return 1.0
    if schedule != "warmup_cosine":
        raise ValueError(f"unknown learning-rate schedule {schedule!r}: use one of {', '.join(LR_SCHEDULES)}")
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
