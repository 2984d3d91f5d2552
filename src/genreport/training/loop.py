"""The one training loop shared by the three models."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import torch
from tqdm.auto import tqdm

from ..errors import TrainingError, TrainingInterrupted
from ..figures.plotting import save_sample_grid
from ..seeds import FIXED_NOISE, stream_seed
from ..store.checkpoint import save_checkpoint
from ..store.files import remove_file, write_json
from ..store.samples import save_samples
from ..tasks import Task
from .resume import STATE_FILE, load_state, random_states, restore_random_states, save_state, stop_on_signals

GRID_IMAGES = 64  # a snapshot's picture shows its first images; its .npz holds all of them
STATE_FORMAT = 2  # what a saved state holds; a state of another format is not resumed


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

    Writes, under out_dir: checkpoint.pt and metrics.json (per-epoch loss terms and wall
    time) once training is complete, and samples/epoch_XXX.{png,npz} from one fixed noise
    batch. The whole training state goes to resume_state.pt after every epoch and on
    SIGINT/SIGTERM; a run with the same settings continues from it, and it is removed at the end.
    """
    out_dir = Path(out_dir)
    (out_dir / "samples").mkdir(parents=True, exist_ok=True)
    state_path = out_dir / STATE_FILE
    device = task.device
    data = images.to(device)
    targets = labels.to(device) if labels is not None else None
    order = torch.Generator().manual_seed(seed)
    if task.generates:
        fixed_noise = task.noise(sample_count, torch.Generator().manual_seed(stream_seed(seed, FIXED_NOISE)))
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
        "precision": task.precision,
        "deterministic": device.type == "cpu",
        "epochs": [],
    }
    identity = {
        "state_format": STATE_FORMAT,
        "model": task.name,
        "config": task.config,
        "seed": seed,
        "epochs": epochs,
        "batch_size": batch_size,
        "train_images": len(data),
        "precision": task.precision,
    }
    step, first_epoch, first_index, totals = 0, 1, 0, {}
    # Time is kept per segment (one process's share of the run) and per epoch; a mid-epoch stop
    # saves the seconds the epoch had taken so far, so every epoch's time covers all its steps.
    segments: list[dict[str, float]] = []
    elapsed_in_epoch = 0.0
    saved = load_state(state_path, identity)
    if saved is not None:
        task.load_state(saved)
        order.set_state(saved["order_at_epoch_start"])
        restore_random_states(saved["random"])
        record["epochs"] = saved["epochs_done"]
        step, first_epoch, first_index, totals = saved["step"], saved["epoch"], saved["next_index"], saved["totals"]
        segments, elapsed_in_epoch = saved["segments"], saved["elapsed_in_epoch_s"]
        print(f"[{task.name}] resuming at epoch {first_epoch}, step {step} from {state_path}", flush=True)
    else:
        # A fresh run: snapshots an earlier run left (other sample_epochs) must not pass for this run's.
        for stale in (out_dir / "samples").glob("epoch_*"):
            remove_file(stale)
    segment = {"first_epoch": first_epoch, "first_step": step, "steps": 0, "wall_time_s": 0.0}
    segments.append(segment)

    def save_progress(epoch: int, next_index: int, order_at_epoch_start: torch.Tensor, elapsed: float) -> None:
        save_state(
            state_path,
            {
                "model": task.name,
                "identity": identity,
                **task.state(),
                "epoch": epoch,
                "next_index": next_index,
                "step": step,
                "totals": totals,
                "epochs_done": record["epochs"],
                "segments": segments,
                "elapsed_in_epoch_s": elapsed,
                "order_at_epoch_start": order_at_epoch_start,
                "random": random_states(device),
            },
        )

    with stop_on_signals() as stop:
        for epoch in range(first_epoch, epochs + 1):
            task.train_mode(True)
            order_at_epoch_start = order.get_state()
            permutation = torch.randperm(len(data), generator=order).to(device)
            start_index = first_index if epoch == first_epoch else 0
            earlier = elapsed_in_epoch if epoch == first_epoch else 0.0
            if start_index == 0:
                totals = {}
            if device.type == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
            bar = tqdm(
                range(start_index, steps_per_epoch),
                desc=f"{task.name} epoch {epoch}/{epochs}",
                disable=not progress,
                mininterval=2.0,
            )
            for index in bar:
                if stop:
                    segment["wall_time_s"] += time.perf_counter() - started
                    save_progress(epoch, index, order_at_epoch_start, earlier + time.perf_counter() - started)
                    raise TrainingInterrupted(
                        f"{task.name} training stopped by {stop.signal_name} at epoch {epoch}, step {step}; its state "
                        f"is saved in {state_path}: rerun the same command (or snakemake) to resume"
                    )
                chosen = permutation[index * batch_size : (index + 1) * batch_size]
                task.set_progress(step, epochs * steps_per_epoch)
                try:
                    terms = (
                        task.training_step(data[chosen])
                        if targets is None
                        else task.training_step(data[chosen], targets[chosen])
                    )
                except torch.cuda.OutOfMemoryError:
                    raise TrainingError(
                        f"the GPU ran out of memory training the {task.name} at epoch {epoch}, step {step + 1}: lower "
                        f"{task.name}.batch_size (now {batch_size}) or {task.name}.channels in the preset"
                    ) from None
                step += 1
                segment["steps"] += 1
                for name, value in terms.items():
                    totals[name] = totals.get(name, 0.0) + value
                if step % 50 == 0 or index == steps_per_epoch - 1:
                    current = {name: float(value) for name, value in terms.items()}
                    _check_finite(current, epoch, step, lr)
                    bar.set_postfix({k: f"{v:.3f}" for k, v in current.items()}, refresh=False)
            if device.type == "cuda":
                torch.cuda.synchronize()
            this_segment = time.perf_counter() - started
            segment["wall_time_s"] += this_segment
            wall = earlier + this_segment
            means = {name: float(total) / steps_per_epoch for name, total in totals.items()}
            _check_finite(means, epoch, step, lr)
            entry = {
                "epoch": epoch,
                "step": step,
                **means,
                "wall_time_s": wall,
                "images_per_s": steps_per_epoch * batch_size / wall,
            }

            if task.generates and (epoch in sample_epochs or epoch == epochs):
                task.train_mode(False)
                started = time.perf_counter()
                samples = task.snapshot(fixed_noise, torch.Generator().manual_seed(seed))
                entry["sample_time_s"] = time.perf_counter() - started
                save_sample_grid(samples[:GRID_IMAGES], out_dir / "samples" / f"epoch_{epoch:03d}.png")
                pixels = (samples[:, 0] * 255).round().to(torch.uint8).numpy()
                save_samples(out_dir / "samples" / f"epoch_{epoch:03d}.npz", pixels, epoch=epoch)

            record["epochs"].append(entry)
            totals = {}
            save_progress(epoch + 1, 0, order.get_state(), 0.0)
            if progress:
                summary = ", ".join(f"{k} {v:.4g}" for k, v in means.items())
                print(f"[{task.name}] epoch {epoch}/{epochs}: {summary}, {wall:.1f} s", flush=True)

    # Steps a killed segment made after its last saved state were redone and are counted once.
    record["segments"] = segments
    record["resumed_at"] = [{"epoch": s["first_epoch"], "step": s["first_step"]} for s in segments[1:]]
    record["total_train_time_s"] = sum(e["wall_time_s"] for e in record["epochs"])
    record["steps"] = step
    record["seconds_per_step"] = record["total_train_time_s"] / step
    if device.type == "cuda":
        record["peak_gpu_memory_bytes"] = torch.cuda.max_memory_allocated(device)
    save_checkpoint(
        out_dir / "checkpoint.pt",
        {
            "model": task.name,
            "config": task.config,
            "epoch": epochs,
            "step": step,
            "seed": seed,
            **task.state(),
        },
    )
    write_json(out_dir / "metrics.json", record)
    state_path.unlink(missing_ok=True)
    return record
