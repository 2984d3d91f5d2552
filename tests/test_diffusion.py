"""The diffusion process on its own, with oracle noise predictors instead of a network."""

from __future__ import annotations

import torch

from genreport.diffusion.process import GaussianDiffusion


def test_schedule_matches_the_spec():
    process = GaussianDiffusion(1000, 1e-4, 0.02)
    assert process.betas[0].item() == 1e-4
    assert abs(process.betas[-1].item() - 0.02) < 1e-12
    # At t = T the signal is almost gone: sqrt(alpha_bar_T) is tiny.
    assert process.sqrt_alphas_cumprod[-1].item() < 0.01


def test_forward_noising_has_the_closed_form_moments():
    process = GaussianDiffusion(1000)
    x0 = torch.full((20000, 1, 1, 1), 0.7)
    t = torch.full((20000,), 300)
    x_t = process.q_sample(x0, t, torch.randn_like(x0))
    expected_mean = 0.7 * process.sqrt_alphas_cumprod[300].item()
    expected_std = process.sqrt_one_minus_alphas_cumprod[300].item()
    assert abs(x_t.mean().item() - expected_mean) < 0.02
    assert abs(x_t.std().item() - expected_std) < 0.02


def test_reverse_loop_with_an_oracle_recovers_a_point_mass():
    """If the data is one image c, the ideal noise prediction is known exactly; sampling must return c."""
    process = GaussianDiffusion(100, 1e-4, 0.2)
    c = torch.linspace(-0.9, 0.9, 28 * 28).view(1, 1, 28, 28)

    def oracle(x_t, t):
        a = process.sqrt_alphas_cumprod.float()[t].view(-1, 1, 1, 1)
        s = process.sqrt_one_minus_alphas_cumprod.float()[t].view(-1, 1, 1, 1)
        return (x_t - a * c) / s

    x_T = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    samples = process.p_sample_loop(oracle, x_T, torch.Generator().manual_seed(1))
    assert torch.allclose(samples, c.expand_as(samples), atol=1e-3)


def test_wrong_noise_prediction_does_not_recover_the_data():
    process = GaussianDiffusion(100, 1e-4, 0.2)
    c = torch.full((1, 1, 28, 28), 0.5)
    x_T = torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    samples = process.p_sample_loop(lambda x, t: torch.zeros_like(x), x_T, torch.Generator().manual_seed(1))
    assert not torch.allclose(samples, c.expand_as(samples), atol=1e-2)


def test_textbook_loss_is_the_plain_noise_mse():
    """Uniform weighting reduces exactly as Ho et al.'s simplified objective, so classic runs repeat bit for bit."""
    process = GaussianDiffusion(1000)

    def network(x, t):
        return torch.tanh(x) * 0.3 + t.float().view(-1, 1, 1, 1) / 5000

    x0 = torch.rand(8, 1, 28, 28) * 2 - 1
    torch.manual_seed(3)
    loss = process.training_loss(network, x0)
    torch.manual_seed(3)
    t = torch.randint(0, 1000, (8,))
    noise = torch.randn_like(x0)
    expected = torch.nn.functional.mse_loss(network(process.q_sample(x0, t, noise), t), noise)
    assert torch.equal(loss, expected)


def test_logit_normal_training_steps_stay_in_range_and_spend_less_time_at_the_extremes():
    torch.manual_seed(0)
    uniform = GaussianDiffusion(1000, schedule="cosine").training_timesteps(20000, torch.device("cpu"))
    logit_normal = GaussianDiffusion(1000, schedule="cosine", timestep_density="logit_normal").training_timesteps(
        20000, torch.device("cpu")
    )
    assert logit_normal.min() >= 0 and logit_normal.max() <= 999 and logit_normal.dtype == torch.long

    def extremes(t):
        return float(((t < 100) | (t >= 900)).float().mean())

    assert abs(extremes(uniform) - 0.2) < 0.02
    assert extremes(logit_normal) < 0.05  # sigmoid(N(0, 1)) beyond 0.1 or 0.9: about 3 % of draws
    assert abs(float(logit_normal.float().mean()) - 499.5) < 10
