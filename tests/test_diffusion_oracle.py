"""Our discrete-time DDPM steps against `diffusers`' schedulers on the same inputs (a test-only oracle;
the pipeline keeps its own process code). A fixed function stands in for the network."""

from __future__ import annotations

import math

import pytest
import torch

from genreport.diffusion.process import GaussianDiffusion
from genreport.diffusion.sampler_settings import Sampler

diffusers = pytest.importorskip("diffusers")
T = 1000
PREDICTION_TYPE = {"eps": "epsilon", "v": "v_prediction"}


def network(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Smooth in x and t, large enough that some x_0 predictions leave [-1, 1] and get clipped."""
    scale = t.float().view(-1, 1, 1, 1) / T
    return 0.8 * torch.tanh(3 * x) * scale + 0.3 * torch.sin(5 * x) * (1 - scale)


def start(seed: int = 0) -> torch.Tensor:
    return torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def run_scheduler(scheduler, x: torch.Tensor, **step_options) -> torch.Tensor:
    for t in scheduler.timesteps:
        output = network(x, torch.full((x.shape[0],), int(t)))
        x = scheduler.step(output, t, x, **step_options).prev_sample
    return x


def common(prediction: str) -> dict:
    return dict(
        num_train_timesteps=T,
        beta_start=1e-4,
        beta_end=0.02,
        beta_schedule="linear",
        prediction_type=PREDICTION_TYPE[prediction],
    )


@pytest.mark.parametrize("prediction", ["eps", "v"])
def test_ancestral_sampling_matches_ddpm_scheduler(prediction):
    scheduler = diffusers.DDPMScheduler(**common(prediction), clip_sample=True, variance_type="fixed_small")
    scheduler.set_timesteps(T)
    expected = run_scheduler(scheduler, start(), generator=torch.Generator().manual_seed(1))
    ours = GaussianDiffusion(T, prediction=prediction).p_sample_loop(network, start(), torch.Generator().manual_seed(1))
    torch.testing.assert_close(ours, expected, atol=2e-4, rtol=1e-4)


@pytest.mark.parametrize("prediction", ["eps", "v"])
def test_ddim_matches_ddim_scheduler(prediction):
    scheduler = diffusers.DDIMScheduler(
        **common(prediction), clip_sample=True, set_alpha_to_one=True, timestep_spacing="leading", steps_offset=0
    )
    scheduler.set_timesteps(10)
    expected = run_scheduler(scheduler, start(), eta=0.0, use_clipped_model_output=True)
    ours = GaussianDiffusion(T, prediction=prediction).ddim_sample_loop(
        network, start(), 10, timesteps=[int(t) for t in scheduler.timesteps]
    )
    torch.testing.assert_close(ours, expected, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("prediction", ["eps", "v"])
@pytest.mark.parametrize("steps", [2, 10, 25])
def test_dpm_solver_matches_the_multistep_dpm_solver_plus_plus_scheduler(prediction, steps):
    # Dynamic thresholding with a maximum of 1 is clipping x_0 to [-1, 1], as our solver does.
    scheduler = diffusers.DPMSolverMultistepScheduler(
        **common(prediction),
        algorithm_type="dpmsolver++",
        solver_order=2,
        solver_type="midpoint",
        thresholding=True,
        sample_max_value=1.0,
        lower_order_final=True,
        final_sigmas_type="zero",
        timestep_spacing="linspace",
    )
    scheduler.set_timesteps(steps)
    expected = run_scheduler(scheduler, start())
    ours = GaussianDiffusion(T, prediction=prediction).dpm_solver_sample_loop(
        network, start(), steps, timesteps=[int(t) for t in scheduler.timesteps]
    )
    torch.testing.assert_close(ours, expected, atol=1e-4, rtol=1e-4)


def test_cosine_schedule_matches_squaredcos_cap_v2():
    scheduler = diffusers.DDPMScheduler(num_train_timesteps=T, beta_schedule="squaredcos_cap_v2")
    ours = GaussianDiffusion(T, schedule="cosine").betas
    torch.testing.assert_close(ours.float(), scheduler.betas, atol=1e-6, rtol=1e-5)


def test_velocity_matches_the_scheduler():
    scheduler = diffusers.DDPMScheduler(**common("v"))
    x0, noise, t = start(0).clamp(-1, 1), start(1), torch.tensor([0, 10, 500, 999])
    torch.testing.assert_close(
        GaussianDiffusion(T, prediction="v").velocity(x0, t, noise),
        scheduler.get_velocity(x0, noise, t),
        atol=1e-5,
        rtol=1e-5,
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ancestral", Sampler("ancestral", T)),
        ("ddim:50", Sampler("ddim", 50)),
        ("dpm_solver:20", Sampler("dpm_solver", 20)),
        ("dpm_solver:10:logsnr", Sampler("dpm_solver", 10, "logsnr")),
        ("ddim:50:edm", Sampler("ddim", 50, "edm")),
        ("ddim:50:time", Sampler("ddim", 50)),
    ],
)
def test_sampler_settings_parse(text, expected):
    assert Sampler.parse(text, T) == expected


@pytest.mark.parametrize(
    "text", ["ddim", "ancestral:10", "heun:10", "dpm_solver:ten", "ddim:", "ddim:10:karras", "ancestral::edm"]
)
def test_bad_sampler_settings_are_refused(text):
    with pytest.raises(ValueError, match="ancestral, ddim:<steps> or dpm_solver:<steps>"):
        Sampler.parse(text, T)


@pytest.mark.parametrize("spacing", ["time", "logsnr", "edm"])
def test_every_spacing_runs_from_the_noise_to_the_image_in_distinct_decreasing_steps(spacing):
    diffusion = GaussianDiffusion(T, schedule="cosine")
    steps = diffusion.spaced_timesteps(10, spacing)
    assert steps[0] == T - 1 and steps[-1] == 0 and len(steps) == 10
    assert steps == sorted(set(steps), reverse=True)


def test_log_snr_spacing_takes_even_steps_in_log_snr_below_edms_largest_noise():
    diffusion = GaussianDiffusion(T, schedule="cosine")
    log_snr = diffusion.snr.log()
    steps = diffusion.spaced_timesteps(20, "logsnr")
    gaps = log_snr[steps[1:]].diff()
    # Every gap after the first is the same up to rounding to the nearest timestep (coarsest near t = 0,
    # where log-SNR moves fastest); the grid starts at sigma = 80, not at T - 1's sigma in the thousands.
    assert gaps[:-2].max() - gaps[:-2].min() < 0.15 * gaps.mean()
    assert log_snr[steps[1]].item() == pytest.approx(-2 * math.log(80) + gaps.mean().item(), abs=0.3)
    # EDM's spacing crowds the steps at low noise: its last gaps are shorter in sigma than its first.
    sigma = torch.exp(-0.5 * log_snr[diffusion.spaced_timesteps(20, "edm")])
    assert (sigma[1] - sigma[2]) > 10 * (sigma[-3] - sigma[-2])
