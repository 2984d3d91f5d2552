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

    @torch.no_grad()
    def ddim_sample_loop(
        self,
        model: NoisePredictor,
        x_T: torch.Tensor,
        steps: int,
        progress: bool = False,
    ) -> torch.Tensor:
        """Deterministic DDIM sampling (Song et al. 2021, eta = 0) on `steps` evenly spaced timesteps."""
        timesteps = torch.linspace(self.timesteps - 1, 0, steps).round().long().tolist()
        alphas_cumprod = self.sqrt_alphas_cumprod.pow(2)
        x = x_T
        for index, t in enumerate(tqdm(timesteps, disable=not progress, desc="ddim", leave=False)):
            t_batch = torch.full((x.shape[0],), t, device=x.device, dtype=torch.long)
            eps = model(x, t_batch)
            x0 = self.predict_x0(x, t_batch, eps).clamp(-1.0, 1.0)
            if index == len(timesteps) - 1:
                return x0
            a_prev = alphas_cumprod[timesteps[index + 1]].float().item()
            # Re-derive eps from the clipped x0 so the step stays consistent with it.
            eps = (x - self._at(self.sqrt_alphas_cumprod, t_batch, x) * x0) / self._at(
                self.sqrt_one_minus_alphas_cumprod, t_batch, x)
            x = a_prev**0.5 * x0 + (1.0 - a_prev) ** 0.5 * eps
        return x

    # --- The variational bound (Ho et al. 2020, eq. 5) in nats per image. ---

    def prior_term(self, x0: torch.Tensor) -> torch.Tensor:
        """KL(q(x_T | x_0) || N(0, I)) per image."""
        t = torch.full((x0.shape[0],), self.timesteps - 1, device=x0.device, dtype=torch.long)
        mean = self._at(self.sqrt_alphas_cumprod, t, x0) * x0
        log_var = torch.log(self._at(self.sqrt_one_minus_alphas_cumprod, t, x0) ** 2)
        return normal_kl(mean, log_var, torch.zeros_like(mean), torch.zeros_like(mean)).flatten(1).sum(1)

    def timestep_term(self, model: NoisePredictor, x0: torch.Tensor, t: torch.Tensor,
                      noise: torch.Tensor) -> torch.Tensor:
        """Per image: the decoder's -log p(x_0 | x_1) where t == 0, else KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t))."""
        x_t = self.q_sample(x0, t, noise)
        x0_hat = self.predict_x0(x_t, t, model(x_t, t))
        coef_x0 = self._at(self.posterior_mean_coef_x0, t, x0)
        coef_xt = self._at(self.posterior_mean_coef_xt, t, x0)
        log_var = self._at(self.posterior_log_variance, t, x0)
        model_mean = coef_x0 * x0_hat + coef_xt * x_t
        true_mean = coef_x0 * x0 + coef_xt * x_t
        kl = normal_kl(true_mean, log_var, model_mean, log_var).flatten(1).sum(1)
        decoder = -discretized_gaussian_log_likelihood(x0, model_mean, 0.5 * log_var).flatten(1).sum(1)
        return torch.where(t == 0, decoder, kl)

    @torch.no_grad()
    def bound_estimate(self, model: NoisePredictor, x0: torch.Tensor, draws: int,
                       generator: torch.Generator) -> torch.Tensor:
        """Unbiased estimate of the negative bound (nats) per image from `draws` uniform timesteps.

        The sum over T terms is T times their mean, so T * (term at a uniform t) is unbiased.
        """
        total = self.prior_term(x0)
        estimate = torch.zeros_like(total)
        for _ in range(draws):
            t = torch.randint(0, self.timesteps, (x0.shape[0],), generator=generator).to(x0.device)
            noise = torch.randn(x0.shape, generator=generator).to(x0.device)
            estimate += self.timestep_term(model, x0, t, noise)
        return total + self.timesteps * estimate / draws


def normal_kl(mean1, log_var1, mean2, log_var2):
    """KL divergence between two diagonal Gaussians, elementwise, in nats."""
    return 0.5 * (-1.0 + log_var2 - log_var1 + torch.exp(log_var1 - log_var2)
                  + (mean1 - mean2) ** 2 * torch.exp(-log_var2))


def _standard_normal_cdf(x):
    return 0.5 * (1.0 + torch.erf(x / 2**0.5))


def discretized_gaussian_log_likelihood(x, mean, log_scale):
    """log P(x) for x on the 256 levels of [-1, 1], under a Gaussian integrated over each level's bin."""
    centered = x - mean
    inv_scale = torch.exp(-log_scale)
    cdf_plus = _standard_normal_cdf(inv_scale * (centered + 1.0 / 255.0))
    cdf_minus = _standard_normal_cdf(inv_scale * (centered - 1.0 / 255.0))
    log_cdf_plus = torch.log(cdf_plus.clamp(min=1e-12))
    log_one_minus_cdf_minus = torch.log((1.0 - cdf_minus).clamp(min=1e-12))
    log_bin = torch.log((cdf_plus - cdf_minus).clamp(min=1e-12))
    return torch.where(x < -0.999, log_cdf_plus, torch.where(x > 0.999, log_one_minus_cdf_minus, log_bin))
