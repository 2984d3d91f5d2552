"""Draw a model's evaluation samples.

`python -m genreport.cli.sample --settings JSON --checkpoint C --out samples/vae.npz`.

Settings: `count`, `seed`, `device` and, for the DDPM, `sampler` (`ancestral`, `ddim:<steps>` or `dpm_solver:<steps>`).

Writes uint8 images [N, 28, 28] with the seeds, the checkpoint and the sampler recorded beside them.
The first half of the images comes from the settings' `seed`, the second from the next stream
(seeds.SECOND_SAMPLE_HALF), so the evaluation can check that its ranking of the models holds across two sampling seeds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from ..runtime import configure_threads
from ..seeds import SECOND_SAMPLE_HALF, stream_seed
from ..store.samples import save_samples
from ..tasks.loading import load_task
from .common import add_settings_arguments, reports_errors

BATCH_SIZE = 500  # part of what fixes the starting noise of a seed


def to_uint8(images: torch.Tensor) -> np.ndarray:
    return (images[:, 0].clamp(0, 1) * 255).round().to(torch.uint8).numpy()


def sampler_name(task, sampler: str | None) -> str:
    return task.sampler(sampler).describe() if task.name == "ddpm" else "one network pass"


def draw_images(task, count: int, seed: int, batch_size: int, sampler: str | None, use_ema: bool = True) -> np.ndarray:
    """`count` images from one seed; the same arguments give the same starting noise."""
    generator = torch.Generator().manual_seed(seed)
    batches = []
    for start in range(0, count, batch_size):
        noise = task.noise(min(batch_size, count - start), generator)
        extra = {"sampler": task.sampler(sampler), "use_ema": use_ema} if task.name == "ddpm" else {}
        batches.append(to_uint8(task.generate(noise, generator, **extra)))
    return np.concatenate(batches)


def draw(
    task, count: int, seeds: list[int], batch_size: int, sampler: str | None
) -> tuple[np.ndarray, np.ndarray, float, str]:
    """`count` images split evenly over `seeds`: images, each one's seed, seconds per image, sampler.

    The time is taken after a warm-up call, so first-call start-up is not counted."""
    draw_images(task, 2, seeds[0], 2, sampler)
    started = time.perf_counter()
    shares = np.array_split(np.arange(count), len(seeds))
    images = np.concatenate(
        [draw_images(task, len(share), seed, batch_size, sampler) for share, seed in zip(shares, seeds, strict=True)]
    )
    seconds = time.perf_counter() - started
    seed_of_image = np.concatenate([np.full(len(share), seed) for share, seed in zip(shares, seeds, strict=True)])
    return images, seed_of_image, seconds / count, sampler_name(task, sampler)


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    add_settings_arguments(parser)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    configure_threads(args.threads)
    settings = args.settings
    task, payload = load_task(args.checkpoint, settings["device"])
    seeds = [settings["seed"], stream_seed(settings["seed"], SECOND_SAMPLE_HALF)]
    setting = settings.get("sampler")
    images, seed_of_image, seconds_per_sample, sampler = draw(task, settings["count"], seeds, args.batch_size, setting)
    save_samples(
        args.out,
        images,
        seed_of_image=seed_of_image,
        batch_size=args.batch_size,
        sampler_setting=setting or "",
        checkpoint=str(args.checkpoint),
        model=payload["model"],
        epoch=payload["epoch"],
        sampler=sampler,
        seconds_per_sample=seconds_per_sample,
    )
    print(f"{payload['model']}: {settings['count']} samples ({sampler}), {seconds_per_sample * 1e3:.2f} ms per sample")


if __name__ == "__main__":
    main()
