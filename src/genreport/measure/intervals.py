"""Bootstrap intervals for the sample metrics: how far a number could move under another draw of the samples.

Each interval is a percentile bootstrap (`DRAWS` resamples with replacement, seeded, so a rerun gives the
same interval). FID resamples the generated set against the fixed reference set (the 10,000 test
images, whose own noise is the smaller); because a resample holds repeated images, and FID is biased
upwards at small counts, its bootstrap values sit above the measured FID, so the FID interval is their
spread centred on the measured value. Precision resamples the generated images and recall the reference
images, each against the manifold the full other set spans (the neighbourhood radii held fixed); shares,
confidence and the blur measure resample images.
"""

from __future__ import annotations

import torch

from ..seeds import BOOTSTRAP_REFERENCE, stream_seed

LEVEL = 0.95
DRAWS = 200


def resamples(count: int, draws: int, seed: int) -> torch.Tensor:
    """`draws` rows of `count` indices drawn with replacement."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(count, (draws, count), generator=generator)


def percentile_interval(values: torch.Tensor, level: float = LEVEL) -> list[float]:
    """The central `level` share of bootstrap values, as [low, high]."""
    tail = (1 - level) / 2
    low, high = torch.quantile(values.double(), torch.tensor([tail, 1 - tail], dtype=torch.float64))
    return [float(low), float(high)]


def mean_interval(per_item: torch.Tensor, seed: int, draws: int = DRAWS, level: float = LEVEL) -> list[float]:
    """Interval of the mean of per-item values (an indicator gives a share); `per_item` is [N] or [N, K]
    (then one interval per column)."""
    values = per_item.double()
    means = torch.stack([values[rows].mean(dim=0) for rows in resamples(len(values), draws, seed)])
    if means.dim() == 1:
        return percentile_interval(means, level)
    return [percentile_interval(column, level) for column in means.T]


def ratio_interval(
    numerator: torch.Tensor, denominator: torch.Tensor, seed: int, draws: int = DRAWS, level: float = LEVEL
) -> list[float]:
    """Interval of mean(numerator) / mean(denominator), two independent sets each resampled."""
    top = torch.stack([numerator.double()[rows].mean() for rows in resamples(len(numerator), draws, seed)])
    rows_of_reference = resamples(len(denominator), draws, stream_seed(seed, BOOTSTRAP_REFERENCE))
    bottom = torch.stack([denominator.double()[rows].mean() for rows in rows_of_reference])
    return percentile_interval(top / bottom, level)


def gaussian_statistics(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    features = features.double()
    return features.mean(dim=0), torch.cov(features.T)


def frechet_distance(mean_a: torch.Tensor, cov_a: torch.Tensor, mean_b: torch.Tensor, cov_b: torch.Tensor) -> float:
    """The Fréchet distance between two Gaussians: |μa − μb|² + tr(Σa + Σb − 2 (Σa Σb)^½).

    The trace of the matrix square root is the sum of the square roots of the eigenvalues of Σa Σb,
    which are real and non-negative up to rounding (the product of two PSD matrices)."""
    eigenvalues = torch.linalg.eigvals(cov_a @ cov_b).real.clamp_min(0)
    return float((mean_a - mean_b).pow(2).sum() + cov_a.trace() + cov_b.trace() - 2 * eigenvalues.sqrt().sum())


def fid(real_features: torch.Tensor, fake_features: torch.Tensor) -> float:
    return frechet_distance(*gaussian_statistics(real_features), *gaussian_statistics(fake_features))


def fid_interval(
    real_features: torch.Tensor,
    fake_features: torch.Tensor,
    seed: int,
    draws: int = DRAWS,
    level: float = LEVEL,
    measured: float | None = None,
) -> list[float]:
    """Interval of the FID of the generated set against the fixed reference: the bootstrap spread, centred on
    the `measured` FID (computed here when not given)."""
    reference = gaussian_statistics(real_features)
    values = torch.tensor(
        [
            frechet_distance(*reference, *gaussian_statistics(fake_features[rows]))
            for rows in resamples(len(fake_features), draws, seed)
        ]
    )
    centre = fid(real_features, fake_features) if measured is None else measured
    low, high = percentile_interval(values - values.median(), level)
    return [centre + low, centre + high]
