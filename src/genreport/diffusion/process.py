"""The DDPM process (Ho et al. 2020): schedule, forward noising, loss and reverse sampling.

It knows nothing about the network: `model(x_t, t)` is any callable that predicts the noise
(`prediction="eps"`) or the velocity v = sqrt(abar) * eps - sqrt(1 - abar) * x_0 (`"v"`,
Salimans & Ho 2022); every sampler and the bound work on the noise it implies. Time stays
discrete (T steps), so ancestral sampling and the variational bound are defined for every
schedule. Images live in [-1, 1].
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from .sampler_settings import Sampler

NoisePredictor = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

SCHEDULES = ("linear", "cosine")
PREDICTIONS = ("eps", "v")
LOSS_WEIGHTINGS = ("uniform", "min_snr")
TIMESTEP_DENSITIES = ("uniform", "logit_normal")


def beta_schedule(name: str, timesteps: int, beta_start: float, beta_end: float) -> torch.Tensor:
    """The T noise variances: linear from beta_start to beta_end (Ho et al.), or the cosine
    schedule of Nichol & Dhariwal 2021 (alphas_cumprod follows cos^2, betas capped at 0.999)."""
    if name == "linear":
        return torch.linspace(beta_start, beta_end, timesteps, dtype=torch.float64)
    if name == "cosine":
        offset = 0.008
        steps = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
        alphas_cumprod = torch.cos((steps + offset) / (1 + offset) * math.pi / 2) ** 2
        return (1 - alphas_cumprod[1:] / alphas_cumprod[:-1]).clamp(max=0.999)
    raise ValueError(f"unknown schedule {name!r}: choose one of {', '.join(SCHEDULES)}")


class GaussianDiffusion:
    def __init__(
        self,
        timesteps: int = 1000,
        beta_start: float = 1e-4,
        beta_end: float = 0.02,
        schedule: str = "linear",
        prediction: str = "eps",
        loss_weighting: str = "uniform",
        min_snr_gamma: float = 5.0,
        timestep_density: str = "uniform",
    ):
        if prediction not in PREDICTIONS or loss_weighting not in LOSS_WEIGHTINGS:
            raise ValueError(
                f"prediction {prediction!r} / loss weighting {loss_weighting!r}: choose from "
                f"{PREDICTIONS} / {LOSS_WEIGHTINGS}"
            )
        self.timesteps = timesteps
        self.prediction = prediction
        self.loss_weighting = loss_weighting
        self.min_snr_gamma = min_snr_gamma
        if timestep_density not in TIMESTEP_DENSITIES:
            raise ValueError(f"timestep density {timestep_density!r}: choose from {TIMESTEP_DENSITIES}")
        self.timestep_density = timestep_density
        betas = beta_schedule(schedule, timesteps, beta_start, beta_end)
        alphas = 1.0 - betas
        alphas_cumprod = torch.cumprod(alphas, dim=0)
        self.alphas_cumprod = alphas_cumprod
        self.snr = alphas_cumprod / (1.0 - alphas_cumprod)
        alphas_cumprod_prev = torch.cat([torch.ones(1, dtype=torch.float64), alphas_cumprod[:-1]])

        self.betas = betas
        self.sqrt_alphas_cumprod = alphas_cumprod.sqrt()
        self.sqrt_one_minus_alphas_cumprod = (1.0 - alphas_cumprod).sqrt()
        self.sqrt_recip_alphas_cumprod = (1.0 / alphas_cumprod).sqrt()
        self.sqrt_recipm1_alphas_cumprod = (1.0 / alphas_cumprod - 1.0).sqrt()
        # Posterior q(x_{t-1} | x_t, x_0): its variance and the two coefficients of its mean.
        self.posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
        self.posterior_log_variance = torch.log(torch.cat([self.posterior_variance[1:2], self.posterior_variance[1:]]))
        self.posterior_mean_coef_x0 = betas * alphas_cumprod_prev.sqrt() / (1.0 - alphas_cumprod)
        self.posterior_mean_coef_xt = (1.0 - alphas_cumprod_prev) * alphas.sqrt() / (1.0 - alphas_cumprod)

    @staticmethod
    def _at(values: torch.Tensor, t: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """values[t] as float32 on like's device, shaped to broadcast over images."""
        return values.to(like.device)[t].float().view(-1, *([1] * (like.dim() - 1)))

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Draw x_t ~ q(x_t | x_0) in closed form."""
        return (
            self._at(self.sqrt_alphas_cumprod, t, x0) * x0 + self._at(self.sqrt_one_minus_alphas_cumprod, t, x0) * noise
        )

    def training_loss(self, model: NoisePredictor, x0: torch.Tensor) -> torch.Tensor:
        """MSE between the network's output and its target (the noise, or v) at a uniform t, each
        image weighted by `loss_weighting`: uniform (Ho et al.'s simplified objective) or min-SNR-gamma
        (Hang et al. 2023: the weight min(SNR, gamma) / SNR on the noise, / (SNR + 1) on v)."""
        t = self.training_timesteps(x0.shape[0], x0.device)
        noise = torch.randn_like(x0)
        x_t = self.q_sample(x0, t, noise)
        target = noise if self.prediction == "eps" else self.velocity(x0, t, noise)
        output = model(x_t, t)
        if self.loss_weighting == "uniform":  # one reduction, as the textbook loss (and earlier runs) computed it
            return F.mse_loss(output, target)
        per_image = F.mse_loss(output, target, reduction="none").flatten(1).mean(1)
        return (self.loss_weight(t).to(per_image.device) * per_image).mean()

    def training_timesteps(self, count: int, device: torch.device) -> torch.Tensor:
        """t for each training image: uniform over the T steps, or logit-normal (t/T = sigmoid(N(0, 1)), as in
        rectified-flow training), which spends fewer steps at the extremes where little is left to learn."""
        if self.timestep_density == "uniform":
            return torch.randint(0, self.timesteps, (count,), device=device)
        fraction = torch.sigmoid(torch.randn(count, device=device))
        return (fraction * self.timesteps).long().clamp(0, self.timesteps - 1)

    def loss_weight(self, t: torch.Tensor) -> torch.Tensor:
        if self.loss_weighting == "uniform":
            return torch.ones(t.shape, dtype=torch.float32)
        snr = self.snr.to(t.device)[t]
        clipped = snr.clamp(max=self.min_snr_gamma)
        return (clipped / (snr if self.prediction == "eps" else snr + 1)).float()

    def velocity(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """v = sqrt(abar_t) * noise - sqrt(1 - abar_t) * x_0."""
        return (
            self._at(self.sqrt_alphas_cumprod, t, x0) * noise - self._at(self.sqrt_one_minus_alphas_cumprod, t, x0) * x0
        )

    def predict_eps(self, model: NoisePredictor, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """The noise the network's output implies: itself, or sqrt(1 - abar) x_t + sqrt(abar) v."""
        output = model(x_t, t)
        if self.prediction == "eps":
            return output
        return (
            self._at(self.sqrt_one_minus_alphas_cumprod, t, x_t) * x_t
            + self._at(self.sqrt_alphas_cumprod, t, x_t) * output
        )

    def predict_x0(self, x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        return (
            self._at(self.sqrt_recip_alphas_cumprod, t, x_t) * x_t
            - self._at(self.sqrt_recipm1_alphas_cumprod, t, x_t) * eps
        )

    @torch.no_grad()
    def p_sample(self, model: NoisePredictor, x_t: torch.Tensor, t: int, noise: torch.Tensor) -> torch.Tensor:
        """One ancestral step x_t -> x_{t-1}, with x_0 clipped to the data range."""
        t_batch = torch.full((x_t.shape[0],), t, device=x_t.device, dtype=torch.long)
        x0 = self.predict_x0(x_t, t_batch, self.predict_eps(model, x_t, t_batch)).clamp(-1.0, 1.0)
        mean = (
            self._at(self.posterior_mean_coef_x0, t_batch, x_t) * x0
            + self._at(self.posterior_mean_coef_xt, t_batch, x_t) * x_t
        )
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
        for t in tqdm(
            reversed(range(self.timesteps)), total=self.timesteps, disable=not progress, desc="sampling", leave=False
        ):
            noise = torch.randn(x.shape, generator=generator).to(x.device)
            x = self.p_sample(model, x, t, noise)
        return x

    def alpha_bar(self, t: int) -> float:
        """abar_t in float32, with abar_{-1} = 1: the clean image the last step of a short sampler lands on."""
        return 1.0 if t < 0 else self.alphas_cumprod[t].float().item()

    def spaced_timesteps(self, steps: int, spacing: str = "time") -> list[int]:
        """`steps` decreasing timesteps from T - 1 down to 0: evenly spaced in t (`time`), in log-SNR
        (`logsnr`), or in sigma^(1/7) (`edm`, sigma = sqrt((1 - abar) / abar)). The last two span sigma
        from sigma(0) up to EDM's sigma_max of 80 (the noisiest timesteps of a cosine schedule reach
        sigma in the thousands, where a step would be wasted); the first step stays at T - 1, where the
        noise starts, and each level is taken at its nearest timestep (a repeat is dropped)."""
        if spacing == "time":
            return torch.linspace(self.timesteps - 1, 0, steps).round().long().tolist()
        log_snr = torch.log(self.alphas_cumprod / (1.0 - self.alphas_cumprod)).cpu()  # decreasing in t
        lowest, highest = max(log_snr[-1].item(), -2.0 * math.log(80.0)), log_snr[0].item()
        if spacing == "logsnr":
            targets = torch.linspace(lowest, highest, steps, dtype=torch.float64)
        elif spacing == "edm":
            rho, ramp = 7.0, torch.linspace(0, 1, steps, dtype=torch.float64)
            sigma_max, sigma_min = math.exp(-0.5 * lowest), math.exp(-0.5 * highest)
            sigmas = (sigma_max ** (1 / rho) + ramp * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
            targets = -2.0 * torch.log(sigmas)
        else:
            raise ValueError(f"spacing {spacing!r}: choose time, logsnr or edm")
        nearest = (log_snr[None, :] - targets[:, None]).abs().argmin(dim=1).tolist()
        return list(dict.fromkeys([self.timesteps - 1, *nearest[1:]]))

    def clipped_x0_and_eps(self, model: NoisePredictor, x: torch.Tensor, t: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The network's x_0 clipped to the data range, and the noise re-derived from it so that a
        step stays consistent with the clipped x_0."""
        t_batch = torch.full((x.shape[0],), t, device=x.device, dtype=torch.long)
        x0 = self.predict_x0(x, t_batch, self.predict_eps(model, x, t_batch)).clamp(-1.0, 1.0)
        eps = (x - self._at(self.sqrt_alphas_cumprod, t_batch, x) * x0) / self._at(
            self.sqrt_one_minus_alphas_cumprod, t_batch, x
        )
        return x0, eps

    @torch.no_grad()
    def ddim_sample_loop(
        self,
        model: NoisePredictor,
        x_T: torch.Tensor,
        steps: int,
        progress: bool = False,
        timesteps: list[int] | None = None,
    ) -> torch.Tensor:
        """Deterministic DDIM sampling (Song et al. 2021, eta = 0) on `steps` evenly spaced timesteps
        (or the given decreasing `timesteps`), ending on the clean image."""
        timesteps = timesteps or self.spaced_timesteps(steps)
        x = x_T
        for index, t in enumerate(tqdm(timesteps, disable=not progress, desc="ddim", leave=False)):
            x0, eps = self.clipped_x0_and_eps(model, x, t)
            a_next = self.alpha_bar(timesteps[index + 1] if index + 1 < len(timesteps) else -1)
            x = a_next**0.5 * x0 + (1.0 - a_next) ** 0.5 * eps
        return x

    @torch.no_grad()
    def dpm_solver_sample_loop(
        self,
        model: NoisePredictor,
        x_T: torch.Tensor,
        steps: int,
        progress: bool = False,
        timesteps: list[int] | None = None,
    ) -> torch.Tensor:
        """DPM-Solver++(2M) (Lu et al. 2022): a second-order multistep solver of the probability-flow
        ODE in log-SNR time on the clipped x_0 predictions, from `steps` evenly spaced timesteps (or
        the given decreasing `timesteps`); the last step, to the clean image, is first order."""
        timesteps = timesteps or self.spaced_timesteps(steps)

        def alpha_sigma_lambda(t: int) -> tuple[float, float, float]:
            a = self.alpha_bar(t)
            alpha, sigma = a**0.5, (1.0 - a) ** 0.5
            return alpha, sigma, (math.log(alpha / sigma) if sigma > 0 else math.inf)

        x, previous = x_T, None  # previous: the x_0 prediction and the step size of the step before
        for index, t in enumerate(tqdm(timesteps, disable=not progress, desc="dpm-solver++", leave=False)):
            x0, _ = self.clipped_x0_and_eps(model, x, t)
            t_next = timesteps[index + 1] if index + 1 < len(timesteps) else -1
            if t_next < 0:
                return x0
            _, sigma_t, lambda_t = alpha_sigma_lambda(t)
            alpha_s, sigma_s, lambda_s = alpha_sigma_lambda(t_next)
            h = lambda_s - lambda_t
            direction = x0
            if previous is not None:
                previous_x0, previous_h = previous
                direction = x0 + 0.5 * (h / previous_h) * (x0 - previous_x0)
            x = (sigma_s / sigma_t) * x - alpha_s * math.expm1(-h) * direction
            previous = (x0, h)
        return x

    @torch.no_grad()
    def sample(
        self,
        model: NoisePredictor,
        x_T: torch.Tensor,
        sampler: Sampler,
        generator: torch.Generator | None = None,
        progress: bool = False,
    ) -> torch.Tensor:
        """x_0 in [-1, 1] from x_T by `sampler` (`generator`: the ancestral steps' noise)."""
        if sampler.method == "ancestral":
            return self.p_sample_loop(model, x_T, generator, progress)
        loop = self.ddim_sample_loop if sampler.method == "ddim" else self.dpm_solver_sample_loop
        return loop(model, x_T, sampler.steps, progress, self.spaced_timesteps(sampler.steps, sampler.spacing))

    # --- The variational bound (Ho et al. 2020, eq. 5) in nats per image. ---

    def prior_term(self, x0: torch.Tensor) -> torch.Tensor:
        """KL(q(x_T | x_0) || N(0, I)) per image."""
        t = torch.full((x0.shape[0],), self.timesteps - 1, device=x0.device, dtype=torch.long)
        mean = self._at(self.sqrt_alphas_cumprod, t, x0) * x0
        log_var = torch.log(self._at(self.sqrt_one_minus_alphas_cumprod, t, x0) ** 2)
        return normal_kl(mean, log_var, torch.zeros_like(mean), torch.zeros_like(mean)).flatten(1).sum(1)

    def timestep_term(
        self, model: NoisePredictor, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor
    ) -> torch.Tensor:
        """Per image: the decoder's -log p(x_0 | x_1) where t == 0, else KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t))."""
        x_t = self.q_sample(x0, t, noise)
        x0_hat = self.predict_x0(x_t, t, self.predict_eps(model, x_t, t))
        coef_x0 = self._at(self.posterior_mean_coef_x0, t, x0)
        coef_xt = self._at(self.posterior_mean_coef_xt, t, x0)
        log_var = self._at(self.posterior_log_variance, t, x0)
        model_mean = coef_x0 * x0_hat + coef_xt * x_t
        true_mean = coef_x0 * x0 + coef_xt * x_t
        kl = normal_kl(true_mean, log_var, model_mean, log_var).flatten(1).sum(1)
        decoder = -discretized_gaussian_log_likelihood(x0, model_mean, 0.5 * log_var).flatten(1).sum(1)
        return torch.where(t == 0, decoder, kl)

    def bound_ranges(self, count: int) -> list[tuple[int, int]]:
        """At most `count` ranges [start, stop) covering t = 1 .. T-1, log-spaced: one timestep wide where
        the terms change fastest (small t), wide where they are small and smooth."""
        edges = torch.logspace(0, math.log10(self.timesteps), count + 1, dtype=torch.float64).round().long()
        edges = torch.unique(edges.clamp(1, self.timesteps)).tolist()
        return list(itertools.pairwise(edges))

    @torch.no_grad()
    def bound_terms(
        self, model: NoisePredictor, x0: torch.Tensor, ranges: list[tuple[int, int]], generator: torch.Generator
    ) -> torch.Tensor:
        """The negative bound's terms per image in nats, [N, len(ranges) + 2]: the decoder term (t = 0), each
        range's sum estimated as its width times the term at one uniform t in it (stratified sampling:
        unbiased, and exact in t for one-step ranges), and the prior term. Their sum is the negative bound."""
        n = x0.shape[0]
        columns = [
            self.timestep_term(
                model,
                x0,
                torch.zeros(n, dtype=torch.long, device=x0.device),
                torch.randn(x0.shape, generator=generator).to(x0.device),
            )
        ]
        for start, stop in ranges:
            t = torch.randint(start, stop, (n,), generator=generator).to(x0.device)
            noise = torch.randn(x0.shape, generator=generator).to(x0.device)
            columns.append((stop - start) * self.timestep_term(model, x0, t, noise))
        columns.append(self.prior_term(x0))
        return torch.stack(columns, dim=1)


def normal_kl(mean1, log_var1, mean2, log_var2):
    """KL divergence between two diagonal Gaussians, elementwise, in nats."""
    return 0.5 * (
        -1.0 + log_var2 - log_var1 + torch.exp(log_var1 - log_var2) + (mean1 - mean2) ** 2 * torch.exp(-log_var2)
    )


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
