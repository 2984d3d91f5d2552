"""The one training loop shared by the three models: `TrainLoop(...).run()`, or `train(...)` for short."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import torch
from tqdm.auto import tqdm

from ..errors import TrainingError, TrainingInterrupted
from ..figures.plotting import save_sample_grid
from ..runtime import auto_precision_probe, synchronize
from ..seeds import FIXED_NOISE, stream_seed
from ..store.checkpoint import save_checkpoint
from ..store.files import remove_file, sole_writer, write_json
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


class TrainLoop:
    """Train `task` on images in [0, 1] ([N, 1, 28, 28]); write checkpoint, metrics and samples.

    With `labels`, each step gets (images, labels): the evaluator classifier trains this way.

    Writes, under out_dir: checkpoint.pt and metrics.json (per-epoch loss terms and wall
    time) once training is complete, and samples/epoch_XXX.{png,npz} from one fixed noise
    batch. The whole training state goes to resume_state.pt after every epoch and on
    SIGINT/SIGTERM; a run with the same settings continues from it, and it is removed at the end.
    """

    def __init__(
        self,
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
        code_digest: str | None = None,
    ) -> None:
        self.task, self.out_dir, self.progress = task, Path(out_dir), progress
        self.epochs, self.batch_size, self.seed, self.sample_epochs = epochs, batch_size, seed, sample_epochs
        (self.out_dir / "samples").mkdir(parents=True, exist_ok=True)
        self.state_path = self.out_dir / STATE_FILE
        self.device = task.device
        self.data = images.to(self.device)
        self.targets = labels.to(self.device) if labels is not None else None
        self.order = torch.Generator().manual_seed(seed)
        if task.generates:
            self.fixed_noise = task.noise(sample_count, torch.Generator().manual_seed(stream_seed(seed, FIXED_NOISE)))
        self.steps_per_epoch = len(self.data) // batch_size
        if self.steps_per_epoch == 0:
            raise TrainingError(
                f"batch_size {batch_size} is larger than the {len(self.data)} training images: lower it"
            )
        self.lr = task.config["lr"]
        self.record: dict[str, Any] = {
            **run_info,
            "model": task.name,
            "config": task.config,
            "parameters": task.parameter_counts(),
            "train_images": len(self.data),
            "batch_size": batch_size,
            "precision": task.precision,
            "bf16_probe_speedup": auto_precision_probe(task.device, task.option("precision")),
            "deterministic": self.device.type == "cpu",
            "epochs": [],
        }
        self.identity = {
            "state_format": STATE_FORMAT,
            "model": task.name,
            "config": task.config,
            "seed": seed,
            "epochs": epochs,
            "batch_size": batch_size,
            "train_images": len(self.data),
            "precision": task.precision,
            "code": code_digest,  # the hash of the source files that train (None: not recorded)
        }
        self.step, self.first_epoch, self.first_index, self.totals = 0, 1, 0, {}
        # Time is kept per segment (one process's share of the run) and per epoch; a mid-epoch stop
        # saves the seconds the epoch had taken so far, so every epoch's time covers all its steps.
        self.segments: list[dict[str, float]] = []
        self.elapsed_in_epoch = 0.0

    def run(self) -> dict[str, Any]:
        """Resume or start, train every remaining epoch, then write the checkpoint and metrics; one process at a
        time per output folder."""
        with sole_writer(self.out_dir, f"training {self.task.name}"):
            return self.train_all()

    def train_all(self) -> dict[str, Any]:
        self.resume_or_start()
        self.segment = {"first_epoch": self.first_epoch, "first_step": self.step, "steps": 0, "wall_time_s": 0.0}
        self.segments.append(self.segment)
        with stop_on_signals() as stop:
            for epoch in range(self.first_epoch, self.epochs + 1):
                entry = self.train_epoch(epoch, stop)
                if self.task.generates and (epoch in self.sample_epochs or epoch == self.epochs):
                    self.snapshot(epoch, entry)
                self.record["epochs"].append(entry)
                self.totals = {}
                self.save_progress(epoch + 1, 0, self.order.get_state(), 0.0)
        return self.finish()

    def resume_or_start(self) -> None:
        """Continue from a saved state of the same settings, or clear what an earlier run left."""
        saved = load_state(self.state_path, self.identity)
        if saved is not None:
            self.task.load_state(saved)
            self.order.set_state(saved["order_at_epoch_start"])
            restore_random_states(saved["random"])
            self.record["epochs"] = saved["epochs_done"]
            self.step, self.first_epoch, self.first_index = saved["step"], saved["epoch"], saved["next_index"]
            self.totals, self.segments = saved["totals"], saved["segments"]
            self.elapsed_in_epoch = saved["elapsed_in_epoch_s"]
            print(
                f"[{self.task.name}] resuming at epoch {self.first_epoch}, step {self.step} from {self.state_path}",
                flush=True,
            )
        else:
            # A fresh run: snapshots an earlier run left (other sample_epochs) must not pass for this run's.
            for stale in (self.out_dir / "samples").glob("epoch_*"):
                remove_file(stale)

    def train_epoch(self, epoch: int, stop) -> dict[str, Any]:
        """One epoch's steps (from where a resumed epoch stopped); its mean loss terms and wall time."""
        self.task.train_mode(True)
        order_at_epoch_start = self.order.get_state()
        permutation = torch.randperm(len(self.data), generator=self.order).to(self.device)
        start_index = self.first_index if epoch == self.first_epoch else 0
        earlier = self.elapsed_in_epoch if epoch == self.first_epoch else 0.0
        if start_index == 0:
            self.totals = {}
        synchronize(self.device)
        started = time.perf_counter()
        bar = tqdm(
            range(start_index, self.steps_per_epoch),
            desc=f"{self.task.name} epoch {epoch}/{self.epochs}",
            disable=not self.progress,
            mininterval=2.0,
        )
        for index in bar:
            if stop:
                self.segment["wall_time_s"] += time.perf_counter() - started
                self.save_progress(epoch, index, order_at_epoch_start, earlier + time.perf_counter() - started)
                raise TrainingInterrupted(
                    f"{self.task.name} training stopped by {stop.signal_name} at epoch {epoch}, step {self.step}; "
                    f"its state is saved in {self.state_path}: rerun the same command (or snakemake) to resume"
                )
            chosen = permutation[index * self.batch_size : (index + 1) * self.batch_size]
            terms = self.train_step(epoch, chosen)
            if self.step % 50 == 0 or index == self.steps_per_epoch - 1:
                current = {name: float(value) for name, value in terms.items()}
                _check_finite(current, epoch, self.step, self.lr)
                bar.set_postfix({k: f"{v:.3f}" for k, v in current.items()}, refresh=False)
        synchronize(self.device)
        this_segment = time.perf_counter() - started
        self.segment["wall_time_s"] += this_segment
        wall = earlier + this_segment
        means = {name: float(total) / self.steps_per_epoch for name, total in self.totals.items()}
        _check_finite(means, epoch, self.step, self.lr)
        if self.progress:
            summary = ", ".join(f"{k} {v:.4g}" for k, v in means.items())
            print(f"[{self.task.name}] epoch {epoch}/{self.epochs}: {summary}, {wall:.1f} s", flush=True)
        return {
            "epoch": epoch,
            "step": self.step,
            **means,
            "wall_time_s": wall,
            "images_per_s": self.steps_per_epoch * self.batch_size / wall,
        }

    def train_step(self, epoch: int, chosen: torch.Tensor) -> dict[str, torch.Tensor]:
        """One optimisation step on the images (and labels) at `chosen`; its loss terms, summed into the epoch's."""
        self.task.set_progress(self.step, self.epochs * self.steps_per_epoch)
        try:
            if self.targets is None:
                terms = self.task.training_step(self.data[chosen])
            else:
                terms = self.task.training_step(self.data[chosen], self.targets[chosen])
        except torch.cuda.OutOfMemoryError:
            name = self.task.name
            raise TrainingError(
                f"the GPU ran out of memory training the {name} at epoch {epoch}, step {self.step + 1}: lower "
                f"{name}.batch_size (now {self.batch_size}) or {name}.channels in the preset"
            ) from None
        self.step += 1
        self.segment["steps"] += 1
        for name, value in terms.items():
            self.totals[name] = self.totals.get(name, 0.0) + value
        return terms

    def snapshot(self, epoch: int, entry: dict[str, Any]) -> None:
        """The fixed-noise samples of this epoch, as a picture and as an array, and the seconds they took."""
        self.task.train_mode(False)
        started = time.perf_counter()
        samples = self.task.snapshot(self.fixed_noise, torch.Generator().manual_seed(self.seed))
        entry["sample_time_s"] = time.perf_counter() - started
        save_sample_grid(samples[:GRID_IMAGES], self.out_dir / "samples" / f"epoch_{epoch:03d}.png")
        pixels = (samples[:, 0] * 255).round().to(torch.uint8).numpy()
        save_samples(self.out_dir / "samples" / f"epoch_{epoch:03d}.npz", pixels, epoch=epoch)

    def save_progress(self, epoch: int, next_index: int, order_at_epoch_start: torch.Tensor, elapsed: float) -> None:
        save_state(
            self.state_path,
            {
                "model": self.task.name,
                "identity": self.identity,
                **self.task.state(),
                "epoch": epoch,
                "next_index": next_index,
                "step": self.step,
                "totals": self.totals,
                "epochs_done": self.record["epochs"],
                "segments": self.segments,
                "elapsed_in_epoch_s": elapsed,
                "order_at_epoch_start": order_at_epoch_start,
                "random": random_states(self.device),
            },
        )

    def finish(self) -> dict[str, Any]:
        """The run's totals in the record; checkpoint and metrics written; the resume state removed."""
        record, segments = self.record, self.segments
        # Steps a killed segment made after its last saved state were redone and are counted once.
        record["segments"] = segments
        record["resumed_at"] = [{"epoch": s["first_epoch"], "step": s["first_step"]} for s in segments[1:]]
        record["total_train_time_s"] = sum(e["wall_time_s"] for e in record["epochs"])
        record["steps"] = self.step
        record["seconds_per_step"] = record["total_train_time_s"] / self.step
        if self.device.type == "cuda":
            record["peak_gpu_memory_bytes"] = torch.cuda.max_memory_allocated(self.device)
        save_checkpoint(
            self.out_dir / "checkpoint.pt",
            {
                "model": self.task.name,
                "config": self.task.config,
                "epoch": self.epochs,
                "step": self.step,
                "seed": self.seed,
                **self.task.state(),
            },
        )
        write_json(self.out_dir / "metrics.json", record)
        self.state_path.unlink(missing_ok=True)
        return record


def train(task: Task, images: torch.Tensor, out_dir: Path, **settings: Any) -> dict[str, Any]:
    """Train `task` with the settings TrainLoop takes; the training record."""
    return TrainLoop(task, images, out_dir, **settings).run()
