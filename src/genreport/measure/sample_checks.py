"""A sample set checked before its metrics judge it: blank images, near-copies of one another (a collapsed
generator), and copies of training images (a memorized, or substituted, set).

Distances are root-mean-square pixel differences in [0, 1]. The limits sit far below what real digits
show: among real test digits no image is within COPY_RMS of another or of a training image (the tests check
this on MNIST), so a set that crosses a share limit is not a set of drawn digits.
"""

from __future__ import annotations

from typing import Any

import torch

BLANK_INK = 0.1  # an image whose brightest pixel is below this holds no stroke
COPY_RMS = 0.02  # two images this close differ by rounding only (a uint8 step is 0.004)
SHARE_LIMIT = 0.05  # a set with more than this share of blank, duplicated or copied images fails


def nearest_rms(
    images: torch.Tensor, others: torch.Tensor, exclude_self: bool = False, chunk: int = 1024
) -> torch.Tensor:
    """Each image's RMS pixel distance to its nearest image among `others` (both [N, 1, 28, 28] in [0, 1])."""
    flat, pool = images.flatten(1).double(), others.flatten(1).double()
    pool_norms = (pool * pool).sum(1)
    nearest = []
    for start in range(0, len(flat), chunk):
        rows = flat[start : start + chunk]
        squared = (rows * rows).sum(1, keepdim=True) - 2 * rows @ pool.T + pool_norms
        if exclude_self:
            squared[torch.arange(len(rows)), torch.arange(start, start + len(rows))] = float("inf")
        nearest.append(squared.clamp_min(0).min(1).values)
    return (torch.cat(nearest) / flat.shape[1]).sqrt().float()


def check_sample_set(images: torch.Tensor, training: torch.Tensor) -> dict[str, Any]:
    """The shares of blank images, of images with a near-copy in the set, and of near-copies of a training
    image; `passed` when each stays within SHARE_LIMIT, and which failed."""
    shares = {
        "blank": float((images.flatten(1).amax(1) < BLANK_INK).float().mean()),
        "duplicated": float((nearest_rms(images, images, exclude_self=True) < COPY_RMS).float().mean()),
        "copied_from_training": float((nearest_rms(images, training) < COPY_RMS).float().mean()),
    }
    failed = [name for name, share in shares.items() if share > SHARE_LIMIT]
    return {"shares": shares, "limit": SHARE_LIMIT, "copy_rms": COPY_RMS, "passed": not failed, "failed": failed}
