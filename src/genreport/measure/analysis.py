"""Measurements the notebooks and the report share: reconstructions, interpolation, timing, blur."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

from ..runtime import synchronize

if TYPE_CHECKING:
    from ..tasks.base import Task


def interpolate_latents(z1: torch.Tensor, z2: torch.Tensor, steps: int) -> torch.Tensor:
    """Points on the straight line from z1 to z2 (both ends included): [steps, *z1.shape]."""
    weights = torch.linspace(0.0, 1.0, steps).view(-1, *([1] * z1.dim()))
    return (1 - weights) * z1.unsqueeze(0) + weights * z2.unsqueeze(0)


def slerp(z1: torch.Tensor, z2: torch.Tensor, steps: int) -> torch.Tensor:
    """Points on the great circle from z1 to z2 (spherical interpolation): [steps, *z1.shape].

    High-dimensional Gaussian noise lies near a sphere; a straight line between two draws
    passes through its interior, where the norm is atypically small.
    """
    a, b = z1.flatten(), z2.flatten()
    angle = torch.arccos((a @ b / (a.norm() * b.norm())).clamp(-1.0, 1.0))
    weights = torch.linspace(0.0, 1.0, steps)
    if float(angle) < 1e-6:
        return interpolate_latents(z1, z2, steps)
    points = [(torch.sin((1 - w) * angle) * a + torch.sin(w * angle) * b) / torch.sin(angle) for w in weights]
    return torch.stack(points).view(steps, *z1.shape)


def interpolation_rows(task: Task, pairs: int, steps: int, seed: int, sampler: str | None = None) -> list[torch.Tensor]:
    """Generate `steps` points between `pairs` pairs of noise draws; one row of images per pair.

    VAE and GAN: straight lines in latent space. DDPM: a deterministic sampler (`sampler`, a preset
    setting such as ddim:50) from spherically interpolated starting noise.
    """
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for _ in range(pairs):
        ends = task.noise(2, generator)
        if task.name == "ddpm":
            rows.append(task.generate(slerp(ends[0], ends[1], steps), sampler=task.sampler(sampler)))
        else:
            rows.append(task.generate(interpolate_latents(ends[0], ends[1], steps)))
    return rows


def sobel_magnitude(images: torch.Tensor) -> torch.Tensor:
    """Each pixel's Sobel gradient magnitude, for images [N, 1, H, W] in [0, 1]."""
    kernel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]).view(1, 1, 3, 3)
    kernel_y = kernel_x.transpose(2, 3)
    images = images.float()
    gx = F.conv2d(images, kernel_x, padding=1)
    gy = F.conv2d(images, kernel_y, padding=1)
    return torch.sqrt(gx**2 + gy**2)


def edge_sharpness(images: torch.Tensor) -> float:
    """Mean gradient magnitude (Sobel) of images in [0, 1]; blurrier images score lower."""
    return float(sobel_magnitude(images).mean())


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


@torch.no_grad()
def feature_path_smoothness(rows: list[torch.Tensor], classifier) -> dict[str, float]:
    """How an interpolation moves in the evaluator's feature space, and how often its class flips.

    Per path: the distances between neighbouring frames' features, their largest-to-mean
    ratio, the path length over the straight (chord) distance between its ends (1 for a
    path that moves straight), and the number of times the predicted digit changes.
    """
    classifier.eval()
    steps, ratios, detours, changes = [], [], [], []
    for frames in rows:
        features = classifier.features(frames.float())
        distances = (features[1:] - features[:-1]).norm(dim=1)
        chord = (features[-1] - features[0]).norm().clamp_min(1e-8)
        predicted = classifier(frames.float()).argmax(1)
        steps.append(distances.mean())
        ratios.append(distances.max() / distances.mean().clamp_min(1e-8))
        detours.append(distances.sum() / chord)
        changes.append((predicted[1:] != predicted[:-1]).sum().float())
    return {
        "mean_feature_step": float(torch.stack(steps).mean()),
        "max_over_mean_feature_step": float(torch.stack(ratios).mean()),
        "path_over_chord": float(torch.stack(detours).mean()),
        "class_changes_per_path": float(torch.stack(changes).mean()),
        "paths": len(rows),
        "frames": len(rows[0]),
    }


def time_sampling(
    task: Task, count: int, seed: int, budget_s: float = 2.0, most: int = 7
) -> tuple[torch.Tensor, float]:
    """Draw `count` samples from a seeded noise batch; return them and seconds per image, the median of repeated
    timings (as many as fit in `budget_s`, at most `most`, at least one): one timing of a fast model is one draw
    of the machine's noise.

    One untimed call on a single sample comes first, so start-up costs (CUDA context,
    cuDNN autotuning, first allocations) are not billed to the model.
    """
    generator = torch.Generator().manual_seed(seed)
    noise = task.noise(count, generator)
    task.generate(noise[:1], torch.Generator().manual_seed(seed))
    state = generator.get_state()  # every repeat draws the same samples
    timings = []
    while not timings or (len(timings) < most and sum(timings) < budget_s):
        repeat = torch.Generator()
        repeat.set_state(state)
        synchronize(task.device)
        started = time.perf_counter()
        samples = task.generate(noise, repeat)
        synchronize(task.device)
        timings.append(time.perf_counter() - started)
    return samples, statistics.median(timings) / count
