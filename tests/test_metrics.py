"""The sample metrics and likelihood bounds behave as their definitions say."""

from __future__ import annotations

import math

import torch

from genreport.diffusion.process import GaussianDiffusion
from genreport.measure.evaluation import class_statistics, fid_and_kid, precision_recall, ranking_across_seeds
from genreport.measure.likelihood import binarize, vae_bounds
from genreport.models.vae import ConvVAE


def features(count=600, dim=16, shift=0.0, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(count, dim, generator=generator) + shift


def test_fid_of_a_set_against_itself_is_about_zero():
    real = features()
    scores = fid_and_kid(real, real.clone(), kid_subset_size=200)
    assert abs(scores["fid"]) < 1e-6
    # KID compares random subsets drawn separately from each side, so it is zero only within its spread.
    assert abs(scores["kid"]) < 3 * scores["kid_std"] + 1e-3


def test_noisier_set_scores_worse():
    real, clean = features(seed=0), features(seed=1)
    noisy = clean + 0.7 * features(seed=2)
    assert fid_and_kid(real, noisy, 200)["fid"] > fid_and_kid(real, clean, 200)["fid"]


def test_precision_and_recall_separate_quality_from_coverage():
    real = features(seed=0)
    same = precision_recall(real, features(seed=1))
    assert same["precision"] > 0.6 and same["recall"] > 0.6
    collapsed = features(seed=1)[:, :] * 0.1  # all fakes near the centre: precise, no coverage
    scores = precision_recall(real, collapsed)
    assert scores["precision"] > 0.9 and scores["recall"] < 0.3


def test_class_histogram_of_balanced_predictions_is_uniform():
    class Fixed(torch.nn.Module):
        def forward(self, x):
            labels = torch.arange(len(x)) % 10
            return torch.nn.functional.one_hot(labels, 10).float() * 20

    stats = class_statistics(Fixed(), torch.zeros(1000, 1, 28, 28))
    assert all(abs(share - 0.1) < 1e-6 for share in stats["class_shares"])
    assert stats["kl_from_uniform"] < 1e-6 and stats["mean_top_probability"] > 0.99


def test_class_shares_split_by_confidence():
    class SureOfSevensOnly(torch.nn.Module):
        # Even rows: a confident 7; odd rows: an unsure 1 (logits 1 against 0 elsewhere).
        def forward(self, x):
            logits = torch.zeros(len(x), 10)
            logits[0::2, 7] = 20.0
            logits[1::2, 1] = 1.0
            return logits

    stats = class_statistics(SureOfSevensOnly(), torch.zeros(100, 1, 28, 28))
    assert stats["confident_fraction"] == 0.5
    assert stats["class_shares_confident"][7] == 1.0 and stats["class_shares_unsure"][1] == 1.0
    assert abs(stats["class_shares"][7] - 0.5) < 1e-6


def test_importance_weighted_bound_is_at_least_the_elbo():
    torch.manual_seed(0)
    model = ConvVAE(latent_dim=4, channels=8)
    images = binarize(torch.rand(6, 1, 28, 28), torch.Generator().manual_seed(0))
    elbo, iwae = vae_bounds(model, images, samples=64, generator=torch.Generator().manual_seed(1))
    assert torch.all(iwae >= elbo - 1e-4)


def test_ddpm_bound_is_the_decoder_term_for_a_perfect_model_and_large_for_a_bad_one():
    process = GaussianDiffusion(1000)
    x0 = (torch.randint(0, 256, (4, 1, 28, 28)).float() / 255) * 2 - 1

    def oracle(x_t, t):
        a = process.sqrt_alphas_cumprod.float()[t].view(-1, 1, 1, 1)
        s = process.sqrt_one_minus_alphas_cumprod.float()[t].view(-1, 1, 1, 1)
        return (x_t - a * x0) / s

    bits = 784 * math.log(2)
    ranges = process.bound_ranges(8)
    good = process.bound_terms(oracle, x0, ranges, torch.Generator().manual_seed(0)) / bits
    bad = process.bound_terms(lambda x, t: torch.zeros_like(x), x0, ranges, torch.Generator().manual_seed(0)) / bits
    # A perfect model pays nothing for t >= 1; the decoder's bins (width 2/255 against its standard deviation
    # sqrt(beta_1) = 0.01) still cost it between one and two bits per dimension, as in Ho et al.
    assert good[:, 1:].max() < 0.01 and torch.all((good[:, 0] > 1) & (good[:, 0] < 2))
    assert bad.sum(1).min() > 8


def test_bound_ranges_cover_every_timestep_once_narrow_first():
    process = GaussianDiffusion(1000)
    ranges = process.bound_ranges(40)
    covered = [t for start, stop in ranges for t in range(start, stop)]
    assert covered == list(range(1, 1000))
    widths = [stop - start for start, stop in ranges]
    assert widths[0] == 1 and widths == sorted(widths) and len(ranges) <= 40
    assert process.bound_ranges(10_000) == [(t, t + 1) for t in range(1, 1000)]


def test_stratified_bound_is_unbiased_and_exact_with_one_step_ranges():
    process = GaussianDiffusion(50)
    x0 = (torch.randint(0, 256, (3, 1, 28, 28), generator=torch.Generator().manual_seed(1)).float() / 255) * 2 - 1

    def imperfect(x_t, t):  # a fixed wrong noise prediction, so every term is positive
        return 0.3 * x_t

    def full_sum(generator):
        return process.bound_terms(imperfect, x0, process.bound_ranges(10_000), generator).sum(1)

    exact = torch.stack([full_sum(torch.Generator().manual_seed(s)) for s in range(4)]).mean(0)
    coarse = process.bound_ranges(5)
    assert len(coarse) < 49
    estimates = torch.stack(
        [process.bound_terms(imperfect, x0, coarse, torch.Generator().manual_seed(s)).sum(1) for s in range(200)]
    )
    standard_error = estimates.std(0) / 200**0.5
    assert torch.all((estimates.mean(0) - exact).abs() < 4 * standard_error + 1e-3 * exact)


def test_ranking_across_seeds_flags_a_changed_order():
    agreeing = {"vae": {"0": 30.0, "1": 31.0}, "gan": {"0": 10.0, "1": 12.0}, "ddpm": {"0": 5.0, "1": 6.0}}
    assert ranking_across_seeds(agreeing) == {
        "order_by_seed": {"0": ["ddpm", "gan", "vae"], "1": ["ddpm", "gan", "vae"]},
        "consistent": True,
    }
    swapped = {**agreeing, "gan": {"0": 10.0, "1": 5.5}}
    assert ranking_across_seeds(swapped)["consistent"] is False
