"""The VAE task: negative ELBO training, decoding prior draws, reconstructions."""

from __future__ import annotations

import torch

from ..errors import ConfigError
from ..models.vae import ConvVAE, negative_elbo
from .base import Task


class VAETask(Task):
    name = "vae"
    LIKELIHOODS = ("bernoulli",)

    def __init__(self, config, device):
        super().__init__(config, device)
        if config.get("likelihood") not in self.LIKELIHOODS:
            raise ConfigError(
                f"vae.likelihood is {config.get('likelihood')!r}: the decoder supports {', '.join(self.LIKELIHOODS)}"
            )
        self.binarize, self.kl_warmup_steps = self.option("binarize"), self.option("kl_warmup_steps")
        self.model = ConvVAE(config["latent_dim"], config["channels"]).to(device)
        self.modules = {"model": self.model}
        self.optimizers = {"model": torch.optim.Adam(self.model.parameters(), lr=config["lr"])}

    def training_step(self, images):
        if self.binarize:
            images = torch.bernoulli(images)  # dynamic binarization: a fresh draw every time
        with self.autocast():
            logits, mean, logvar = self.model(images)
        terms = negative_elbo(logits.float(), images, mean.float(), logvar.float())
        optimizer = self.optimizers["model"]
        optimizer.zero_grad(set_to_none=True)
        # The loss terms reported stay the negative ELBO; only the objective weighs the KL term.
        (terms["reconstruction"] + self.kl_weight() * terms["kl"]).backward()
        optimizer.step()
        return {k: v.detach() for k, v in terms.items()}

    def kl_weight(self) -> float:
        """The KL term's weight: 1, or with `kl_warmup_steps` rising linearly from near 0 to 1 over those
        steps (KL warm-up, Sønderby et al. 2016)."""
        warmup = self.kl_warmup_steps
        return min(1.0, (self.step + 1) / warmup) if warmup else 1.0

    def noise(self, count, generator):
        return torch.randn(count, self.config["latent_dim"], generator=generator)

    @torch.no_grad()
    def generate(self, noise, generator=None):
        self.model.eval()
        with self.autocast():
            images = self.model.decode(noise.to(self.device))
        return images.float().cpu()

    @torch.no_grad()
    def reconstruct(self, images: torch.Tensor) -> torch.Tensor:
        """Decode the posterior mean of each image: the VAE's reconstruction."""
        self.model.eval()
        mean, _ = self.model.encode(images.to(self.device))
        return self.model.decode(mean).cpu()

    @torch.no_grad()
    def encode_mean(self, images: torch.Tensor) -> torch.Tensor:
        self.model.eval()
        return self.model.encode(images.to(self.device))[0].cpu()
