"""Image grids and figure files."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torchvision.utils import make_grid, save_image  # noqa: E402

from ..store.files import write_png  # noqa: E402


def save_sample_grid(images: torch.Tensor, path: Path, nrow: int = 8) -> None:
    """Images in [0, 1], shape [N, 1, 28, 28], written as one PNG grid."""
    write_png(path, partial(save_image, images), nrow=nrow, padding=2, pad_value=1.0)


def grid_array(images: torch.Tensor, nrow: int) -> np.ndarray:
    return make_grid(images, nrow=nrow, padding=2, pad_value=1.0)[0].numpy()


def figure_of_sample_sets(sets: dict[str, torch.Tensor], nrow: int, title: str, path: Path, panel: float = 3.0):
    """One panel per entry of `sets` (images [N, 1, 28, 28] in [0, 1]), side by side at the same pixel scale."""
    fig, axes = plt.subplots(1, len(sets), figsize=(panel * len(sets), panel + 0.5))
    for axis, (label, images) in zip(np.atleast_1d(axes), sets.items(), strict=True):
        axis.imshow(grid_array(images, nrow=nrow), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axis.axis("off")
        axis.set_title(label, fontsize=9)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    write_png(path, fig.savefig, dpi=150, bbox_inches="tight")
    return fig


def figure_of_rows(rows: list[torch.Tensor], labels: list[str], title: str, path: Path, scale: float = 0.55):
    """One labelled row of images per entry of `rows` (each [N, 1, 28, 28]); saved as PNG."""
    columns = rows[0].shape[0]
    fig, axes = plt.subplots(len(rows), 1, figsize=(max(4.0, columns * scale), len(rows) * scale * 1.25 + 0.6))
    axes = np.atleast_1d(axes)
    for axis, row, label in zip(axes, rows, labels, strict=True):
        axis.imshow(grid_array(row, nrow=columns), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axis.set_xticks([])
        axis.set_yticks([])
        axis.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    write_png(path, fig.savefig, dpi=150, bbox_inches="tight")
    return fig


def figure_of_grid(images: torch.Tensor, nrow: int, title: str, path: Path, size: float = 6.0):
    """A square grid of samples with a title; saved as PNG."""
    fig, axis = plt.subplots(figsize=(size, size))
    axis.imshow(grid_array(images, nrow=nrow), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    axis.axis("off")
    axis.set_title(title, fontsize=11)
    fig.tight_layout()
    write_png(path, fig.savefig, dpi=150, bbox_inches="tight")
    return fig
