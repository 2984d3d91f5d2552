"""Convolutional VAE with a diagonal Gaussian posterior and a Bernoulli decoder."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ConvVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, channels: int = 32):
        super().__init__()
        c = channels
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(
            nn.Conv2d(1, c, 4, 2, 1),
            nn.ReLU(),  # 14x14
            nn.Conv2d(c, 2 * c, 4, 2, 1),
            nn.ReLU(),  # 7x7
            nn.Flatten(),
            nn.Linear(2 * c * 7 * 7, 256),
            nn.ReLU(),
        )
        self.to_mean = nn.Linear(256, latent_dim)
        self.to_logvar = nn.Linear(256, latent_dim)
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 256),
            nn.ReLU(),
            nn.Linear(256, 2 * c * 7 * 7),
            nn.ReLU(),
            nn.Unflatten(1, (2 * c, 7, 7)),
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1),
            nn.ReLU(),  # 14x14
            nn.ConvTranspose2d(c, 1, 4, 2, 1),  # 28x28 logits
        )

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x)
        return self.to_mean(h), self.to_logvar(h)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Mean of the Bernoulli decoder: pixel intensities in [0, 1]."""
        return torch.sigmoid(self.decode_logits(z))

    @staticmethod
    def reparameterize(mean: torch.Tensor, logvar: torch.Tensor, noise: torch.Tensor | None = None):
        noise = torch.randn_like(mean) if noise is None else noise
        return mean + torch.exp(0.5 * logvar) * noise

    def forward(self, x: torch.Tensor):
        mean, logvar = self.encode(x)
        z = self.reparameterize(mean, logvar)
        return self.decode_logits(z), mean, logvar


def negative_elbo(logits, x, mean, logvar) -> dict[str, torch.Tensor]:
    """Per-image negative ELBO in nats, averaged over the batch.

    Reconstruction is the Bernoulli cross-entropy on grayscale targets in [0, 1]; the KL
    term is the closed form for N(mean, exp(logvar)) against N(0, I).
    """
    batch = x.shape[0]
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / batch
    kl = -0.5 * torch.sum(1 + logvar - mean.pow(2) - logvar.exp()) / batch
    return {"loss": reconstruction + kl, "reconstruction": reconstruction, "kl": kl}
