"""A blur measure calibrated on real digits: how steep a digit's edges are, and the Gaussian blur that matches it.

Edge steepness is an image's 98th-percentile Sobel gradient magnitude: the slope of its sharpest edges,
which a blur flattens whatever the amount of ink (a mean gradient is not: a thick, soft stroke has as
much edge in total as a thin, sharp one). A set scores the mean over its images divided by the real
test digits' mean. Calibration blurs the test digits with Gaussian kernels of known widths; the measure
must fall with every wider kernel, and a model's score then reads as the blur width that takes real
digits to the same score ("as blurry as real digits under a σ = 0.8 px blur"). A score above 1 is
steeper than real digits: speckle or noise, not sharpness.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torchvision.transforms.functional import gaussian_blur

from .analysis import sobel_magnitude
from .intervals import ratio_interval

QUANTILE = 0.98
CALIBRATION_SIGMAS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)  # pixels


def edge_steepness(images: torch.Tensor) -> torch.Tensor:
    """Each image's edge steepness: the `QUANTILE` quantile of its Sobel gradient magnitude ([N, 1, H, W] in [0, 1])."""
    return sobel_magnitude(images).flatten(1).quantile(QUANTILE, dim=1)


def blurred(images: torch.Tensor, sigma: float) -> torch.Tensor:
    size = 2 * int(round(3 * sigma)) + 1
    return gaussian_blur(images, kernel_size=size, sigma=sigma)


def calibration(real: torch.Tensor) -> list[dict[str, float]]:
    """The measure of real digits blurred by each calibration width, relative to the unblurred digits."""
    reference = edge_steepness(real).mean()
    rows = [{"sigma": 0.0, "score": 1.0}]
    rows += [
        {"sigma": s, "score": float(edge_steepness(blurred(real, s)).mean() / reference)} for s in CALIBRATION_SIGMAS
    ]
    scores = [row["score"] for row in rows]
    falls = all(later < earlier for earlier, later in zip(scores, scores[1:], strict=False))
    if not (all(map(math.isfinite, scores)) and falls):
        raise ValueError(f"the blur measure does not fall with the blur width on real digits: {scores}")
    return rows


def equivalent_sigma(score: float, rows: list[dict[str, float]]) -> float | None:
    """The blur width that takes real digits to `score`, by linear interpolation in the calibration; 0 for a
    score at or above real digits', None below the widest calibrated blur."""
    if score >= 1.0:
        return 0.0
    for upper, lower in zip(rows, rows[1:], strict=False):
        if lower["score"] <= score <= upper["score"]:
            share = (upper["score"] - score) / (upper["score"] - lower["score"])
            return upper["sigma"] + share * (lower["sigma"] - upper["sigma"])
    return None


CALIBRATION_IMAGES = 2000


def blur_scores(real: torch.Tensor, image_sets: dict[str, torch.Tensor], seed: int) -> dict[str, Any]:
    """Each set's edge steepness relative to the real digits (`real`, the test set), its interval and the
    equivalent blur width, calibrated on the first `CALIBRATION_IMAGES` of them."""
    rows = calibration(real[:CALIBRATION_IMAGES])
    real_steepness = edge_steepness(real)
    sets = {}
    for name, images in image_sets.items():
        steepness = edge_steepness(images)
        score = float(steepness.mean() / real_steepness.mean())
        interval = ratio_interval(steepness, real_steepness, seed)
        sets[name] = {
            "images": len(images),
            "score": score,
            "interval": interval,
            "equivalent_sigma": equivalent_sigma(score, rows),
            # the widths at the interval's ends (the higher score is the narrower blur)
            "equivalent_sigma_interval": [equivalent_sigma(interval[1], rows), equivalent_sigma(interval[0], rows)],
        }
    return {
        "measure": f"{QUANTILE:.0%} quantile of the Sobel gradient magnitude, over real test digits'",
        "reference_images": len(real),
        "calibration_images": min(len(real), CALIBRATION_IMAGES),
        "calibration": rows,
        "sets": sets,
    }
