"""The GAN task: DCGAN training with a choice of how the discriminator step sees the fakes."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..errors import ConfigError
from ..models.gan import Discriminator, Generator, init_dcgan_weights
from .base import Task, moving_average


class GANTask(Task):
    """DCGAN with the non-saturating generator loss.

    `discriminator_input` (config) sets how the discriminator step sees the fakes, for the
    detach experiment: "detached" (the default: its backward pass stops at the fakes),
    "attached" (its backward pass runs on through the generator, whose gradients are then
    reset before the generator step) or "attached_no_reset" (those gradients are left in
    place, so the discriminator's loss leaks into the generator's update).

    Recipe options, each off when left out: `discriminator_lr` (the discriminator's own learning
    rate, a two-time-scale update; `lr` stays the generator's), `spectral_norm` (in the
    discriminator), `discriminator_batch_norm: false`, `r1_gamma` (a gradient penalty on real
    images, gamma / 2 * E|grad D(x)|^2, applied every `r1_interval` discriminator steps and scaled
    by that interval: the lazy R1 of StyleGAN2), `adam_beta1` and `ema_decay` (samples come from a
    moving average of the generator's weights and batch-norm statistics, its decay warmed up as the
    DDPM's can be).
    """

    name = "gan"
    DISCRIMINATOR_INPUTS = ("detached", "attached", "attached_no_reset")

    def __init__(self, config, device):
        super().__init__(config, device)
        self.discriminator_input = self.option("discriminator_input")
        if self.discriminator_input not in self.DISCRIMINATOR_INPUTS:
            raise ConfigError(
                f"gan.discriminator_input is {self.discriminator_input!r}: "
                f"choose one of {', '.join(self.DISCRIMINATOR_INPUTS)}"
            )
        self.generator = Generator(config["latent_dim"], config["channels"]).to(device)
        self.discriminator = Discriminator(
            config["channels"], self.option("spectral_norm"), self.option("discriminator_batch_norm")
        ).to(device)
        self.r1_gamma, self.r1_interval = self.option("r1_gamma"), self.option("r1_interval")
        self.generator.apply(init_dcgan_weights)
        self.discriminator.apply(init_dcgan_weights)
        self.modules = {"generator": self.generator, "discriminator": self.discriminator}
        self.ema = None
        if "ema_decay" in config:
            self.ema = moving_average(self.generator, config["ema_decay"], warm_up=True)
            self.modules["ema"] = self.ema
        betas = (self.option("adam_beta1"), 0.999)
        self.optimizers = {
            "generator": torch.optim.Adam(self.generator.parameters(), lr=config["lr"], betas=betas),
            "discriminator": torch.optim.Adam(
                self.discriminator.parameters(), lr=config.get("discriminator_lr", config["lr"]), betas=betas
            ),
        }

    def training_step(self, images):
        real = images * 2 - 1
        z = torch.randn(real.shape[0], self.config["latent_dim"], device=self.device)
        self.optimizers["generator"].zero_grad(set_to_none=True)
        with self.autocast():
            fake = self.generator(z)
        ones = torch.ones(real.shape[0], device=self.device)
        zeros = torch.zeros_like(ones)
        detached = self.discriminator_input == "detached"

        # Discriminator step. Detached fakes keep this backward pass out of the generator.
        penalize = self.r1_gamma > 0 and self.step % self.r1_interval == 0
        if penalize:
            real = real.detach().requires_grad_(True)
        with self.autocast():
            d_real = self.discriminator(real).float()
            d_fake = self.discriminator(fake.detach() if detached else fake).float()
        loss_d = F.binary_cross_entropy_with_logits(d_real, ones) + F.binary_cross_entropy_with_logits(d_fake, zeros)
        if penalize:
            (gradient,) = torch.autograd.grad(d_real.sum(), real, create_graph=True)
            r1 = gradient.square().flatten(1).sum(1).mean()
            loss_d = loss_d + self.r1_gamma / 2 * r1 * self.r1_interval
        self.optimizers["discriminator"].zero_grad(set_to_none=True)
        loss_d.backward(retain_graph=not detached)  # attached: the generator's graph is needed again below
        self.optimizers["discriminator"].step()

        # Generator step with the non-saturating loss: maximize log D(G(z)).
        with self.autocast():
            d_fake_for_generator = self.discriminator(fake).float()
        loss_g = F.binary_cross_entropy_with_logits(d_fake_for_generator, ones)
        if self.discriminator_input != "attached_no_reset":
            self.optimizers["generator"].zero_grad(set_to_none=True)
        loss_g.backward()
        self.optimizers["generator"].step()
        if self.ema is not None:
            self.ema.update_parameters(self.generator)
        return {
            "loss_d": loss_d.detach(),
            "loss_g": loss_g.detach(),
            "d_real": torch.sigmoid(d_real).mean().detach(),
            "d_fake": torch.sigmoid(d_fake).mean().detach(),
        }

    def noise(self, count, generator):
        return torch.randn(count, self.config["latent_dim"], generator=generator)

    @property
    def sampling_generator(self) -> torch.nn.Module:
        """The generator the samples come from: the moving average where the recipe keeps one."""
        return self.ema.module if self.ema is not None else self.generator

    @torch.no_grad()
    def generate(self, noise, generator=None, use_ema: bool = True):
        """Images from `noise` by `sampling_generator` (`use_ema=False`: by the trained weights)."""
        network = self.sampling_generator if use_ema else self.generator
        network.eval()
        with self.autocast():
            images = network(noise.to(self.device))
        return ((images.float() + 1) / 2).clamp(0, 1).cpu()
