"""Bootstrap intervals find a known difference, cover a known value at about their level, and the blur
measure ranks blurred real digits in blur order."""

from __future__ import annotations

import warnings

import pytest
import torch
from support import mnist_test_images

from genreport.measure.blur import blur_scores, blurred, calibration, equivalent_sigma
from genreport.measure.evaluation import fid_and_kid
from genreport.measure.intervals import fid, fid_interval, mean_interval
from genreport.report.claims import disjoint


def gaussian(count: int, dim: int, shift: float, seed: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(count, dim, generator=torch.Generator().manual_seed(seed)) * scale + shift


def test_the_fid_matches_torchmetrics():
    real, fake = gaussian(3000, 32, 0.0, 0), gaussian(500, 32, 0.3, 1, scale=1.2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = fid_and_kid(real, fake)["fid"]
    assert fid(real, fake) == pytest.approx(expected, rel=1e-5)


def test_fid_intervals_separate_a_known_difference_and_not_a_redraw():
    real = gaussian(4000, 16, 0.0, 0)
    near, far, redraw = gaussian(500, 16, 0.2, 1), gaussian(500, 16, 0.5, 2), gaussian(500, 16, 0.2, 3)
    sets = {"near": near, "far": far, "redraw": redraw}
    intervals = {name: fid_interval(real, s, seed=0, draws=100) for name, s in sets.items()}
    assert all(intervals[name][0] < fid(real, s) < intervals[name][1] for name, s in sets.items())
    assert disjoint(intervals["near"], intervals["far"])
    assert not disjoint(intervals["near"], intervals["redraw"])


def test_a_share_interval_covers_the_true_share_at_about_its_level():
    covered = 0
    for trial in range(200):
        draws = torch.rand(400, generator=torch.Generator().manual_seed(trial)) < 0.3
        low, high = mean_interval(draws.float(), seed=trial, draws=200)
        covered += low <= 0.3 <= high
    assert 0.90 <= covered / 200 <= 0.99


def test_a_fid_interval_covers_the_fid_another_draw_gives_at_about_its_level():
    real = gaussian(2000, 8, 0.0, 0)
    # What FID of 300 samples the model gives on average: the known value an interval should cover.
    expected = torch.tensor([fid(real, gaussian(300, 8, 0.3, 1000 + i)) for i in range(400)]).mean()
    intervals = [fid_interval(real, gaussian(300, 8, 0.3, trial), seed=trial, draws=100) for trial in range(80)]
    covered = sum(low <= expected <= high for low, high in intervals)
    assert 0.85 <= covered / 80 <= 1.0


def test_blurred_real_digits_rank_in_blur_order_and_read_as_their_blur():
    real = mnist_test_images(2000)
    if real is None:
        pytest.skip("no offline MNIST copy: set GENREPORT_MNIST_DIR")
    rows = calibration(real[:1000])
    assert [row["sigma"] for row in rows] == sorted(row["sigma"] for row in rows)
    widths = (0.4, 0.8, 1.2, 1.8)
    scores = blur_scores(real[:1000], {f"{s}": blurred(real[1000:], s) for s in widths}, seed=0)["sets"]
    measured = [scores[f"{s}"]["score"] for s in widths]
    assert measured == sorted(measured, reverse=True)
    for width in widths:
        assert scores[f"{width}"]["equivalent_sigma"] == pytest.approx(width, abs=0.15)
    assert equivalent_sigma(1.05, rows) == 0.0  # steeper than real digits: no blur


def test_a_measure_that_does_not_fall_with_the_blur_is_refused():
    flat = torch.full((10, 1, 28, 28), 0.5)  # no edges: no blur can flatten them
    with pytest.raises(ValueError, match="does not fall"):
        calibration(flat)
