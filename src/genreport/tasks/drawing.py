"""Drawing a trained model's images from seeded noise: the same arguments give the same images."""

from __future__ import annotations

import time

import numpy as np
import torch

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
