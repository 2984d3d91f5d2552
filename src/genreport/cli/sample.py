"""Draw a model's evaluation samples: `python -m genreport.cli.sample --checkpoint C --out samples/vae.npz`.

Writes uint8 images [N, 28, 28] with the seed, the checkpoint and the sampler recorded beside them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from ..checkpoint import atomic_write
from ..notebook_support import load_task
from ..runtime import configure_threads
from .common import run_reporting_errors


def to_uint8(images: torch.Tensor) -> np.ndarray:
    return (images[:, 0].clamp(0, 1) * 255).round().to(torch.uint8).numpy()


def draw(task, count: int, seed: int, batch_size: int, ddim_steps: int | None) -> tuple[np.ndarray, float, str]:
    generator = torch.Generator().manual_seed(seed)
    batches = []
    started = time.perf_counter()
    for start in range(0, count, batch_size):
        noise = task.noise(min(batch_size, count - start), generator)
        extra = {"ddim_steps": ddim_steps} if task.name == "ddpm" else {}
        batches.append(to_uint8(task.generate(noise, generator, **extra)))
    seconds = time.perf_counter() - started
    if task.name == "ddpm":
        sampler = f"DDIM, {ddim_steps} steps" if ddim_steps else f"ancestral, {task.diffusion.timesteps} steps"
    else:
        sampler = "one network pass"
    return np.concatenate(batches), seconds / count, sampler


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--ddim-steps", type=int, default=0, help="DDPM only: DDIM steps (0: ancestral, all T)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    def run() -> None:
        configure_threads(args.threads)
        task, payload = load_task(args.checkpoint, args.device)
        images, seconds_per_sample, sampler = draw(task, args.count, args.seed, args.batch_size, args.ddim_steps or None)
        record = dict(images=images, seed=args.seed, checkpoint=str(args.checkpoint), model=payload["model"],
                      epoch=payload["epoch"], sampler=sampler, seconds_per_sample=seconds_per_sample)
        atomic_write(args.out, lambda handle: np.savez_compressed(handle, **record))
        print(f"{payload['model']}: {args.count} samples ({sampler}), {seconds_per_sample * 1e3:.2f} ms per sample")

    run_reporting_errors(run)


if __name__ == "__main__":
    main()
