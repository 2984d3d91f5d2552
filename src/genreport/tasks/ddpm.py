"""The DDPM task: a UNet noise (or velocity) predictor, its moving average, and sampling."""

from __future__ import annotations

import torch
from torch import nn

from ..config import with_recorded_defaults
from ..diffusion.process import GaussianDiffusion
from ..diffusion.sampler_settings import Sampler
from ..models.unet import UNet
from .base import Task, moving_average


class DDPMTask(Task):
    name = "ddpm"

    def __init__(self, config, device):
        # The recipe keys a preset leaves out are the textbook DDPM's; the config, and so the checkpoint, holds them.
        config = with_recorded_defaults(self.name, config)
        super().__init__(config, device)
        self.diffusion = GaussianDiffusion(
            config["timesteps"],
            config["beta_start"],
            config["beta_end"],
            schedule=config["schedule"],
            prediction=config["prediction"],
            loss_weighting=config["loss_weighting"],
            min_snr_gamma=config["min_snr_gamma"],
            timestep_density=config["timestep_density"],
        )
        self.model = UNet(
            config["channels"], tuple(config["channel_mults"]), config["attention"], config["upsample_to_finer"]
        ).to(device)
        # Samples come from an exponential moving average of the weights.
        self.ema = moving_average(self.model, config["ema_decay"], warm_up=config["ema_warmup"])
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
        return self.generate(noise, generator, sampler=self.sampler(self.option("snapshot_sampler")))

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
