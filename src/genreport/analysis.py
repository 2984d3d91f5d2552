"""Measurements the notebooks and the report share: reconstructions, interpolation, timing, blur."""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from .tasks import Task


def interpolate_latents(z1: torch.Tensor, z2: torch.Tensor, steps: int) -> torch.Tensor:
    """Points on the straight line from z1 to z2 (both ends included): [steps, *z1.shape]."""
    weights = torch.linspace(0.0, 1.0, steps).view(-1, *([1] * z1.dim()))
    return (1 - weights) * z1.unsqueeze(0) + weights * z2.unsqueeze(0)


def interpolation_rows(task: Task, pairs: int, steps: int, seed: int) -> list[torch.Tensor]:
    """Decode `steps` points between `pairs` pairs of prior draws; one row of images per pair."""
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for _ in range(pairs):
        ends = task.noise(2, generator)
        path = interpolate_latents(ends[0], ends[1], steps)
        rows.append(task.generate(path))
    return rows


def edge_sharpness(images: torch.Tensor) -> float:
    """Mean gradient magnitude (Sobel) of images in [0, 1]; blurrier images score lower."""
    kernel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]).view(1, 1, 3, 3)
    kernel_y = kernel_x.transpose(2, 3)
    images = images.float()
    gx = F.conv2d(images, kernel_x, padding=1)
    gy = F.conv2d(images, kernel_y, padding=1)
    return float(torch.sqrt(gx**2 + gy**2).mean())


def path_smoothness(rows: list[torch.Tensor]) -> dict[str, float]:
    """How evenly an interpolation changes: pixel RMS distance between neighbouring frames.

    `max_over_mean_step` is 1 for a perfectly even path and grows when one step jumps.
    """
    ratios, steps = [], []
    for frames in rows:
        flat = frames.flatten(1)
        distances = (flat[1:] - flat[:-1]).pow(2).mean(dim=1).sqrt()
        steps.append(distances.mean())
        ratios.append(distances.max() / distances.mean().clamp_min(1e-8))
    return {
        "mean_step_rms": float(torch.stack(steps).mean()),
        "max_over_mean_step": float(torch.stack(ratios).mean()),
        "worst_max_over_mean_step": float(torch.stack(ratios).max()),
    }


def time_sampling(task: Task, count: int, seed: int) -> tuple[torch.Tensor, float]:
    """Draw `count` samples from a seeded noise batch; return them and seconds per image.

    One untimed call on a single sample comes first, so start-up costs (CUDA context,
    cuDNN autotuning, first allocations) are not billed to the model.
    """
    generator = torch.Generator().manual_seed(seed)
    noise = task.noise(count, generator)
    task.generate(noise[:1], torch.Generator().manual_seed(seed))
    if task.device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    samples = task.generate(noise, generator)
    if task.device.type == "cuda":
        torch.cuda.synchronize()
    return samples, (time.perf_counter() - started) / count


@torch.no_grad()
def negative_elbo_on(task: Task, images: torch.Tensor, batch_size: int = 1000, seed: int = 0) -> dict[str, float]:
    """Mean negative ELBO (nats per image) of a VAE task on `images`, one posterior draw each."""
    from .models.vae import negative_elbo

    model = task.model
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    totals = {"loss": 0.0, "reconstruction": 0.0, "kl": 0.0}
    for batch in images.split(batch_size):
        batch = batch.to(task.device)
        mean, logvar = model.encode(batch)
        noise = torch.randn(mean.shape, generator=generator).to(task.device)
        logits = model.decode_logits(model.reparameterize(mean, logvar, noise))
        for name, value in negative_elbo(logits, batch, mean, logvar).items():
            totals[name] += float(value) * len(batch)
    return {name: total / len(images) for name, total in totals.items()}
