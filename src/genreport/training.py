"""The one training loop shared by the three models."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from .checkpoint import save_checkpoint, write_json
from .errors import TrainingError
from .plotting import save_sample_grid
from .tasks import Task

FIXED_NOISE_SEED_OFFSET = 1_000_003  # fixed-noise samples use their own stream


def _check_finite(terms: dict[str, float], epoch: int, step: int, lr: float) -> None:
    for name, value in terms.items():
        if not math.isfinite(value):
            raise TrainingError(
                f"loss term '{name}' became {value} at epoch {epoch}, step {step}: lower the "
                f"learning rate (now {lr}) in the preset; the last good checkpoint is kept"
            )


def train(
    task: Task,
    images: torch.Tensor,
    out_dir: Path,
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    sample_epochs: list[int],
    sample_count: int,
    run_info: dict[str, Any],
    labels: torch.Tensor | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Train `task` on images in [0, 1] ([N, 1, 28, 28]); write checkpoint, metrics and samples.

    With `labels`, each step gets (images, labels): the evaluator classifier trains this way.

    Writes, under out_dir: checkpoint.pt (after every epoch), metrics.json (per-epoch loss
    terms and wall time) and samples/epoch_XXX.{png,npz} from one fixed noise batch.
    """
    out_dir = Path(out_dir)
    (out_dir / "samples").mkdir(parents=True, exist_ok=True)
    device = task.device
    data = images.to(device)
    targets = labels.to(device) if labels is not None else None
    order = torch.Generator().manual_seed(seed)
    if task.generates:
        fixed_noise = task.noise(sample_count, torch.Generator().manual_seed(seed + FIXED_NOISE_SEED_OFFSET))
    steps_per_epoch = len(data) // batch_size
    if steps_per_epoch == 0:
        raise TrainingError(f"batch_size {batch_size} is larger than the {len(data)} training images: lower it")
    lr = task.config["lr"]

    record: dict[str, Any] = {
        **run_info,
        "model": task.name,
        "config": task.config,
        "parameters": task.parameter_counts(),
        "train_images": len(data),
        "batch_size": batch_size,
        "epochs": [],
    }
    step = 0
    for epoch in range(1, epochs + 1):
        task.train_mode(True)
        permutation = torch.randperm(len(data), generator=order).to(device)
        totals: dict[str, torch.Tensor] = {}
        if device.type == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        bar = tqdm(range(steps_per_epoch), desc=f"{task.name} epoch {epoch}/{epochs}",
                   disable=not progress, mininterval=2.0)
        for index in bar:
            chosen = permutation[index * batch_size:(index + 1) * batch_size]
            if targets is None:
                terms = task.training_step(data[chosen])
            else:
                terms = task.training_step(data[chosen], targets[chosen])
            step += 1
            for name, value in terms.items():
                totals[name] = totals.get(name, 0.0) + value
            if step % 50 == 0 or index == steps_per_epoch - 1:
                current = {name: float(value) for name, value in terms.items()}
                _check_finite(current, epoch, step, lr)
                bar.set_postfix({k: f"{v:.3f}" for k, v in current.items()}, refresh=False)
        if device.type == "cuda":
            torch.cuda.synchronize()
        wall = time.perf_counter() - started
        means = {name: float(total) / steps_per_epoch for name, total in totals.items()}
        _check_finite(means, epoch, step, lr)
        entry = {"epoch": epoch, "step": step, **means, "wall_time_s": wall,
                 "images_per_s": steps_per_epoch * batch_size / wall}

        if task.generates and (epoch in sample_epochs or epoch == epochs):
            task.train_mode(False)
            started = time.perf_counter()
            samples = task.generate(fixed_noise, torch.Generator().manual_seed(seed))
            entry["sample_time_s"] = time.perf_counter() - started
            save_sample_grid(samples, out_dir / "samples" / f"epoch_{epoch:03d}.png")
            pixels = (samples[:, 0] * 255).round().to(torch.uint8).numpy()
            np.savez_compressed(out_dir / "samples" / f"epoch_{epoch:03d}.npz", images=pixels, epoch=epoch)

        record["epochs"].append(entry)
        record["total_train_time_s"] = sum(e["wall_time_s"] for e in record["epochs"])
        if device.type == "cuda":
            record["peak_gpu_memory_bytes"] = torch.cuda.max_memory_allocated(device)
        save_checkpoint(out_dir / "checkpoint.pt", {
            "model": task.name,
            "config": task.config,
            "epoch": epoch,
            "step": step,
            "seed": seed,
            **task.state(),
            "rng_torch": torch.get_rng_state(),
            "rng_order": order.get_state(),
        })
        write_json(out_dir / "metrics.json", record)
        if progress:
            summary = ", ".join(f"{k} {v:.4g}" for k, v in means.items())
            print(f"[{task.name}] epoch {epoch}/{epochs}: {summary}, {wall:.1f} s", flush=True)
    return record
