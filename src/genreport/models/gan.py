"""DCGAN-style generator and discriminator sized for 28x28 images (no resizing)."""

from __future__ import annotations

import torch
from torch import nn


class Generator(nn.Module):
    """z -> 7x7 -> 14x14 -> 28x28, outputs in [-1, 1]."""

    def __init__(self, latent_dim: int = 64, channels: int = 64):
        super().__init__()
        c = channels
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 2 * c * 7 * 7, bias=False),
            nn.Unflatten(1, (2 * c, 7, 7)),
            nn.BatchNorm2d(2 * c),
            nn.ReLU(True),
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1, bias=False),
            nn.BatchNorm2d(c),
            nn.ReLU(True),
            nn.ConvTranspose2d(c, 1, 4, 2, 1),
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """28x28 -> 14x14 -> 7x7 -> one logit per image.

    With `spectral_norm` every layer's weight is divided by its largest singular value (Miyato et al.
    2018), in place of batch normalization; `batch_norm=False` leaves both out (for a gradient penalty,
    which batch statistics would couple across the batch).
    """

    def __init__(self, channels: int = 64, spectral_norm: bool = False, batch_norm: bool = True):
        super().__init__()
        c = channels
        normalize = nn.utils.parametrizations.spectral_norm if spectral_norm else (lambda layer: layer)
        batch_norm = batch_norm and not spectral_norm
        self.features = nn.Sequential(
            normalize(nn.Conv2d(1, c, 4, 2, 1)),
            nn.LeakyReLU(0.2, True),
            normalize(nn.Conv2d(c, 2 * c, 4, 2, 1, bias=not batch_norm)),
            nn.BatchNorm2d(2 * c) if batch_norm else nn.Identity(),
            nn.LeakyReLU(0.2, True),
            nn.Flatten(),
        )
        self.classifier = normalize(nn.Linear(2 * c * 7 * 7, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x)).squeeze(1)


def init_dcgan_weights(module: nn.Module) -> None:
    """N(0, 0.02) for convolutions, N(1, 0.02) for batch-norm scales (Radford et al. 2016)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        # Under spectral norm `weight` is computed; the stored parameter is `parametrizations.weight.original`.
        nn.init.normal_(
            module.parametrizations.weight.original if hasattr(module, "parametrizations") else module.weight, 0.0, 0.02
        )
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
