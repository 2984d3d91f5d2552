"""Log-likelihood bounds: the VAE's ELBO and importance-weighted bound, the DDPM's variational bound."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

from ..models.vae import ConvVAE, negative_elbo

if TYPE_CHECKING:
    from ..tasks.vae import VAETask

LOG_2PI = math.log(2 * math.pi)


def binarize(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw of x ~ Bernoulli(pixel intensity): dynamically binarized MNIST."""
    return torch.bernoulli(images, generator=generator)


def _gaussian_log_density(z, mean, logvar):
    return -0.5 * (LOG_2PI + logvar + (z - mean) ** 2 * torch.exp(-logvar)).sum(-1)


@torch.no_grad()
def vae_bounds(model: ConvVAE, images: torch.Tensor, samples: int, generator: torch.Generator,
               decodes_per_pass: int = 20_000) -> tuple[torch.Tensor, torch.Tensor]:
    """Per image, in nats: the ELBO and the importance-weighted bound log (1/k) sum_i w_i (Burda et al. 2016).

    Both are lower bounds on log p(x) under the Bernoulli decoder; the second is at least as tight.
    Images go through in batches so that one decoder pass handles about `decodes_per_pass` latents.
    """
    model.eval()
    device = next(model.parameters()).device
    images_per_batch = max(1, decodes_per_pass // samples)
    elbos, iwaes = [], []
    for x in images.split(images_per_batch):
        x = x.to(device)
        mean, logvar = model.encode(x)
        noise = torch.randn(samples, *mean.shape, generator=generator).to(device)  # [k, B, d]
        z = mean + torch.exp(0.5 * logvar) * noise
        logits = model.decode_logits(z.flatten(0, 1)).view(samples, len(x), -1)
        targets = x.flatten(1).expand(samples, -1, -1)
        log_px_z = -F.binary_cross_entropy_with_logits(logits, targets, reduction="none").sum(-1)
        log_pz = _gaussian_log_density(z, torch.zeros_like(z), torch.zeros_like(z))
        log_qz_x = _gaussian_log_density(z, mean, logvar)
        log_w = log_px_z + log_pz - log_qz_x  # [k, B]
        elbos.append(log_w.mean(0))
        iwaes.append(torch.logsumexp(log_w, dim=0) - math.log(samples))
    return torch.cat(elbos).cpu(), torch.cat(iwaes).cpu()


def mean_and_standard_error(values: torch.Tensor) -> dict[str, float]:
    values = values.double()
    error = values.std(unbiased=True) / math.sqrt(len(values)) if len(values) > 1 else float("nan")
    return {"mean": float(values.mean()), "standard_error": float(error), "count": len(values)}


@torch.no_grad()
def negative_elbo_on(task: VAETask, images: torch.Tensor, batch_size: int = 1000, seed: int = 0) -> dict[str, float]:
    """Mean negative ELBO (nats per image) of a VAE task on `images`, one posterior draw each."""
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
