"""The DDPM task: a UNet noise (or velocity) predictor, its moving average, and sampling."""

from __future__ import annotations

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from ..diffusion import GaussianDiffusion
from ..sampling import Sampler
from ..models.unet import UNet
from .base import Task


def warmed_up_ema(decay: float):
    """A moving average whose decay grows as (1 + n) / (10 + n) up to `decay` (n: updates so far), so it
    forgets the random initial weights within the first few hundred steps instead of the 1 / (1 - decay)
    it takes a fixed decay."""
    @torch.no_grad()
    def update(averaged: list[torch.Tensor], current: list[torch.Tensor], updates) -> None:
        steps = int(updates)
        torch._foreach_lerp_(averaged, current, 1.0 - min(decay, (1 + steps) / (10 + steps)))
    return update


class DDPMTask(Task):
    name = "ddpm"

    def __init__(self, config, device):
        super().__init__(config, device)
        # The recipe's process settings default to the textbook DDPM (Ho et al. 2020).
        self.diffusion = GaussianDiffusion(
            config["timesteps"], config["beta_start"], config["beta_end"], schedule=config.get("schedule", "linear"),
            prediction=config.get("prediction", "eps"), loss_weighting=config.get("loss_weighting", "uniform"),
            min_snr_gamma=config.get("min_snr_gamma", 5.0))
        self.model = UNet(config["channels"], tuple(config["channel_mults"]), config["attention"]).to(device)
        # Samples come from an exponential moving average of the weights.
        average = warmed_up_ema if config.get("ema_warmup", False) else get_ema_multi_avg_fn
        self.ema = AveragedModel(self.model, multi_avg_fn=average(config["ema_decay"]))
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
        # `snapshot_sampler` trades the all-steps sampler for a short deterministic one where T steps cost too much.
        return self.generate(noise, generator, sampler=self.sampler(self.config.get("snapshot_sampler", "ancestral")))

    def sampler(self, setting: str) -> Sampler:
        """A preset's sampler setting (`ancestral`, `ddim:<steps>`, `dpm_solver:<steps>`) for this process."""
        return Sampler.parse(setting, self.diffusion.timesteps)

    def predictor(self, network: nn.Module):
        """The noise predictor the diffusion process calls: `network` under the task's precision, fp32 out."""
        def predict(x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            with self.autocast():
                return network(x_t, t).float()
        return predict

    def noise(self, count, generator):
        return torch.randn(count, 1, 28, 28, generator=generator)

    @torch.no_grad()
    def generate(self, noise, generator=None, progress=False, sampler: Sampler | None = None, use_ema: bool = True):
        """Images from `noise` by `sampler` (default: ancestral sampling through all T steps).

        `use_ema=False` samples from the raw trained weights instead of their moving average.
        """
        network = self.ema.module if use_ema else self.model
        network.eval()
        x_T = noise.to(self.device)
        sampler = sampler or Sampler("ancestral", self.diffusion.timesteps)
        x0 = self.diffusion.sample(self.predictor(network), x_T, sampler, generator, progress)
        return ((x0 + 1) / 2).clamp(0, 1).cpu()
