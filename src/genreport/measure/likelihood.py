"""Log-likelihood bounds: the VAE's ELBO and importance-weighted bound, the DDPM's variational bound."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F

from ..models.vae import ConvVAE, negative_elbo
from ..runtime import random_subset
from ..seeds import DDPM_BOUND_NOISE, IWAE_DRAWS, stream_seed

if TYPE_CHECKING:
    from ..tasks.ddpm import DDPMTask
    from ..tasks.vae import VAETask

LOG_2PI = math.log(2 * math.pi)


def binarize(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw of x ~ Bernoulli(pixel intensity): dynamically binarized MNIST."""
    return torch.bernoulli(images, generator=generator)


def _gaussian_log_density(z, mean, logvar):
    return -0.5 * (LOG_2PI + logvar + (z - mean) ** 2 * torch.exp(-logvar)).sum(-1)


@torch.no_grad()
def vae_bounds(
    model: ConvVAE, images: torch.Tensor, samples: int, generator: torch.Generator, decodes_per_pass: int = 20_000
) -> tuple[torch.Tensor, torch.Tensor]:
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


def bits_per_dim(nats_per_image: float, dims: int = 784) -> float:
    return nats_per_image / (dims * math.log(2))


def with_bits(nats: dict[str, float]) -> dict[str, float]:
    """A negative log-likelihood estimate in nats, with the same in bits per dimension."""
    return {
        **nats,
        "bits_per_dim": bits_per_dim(nats["mean"]),
        "bits_per_dim_standard_error": bits_per_dim(nats["standard_error"]),
    }


def vae_likelihood(task: VAETask, test: torch.Tensor, settings: dict[str, Any], seed: int) -> dict[str, Any]:
    """The VAE's ELBO and IWAE bound on `iwae_images` test images (in [0, 1]), binarized once."""
    chosen = random_subset(settings["iwae_images"], len(test), seed)
    images = binarize(test[chosen], torch.Generator().manual_seed(seed))
    elbo, iwae = vae_bounds(
        task.model, images, settings["iwae_samples"], torch.Generator().manual_seed(stream_seed(seed, IWAE_DRAWS))
    )
    return {
        "data": "test images binarized once by Bernoulli draws (seeded)",
        "images": len(images),
        "importance_samples": settings["iwae_samples"],
        "trained_on_binarized": bool(task.option("binarize")),
        "negative_elbo": with_bits(mean_and_standard_error(-elbo)),
        "negative_iwae_bound": with_bits(mean_and_standard_error(-iwae)),
    }


def ddpm_likelihood(task: DDPMTask, test_uint8: torch.Tensor, settings: dict[str, Any], seed: int) -> dict[str, Any]:
    """The DDPM's variational bound on `ddpm_bound_images` test images, term by term."""
    chosen = random_subset(settings["ddpm_bound_images"], len(test_uint8), seed)
    x0 = (test_uint8[chosen].unsqueeze(1).float() / 255.0) * 2 - 1
    generator = torch.Generator().manual_seed(stream_seed(seed, DDPM_BOUND_NOISE))
    ranges = task.diffusion.bound_ranges(settings["ddpm_bound_ranges"])
    terms = torch.cat(
        [
            task.diffusion.bound_terms(task.ema.module, batch.to(task.device), ranges, generator).cpu()
            for batch in x0.split(250)
        ]
    )
    mean_terms = terms.mean(0).tolist()
    return {
        "data": "test images on the 256 levels of [-1, 1], discretized Gaussian decoder at t = 1",
        "images": len(x0),
        "timestep_ranges": len(ranges),
        "estimator": "per image: the decoder and prior terms exactly, and for each log-spaced range of t one "
        "uniform t weighted by the range's width (stratified sampling)",
        "negative_bound": with_bits(mean_and_standard_error(terms.sum(1))),
        # Where the bits go: each term's mean over the images, in bits per dimension.
        "terms_bits_per_dim": [
            {"t_start": 0, "t_stop": 1, "bits_per_dim": bits_per_dim(mean_terms[0])},
            *(
                {"t_start": start, "t_stop": stop, "bits_per_dim": bits_per_dim(value)}
                for (start, stop), value in zip(ranges, mean_terms[1:-1], strict=True)
            ),
            {"t_start": task.diffusion.timesteps, "t_stop": None, "bits_per_dim": bits_per_dim(mean_terms[-1])},
        ],
    }
