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
            nn.BatchNorm2d(2 * c), nn.ReLU(True),
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1, bias=False),
            nn.BatchNorm2d(c), nn.ReLU(True),
            nn.ConvTranspose2d(c, 1, 4, 2, 1),
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """28x28 -> 14x14 -> 7x7 -> one logit per image."""

    def __init__(self, channels: int = 64):
        super().__init__()
        c = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c, 4, 2, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(c, 2 * c, 4, 2, 1, bias=False),
            nn.BatchNorm2d(2 * c), nn.LeakyReLU(0.2, True),
            nn.Flatten(),
        )
        self.classifier = nn.Linear(2 * c * 7 * 7, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x)).squeeze(1)


def init_dcgan_weights(module: nn.Module) -> None:
    """N(0, 0.02) for convolutions, N(1, 0.02) for batch-norm scales (Radford et al. 2016)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
