"""The DDPM process (Ho et al. 2020): schedule, forward noising, loss and reverse sampling.

It knows nothing about the network: `model(x_t, t)` is any callable that predicts the
noise. Images live in [-1, 1].
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

NoisePredictor = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class GaussianDiffusion:
    def __init__(self, timesteps: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02):
        self.timesteps = timesteps
        betas = torch.linspace(beta_start, beta_end, timesteps, dtype=torch.float64)
        alphas = 1.0 - betas
        alphas_cumprod = torch.cumprod(alphas, dim=0)
        alphas_cumprod_prev = torch.cat([torch.ones(1, dtype=torch.float64), alphas_cumprod[:-1]])

        self.betas = betas
        self.sqrt_alphas_cumprod = alphas_cumprod.sqrt()
        self.sqrt_one_minus_alphas_cumprod = (1.0 - alphas_cumprod).sqrt()
        self.sqrt_recip_alphas_cumprod = (1.0 / alphas_cumprod).sqrt()
        self.sqrt_recipm1_alphas_cumprod = (1.0 / alphas_cumprod - 1.0).sqrt()
        # Posterior q(x_{t-1} | x_t, x_0): its variance and the two coefficients of its mean.
        self.posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
        self.posterior_log_variance = torch.log(
            torch.cat([self.posterior_variance[1:2], self.posterior_variance[1:]])
        )
        self.posterior_mean_coef_x0 = betas * alphas_cumprod_prev.sqrt() / (1.0 - alphas_cumprod)
        self.posterior_mean_coef_xt = (1.0 - alphas_cumprod_prev) * alphas.sqrt() / (1.0 - alphas_cumprod)

    @staticmethod
    def _at(values: torch.Tensor, t: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """values[t] as float32 on like's device, shaped to broadcast over images."""
        return values.to(like.device)[t].float().view(-1, *([1] * (like.dim() - 1)))

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Draw x_t ~ q(x_t | x_0) in closed form."""
        return self._at(self.sqrt_alphas_cumprod, t, x0) * x0 + self._at(
            self.sqrt_one_minus_alphas_cumprod, t, x0
        ) * noise

    def training_loss(self, model: NoisePredictor, x0: torch.Tensor) -> torch.Tensor:
        """The simplified objective: MSE between the true and the predicted noise."""
        t = torch.randint(0, self.timesteps, (x0.shape[0],), device=x0.device)
        noise = torch.randn_like(x0)
        return F.mse_loss(model(self.q_sample(x0, t, noise), t), noise)

    def predict_x0(self, x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        return self._at(self.sqrt_recip_alphas_cumprod, t, x_t) * x_t - self._at(
            self.sqrt_recipm1_alphas_cumprod, t, x_t
        ) * eps

    @torch.no_grad()
    def p_sample(self, model: NoisePredictor, x_t: torch.Tensor, t: int, noise: torch.Tensor) -> torch.Tensor:
        """One ancestral step x_t -> x_{t-1}, with x_0 clipped to the data range."""
        t_batch = torch.full((x_t.shape[0],), t, device=x_t.device, dtype=torch.long)
        x0 = self.predict_x0(x_t, t_batch, model(x_t, t_batch)).clamp(-1.0, 1.0)
        mean = self._at(self.posterior_mean_coef_x0, t_batch, x_t) * x0 + self._at(
            self.posterior_mean_coef_xt, t_batch, x_t
        ) * x_t
        if t == 0:
            return mean
        return mean + (0.5 * self._at(self.posterior_log_variance, t_batch, x_t)).exp() * noise

    @torch.no_grad()
    def p_sample_loop(
        self,
        model: NoisePredictor,
        x_T: torch.Tensor,
        generator: torch.Generator | None = None,
        progress: bool = False,
    ) -> torch.Tensor:
        """Ancestral sampling from x_T through all T steps; returns x_0 in [-1, 1].

        Step noise is drawn on the CPU from `generator`, so a seed gives the same samples
        on any device.
        """
        x = x_T
        for t in tqdm(reversed(range(self.timesteps)), total=self.timesteps, disable=not progress,
                      desc="sampling", leave=False):
            noise = torch.randn(x.shape, generator=generator).to(x.device)
            x = self.p_sample(model, x, t, noise)
        return x
