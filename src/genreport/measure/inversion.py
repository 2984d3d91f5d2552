"""Inversion: find the latent code whose decoded image is closest to a given image, by gradient descent on the code.

The GAN has no encoder, so this is its only way back from an image to a code; the VAE's decoder gets the same
search, so the two reconstruct under one procedure.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from ..models.gan import Generator
from ..models.vae import ConvVAE


def invert_generator(
    generator: Generator, images: torch.Tensor, *, steps: int, restarts: int, seed: int, **options
) -> tuple[torch.Tensor, torch.Tensor]:
    """Latent codes z with G(z) close to `images` ([N, 1, 28, 28] in [0, 1]) in squared error.

    Returns (z [N, latent_dim], reconstructions [N, 1, 28, 28] in [0, 1]), both on the CPU.
    The generator stays in eval mode, so batch-norm uses its running statistics."""
    # The generator draws in [-1, 1]: the search compares there, and maps its images back to [0, 1].
    codes, decoded = search_codes(
        generator, generator, generator.latent_dim, images * 2 - 1, steps=steps, restarts=restarts, seed=seed, **options
    )
    return codes, ((decoded + 1) / 2).clamp(0, 1)


def invert_vae_decoder(
    model: ConvVAE, images: torch.Tensor, *, steps: int, restarts: int, seed: int, **options
) -> tuple[torch.Tensor, torch.Tensor]:
    """The same search for the VAE's decoder (its mean image, in [0, 1]), ignoring its encoder."""
    return search_codes(
        model, model.decode, model.latent_dim, images, steps=steps, restarts=restarts, seed=seed, **options
    )


def search_codes(
    network: torch.nn.Module,
    decode: Callable[[torch.Tensor], torch.Tensor],
    latent_dim: int,
    targets: torch.Tensor,
    *,
    steps: int,
    restarts: int,
    seed: int,
    lr: float = 0.05,
    batch_size: int = 512,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Adam on z from `restarts` standard-normal draws per target; the restart with the lowest squared error is
    kept. `network` (the module `decode` runs) is frozen and in eval mode during the search."""
    network.eval()
    device = next(network.parameters()).device
    for parameter in network.parameters():
        parameter.requires_grad_(False)
    noise_source = torch.Generator().manual_seed(seed)
    codes, reconstructions = [], []
    try:
        for batch in targets.split(batch_size):
            target = batch.to(device).repeat(restarts, 1, 1, 1)
            z = torch.randn(len(target), latent_dim, generator=noise_source).to(device).requires_grad_(True)
            optimizer = torch.optim.Adam([z], lr=lr)
            for _ in range(steps):
                loss = F.mse_loss(decode(z), target, reduction="none").flatten(1).mean(1)
                optimizer.zero_grad(set_to_none=True)
                loss.sum().backward()
                optimizer.step()
            with torch.no_grad():
                final = decode(z)
                errors = (final - target).pow(2).flatten(1).mean(1).view(restarts, len(batch))
                best = errors.argmin(0)
                pick = best * len(batch) + torch.arange(len(batch), device=device)
                codes.append(z.detach()[pick].cpu())
                reconstructions.append(final[pick].cpu())
    finally:
        for parameter in network.parameters():
            parameter.requires_grad_(True)
    return torch.cat(codes), torch.cat(reconstructions)
