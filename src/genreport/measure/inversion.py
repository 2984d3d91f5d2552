"""GAN inversion: find the latent code whose generated image is closest to a given image."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..models.gan import Generator


def invert_generator(
    generator: Generator,
    images: torch.Tensor,
    *,
    steps: int,
    restarts: int,
    seed: int,
    lr: float = 0.05,
    batch_size: int = 512,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Latent codes z with G(z) close to `images` ([N, 1, 28, 28] in [0, 1]) in squared error.

    Adam on z from `restarts` prior draws per image; the best restart per image is kept.
    Returns (z [N, latent_dim], reconstructions [N, 1, 28, 28] in [0, 1]), both on the CPU.
    The generator stays in eval mode, so batch-norm uses its running statistics.
    """
    generator.eval()
    device = next(generator.parameters()).device
    for parameter in generator.parameters():
        parameter.requires_grad_(False)
    noise_source = torch.Generator().manual_seed(seed)
    codes, reconstructions = [], []
    try:
        for batch in images.split(batch_size):
            target = (batch.to(device) * 2 - 1).repeat(restarts, 1, 1, 1)
            z = torch.randn(len(target), generator.latent_dim, generator=noise_source).to(device).requires_grad_(True)
            optimizer = torch.optim.Adam([z], lr=lr)
            for _ in range(steps):
                loss = F.mse_loss(generator(z), target, reduction="none").flatten(1).mean(1)
                optimizer.zero_grad(set_to_none=True)
                loss.sum().backward()
                optimizer.step()
            with torch.no_grad():
                final = generator(z)
                errors = (final - target).pow(2).flatten(1).mean(1).view(restarts, len(batch))
                best = errors.argmin(0)
                pick = best * len(batch) + torch.arange(len(batch), device=device)
                codes.append(z.detach()[pick].cpu())
                reconstructions.append(((final[pick] + 1) / 2).clamp(0, 1).cpu())
    finally:
        for parameter in generator.parameters():
            parameter.requires_grad_(True)
    return torch.cat(codes), torch.cat(reconstructions)
