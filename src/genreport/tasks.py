"""What each model does in one training step and how it draws samples.

The shared loop in `training.py` calls `training_step` on batches of images in [0, 1];
each task owns its networks and optimizers and returns its loss terms.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from .diffusion import GaussianDiffusion
from .errors import ConfigError
from .models.classifier import DigitClassifier
from .models.gan import Discriminator, Generator, init_dcgan_weights
from .models.unet import UNet
from .models.vae import ConvVAE, negative_elbo
from .runtime import autocast, resolve_precision


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


class Task:
    name: str
    generates = True  # False for the evaluator, which classifies instead
    modules: dict[str, nn.Module]
    optimizers: dict[str, torch.optim.Optimizer]

    def __init__(self, config: dict[str, Any], device: torch.device):
        self.config = config
        self.device = device
        # bf16 covers the networks' forward passes (and so their backward); losses, optimizer
        # states and everything the evaluation computes stay in fp32.
        self.precision = resolve_precision(device, config.get("precision", "fp32"))

    def autocast(self):
        return autocast(self.device, self.precision)

    def training_step(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def noise(self, count: int, generator: torch.Generator) -> torch.Tensor:
        """Starting noise for `count` samples, drawn on the CPU so seeds agree across devices."""
        raise NotImplementedError

    def generate(self, noise: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Images in [0, 1] on the CPU, shape [N, 1, 28, 28]."""
        raise NotImplementedError

    def snapshot(self, noise: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """The samples training draws at the sampled epochs, from the same noise each time."""
        return self.generate(noise, generator)

    def parameter_counts(self) -> dict[str, int]:
        return {name: count_parameters(module) for name, module in self.modules.items() if name != "ema"}

    def train_mode(self, training: bool) -> None:
        for module in self.modules.values():
            module.train(training)

    def state(self) -> dict[str, Any]:
        return {
            "modules": {name: m.state_dict() for name, m in self.modules.items()},
            "optimizers": {name: o.state_dict() for name, o in self.optimizers.items()},
        }

    def load_state(self, state: dict[str, Any], with_optimizers: bool = True) -> None:
        for name, module in self.modules.items():
            module.load_state_dict(state["modules"][name])
        if with_optimizers:
            for name, optimizer in self.optimizers.items():
                optimizer.load_state_dict(state["optimizers"][name])


class VAETask(Task):
    name = "vae"
    LIKELIHOODS = ("bernoulli",)

    def __init__(self, config, device):
        super().__init__(config, device)
        if config.get("likelihood") not in self.LIKELIHOODS:
            raise ConfigError(
                f"vae.likelihood is {config.get('likelihood')!r}: the decoder supports {', '.join(self.LIKELIHOODS)}"
            )
        self.model = ConvVAE(config["latent_dim"], config["channels"]).to(device)
        self.modules = {"model": self.model}
        self.optimizers = {"model": torch.optim.Adam(self.model.parameters(), lr=config["lr"])}

    def training_step(self, images):
        if self.config.get("binarize"):
            images = torch.bernoulli(images)  # dynamic binarization: a fresh draw every time
        with self.autocast():
            logits, mean, logvar = self.model(images)
        terms = negative_elbo(logits.float(), images, mean.float(), logvar.float())
        optimizer = self.optimizers["model"]
        optimizer.zero_grad(set_to_none=True)
        terms["loss"].backward()
        optimizer.step()
        return {k: v.detach() for k, v in terms.items()}

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


class GANTask(Task):
    """DCGAN with the non-saturating generator loss.

    `discriminator_input` (config) sets how the discriminator step sees the fakes, for the
    detach experiment: "detached" (the default: its backward pass stops at the fakes),
    "attached" (its backward pass runs on through the generator, whose gradients are then
    reset before the generator step) or "attached_no_reset" (those gradients are left in
    place, so the discriminator's loss leaks into the generator's update).
    """

    name = "gan"
    DISCRIMINATOR_INPUTS = ("detached", "attached", "attached_no_reset")

    def __init__(self, config, device):
        super().__init__(config, device)
        self.discriminator_input = config.get("discriminator_input", "detached")
        if self.discriminator_input not in self.DISCRIMINATOR_INPUTS:
            raise ConfigError(f"gan.discriminator_input is {self.discriminator_input!r}: "
                              f"choose one of {', '.join(self.DISCRIMINATOR_INPUTS)}")
        self.generator = Generator(config["latent_dim"], config["channels"]).to(device)
        self.discriminator = Discriminator(config["channels"]).to(device)
        self.generator.apply(init_dcgan_weights)
        self.discriminator.apply(init_dcgan_weights)
        self.modules = {"generator": self.generator, "discriminator": self.discriminator}
        betas = (0.5, 0.999)
        self.optimizers = {
            "generator": torch.optim.Adam(self.generator.parameters(), lr=config["lr"], betas=betas),
            "discriminator": torch.optim.Adam(self.discriminator.parameters(), lr=config["lr"], betas=betas),
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
        with self.autocast():
            d_real = self.discriminator(real).float()
            d_fake = self.discriminator(fake.detach() if detached else fake).float()
        loss_d = F.binary_cross_entropy_with_logits(d_real, ones) + F.binary_cross_entropy_with_logits(d_fake, zeros)
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
        return {
            "loss_d": loss_d.detach(),
            "loss_g": loss_g.detach(),
            "d_real": torch.sigmoid(d_real).mean().detach(),
            "d_fake": torch.sigmoid(d_fake).mean().detach(),
        }

    def noise(self, count, generator):
        return torch.randn(count, self.config["latent_dim"], generator=generator)

    @torch.no_grad()
    def generate(self, noise, generator=None):
        self.generator.eval()
        with self.autocast():
            images = self.generator(noise.to(self.device))
        return ((images.float() + 1) / 2).clamp(0, 1).cpu()


class DDPMTask(Task):
    name = "ddpm"

    def __init__(self, config, device):
        super().__init__(config, device)
        self.diffusion = GaussianDiffusion(config["timesteps"], config["beta_start"], config["beta_end"])
        self.model = UNet(config["channels"], tuple(config["channel_mults"]), config["attention"]).to(device)
        # Samples come from an exponential moving average of the weights.
        self.ema = AveragedModel(self.model, multi_avg_fn=get_ema_multi_avg_fn(config["ema_decay"]))
        self.modules = {"model": self.model, "ema": self.ema}
        self.optimizers = {"model": torch.optim.Adam(self.model.parameters(), lr=config["lr"])}

    def training_step(self, images):
        loss = self.diffusion.training_loss(self.predictor(self.model), images * 2 - 1)
        optimizer = self.optimizers["model"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        self.ema.update_parameters(self.model)
        return {"loss": loss.detach()}

    def snapshot(self, noise, generator):
        # `snapshot_ddim_steps` trades the all-steps sampler for a short deterministic one where T steps cost too much.
        return self.generate(noise, generator, ddim_steps=self.config.get("snapshot_ddim_steps"))

    def predictor(self, network: nn.Module):
        """The noise predictor the diffusion process calls: `network` under the task's precision, fp32 out."""
        def predict(x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            with self.autocast():
                return network(x_t, t).float()
        return predict

    def noise(self, count, generator):
        return torch.randn(count, 1, 28, 28, generator=generator)

    @torch.no_grad()
    def generate(self, noise, generator=None, progress=False, ddim_steps: int | None = None, use_ema: bool = True):
        """Ancestral sampling through all T steps, or deterministic DDIM on `ddim_steps` steps.

        `use_ema=False` samples from the raw trained weights instead of their moving average.
        """
        network = self.ema.module if use_ema else self.model
        network.eval()
        x_T = noise.to(self.device)
        if ddim_steps:
            x0 = self.diffusion.ddim_sample_loop(self.predictor(network), x_T, ddim_steps, progress)
        else:
            x0 = self.diffusion.p_sample_loop(self.predictor(network), x_T, generator, progress)
        return ((x0 + 1) / 2).clamp(0, 1).cpu()


class EvaluatorTask(Task):
    """The MNIST classifier behind the sample metrics; trained on real images only."""

    name = "evaluator"
    generates = False

    def __init__(self, config, device):
        super().__init__(config, device)
        self.model = DigitClassifier(config["channels"]).to(device)
        self.modules = {"model": self.model}
        self.optimizers = {"model": torch.optim.Adam(self.model.parameters(), lr=config["lr"])}

    def training_step(self, images, labels):
        logits = self.model(images)
        loss = F.cross_entropy(logits, labels)
        optimizer = self.optimizers["model"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return {"loss": loss.detach(), "accuracy": (logits.argmax(1) == labels).float().mean().detach()}


TASKS = {task.name: task for task in (VAETask, GANTask, DDPMTask, EvaluatorTask)}


def build_task(name: str, config: dict[str, Any], device: torch.device) -> Task:
    return TASKS[name](config, device)
