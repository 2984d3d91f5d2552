"""The quality-against-compute figure: FID and evaluator confidence by training seconds, one curve per model."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FormatStrFormatter  # noqa: E402

from ..measure.quality_curves import Curve  # noqa: E402
from ..store.files import write_png  # noqa: E402

COLOURS = {"vae": "tab:blue", "gan": "tab:orange", "ddpm": "tab:green"}


def plot_quality_curves(curves: dict[str, Curve], budget_s: float, path: Path):
    """Two panels sharing a log time axis; each point is a sampled epoch, labelled with its number."""
    fig, (fid_axis, confidence_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for model, curve in curves.items():
        seconds = [point["train_seconds"] for point in curve]
        for axis, key in ((fid_axis, "fid"), (confidence_axis, "mean_top_probability")):
            values = [point[key] for point in curve]
            axis.plot(seconds, values, "o-", color=COLOURS.get(model), label=model.upper())
            for point, value in zip(curve, values, strict=True):
                axis.annotate(
                    str(point["epoch"]),
                    (point["train_seconds"], value),
                    textcoords="offset points",
                    xytext=(3, 4),
                    fontsize=7,
                    color=COLOURS.get(model),
                )
    for axis in (fid_axis, confidence_axis):
        axis.set_xscale("log")
        axis.set_xlabel("training seconds (log scale)")
        axis.axvline(budget_s, color="grey", linestyle="--", linewidth=1)
        axis.grid(alpha=0.3)
    fid_axis.text(
        budget_s,
        0.02,
        " common budget",
        transform=fid_axis.get_xaxis_transform(),
        va="bottom",
        fontsize=8,
        color="grey",
    )
    fid_axis.set_yscale("log")
    for formatter in (fid_axis.yaxis.set_major_formatter, fid_axis.yaxis.set_minor_formatter):
        formatter(FormatStrFormatter("%g"))
    fid_axis.set_ylabel("FID (log scale; lower is better)")
    confidence_axis.set_ylabel("mean top-class probability (higher is better)")
    fid_axis.legend()
    count = curves[next(iter(curves))][0].get("images")
    fig.suptitle(
        f"Sample quality against training time: {count} fixed-noise samples per point, numbers mark the epoch",
        fontsize=11,
    )
    fig.tight_layout()
    write_png(path, fig.savefig, dpi=150, bbox_inches="tight")
    return fig
