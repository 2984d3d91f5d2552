"""Log-likelihood bounds: the VAE's ELBO and importance-weighted bound, the DDPM's variational bound."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .models.vae import ConvVAE

LOG_2PI = math.log(2 * math.pi)


def binarize(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw of x ~ Bernoulli(pixel intensity): dynamically binarized MNIST."""
    return torch.bernoulli(images, generator=generator)


def _gaussian_log_density(z, mean, logvar):
    return -0.5 * (LOG_2PI + logvar + (z - mean) ** 2 * torch.exp(-logvar)).sum(-1)


@torch.no_grad()
def vae_bounds(model: ConvVAE, images: torch.Tensor, samples: int, generator: torch.Generator,
               chunk: int = 250) -> tuple[torch.Tensor, torch.Tensor]:
    """Per image, in nats: the ELBO and the importance-weighted bound log (1/k) sum_i w_i (Burda et al. 2016).

    Both are lower bounds on log p(x) under the Bernoulli decoder; the second is at least as tight.
    """
    model.eval()
    device = next(model.parameters()).device
    elbos, iwaes = [], []
    for x in images.split(1):
        x = x.to(device)
        mean, logvar = model.encode(x)
        log_weights = []
        for start in range(0, samples, chunk):
            count = min(chunk, samples - start)
            noise = torch.randn(count, mean.shape[1], generator=generator).to(device)
            z = mean + torch.exp(0.5 * logvar) * noise
            logits = model.decode_logits(z)
            log_px_z = -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").flatten(1).sum(1)
            log_pz = _gaussian_log_density(z, torch.zeros_like(z), torch.zeros_like(z))
            log_qz_x = _gaussian_log_density(z, mean, logvar)
            log_weights.append(log_px_z + log_pz - log_qz_x)
        log_w = torch.cat(log_weights)
        elbos.append(log_w.mean())
        iwaes.append(torch.logsumexp(log_w, dim=0) - math.log(samples))
    return torch.stack(elbos).cpu(), torch.stack(iwaes).cpu()


def mean_and_standard_error(values: torch.Tensor) -> dict[str, float]:
    values = values.double()
    error = values.std(unbiased=True) / math.sqrt(len(values)) if len(values) > 1 else float("nan")
    return {"mean": float(values.mean()), "standard_error": float(error), "count": len(values)}
