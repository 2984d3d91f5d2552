"""Where the DDPM's bound goes: its terms by timestep, and their running share of the whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..store.files import write_png  # noqa: E402


def plot_bound_terms(terms: list[dict[str, Any]], total_bits: float, path: Path):
    """Left: bits per dimension per timestep (each range's mean term), on log axes. Right: the share of
    the bound spent up to each timestep. The decoder term (t = 0) and the prior term are marked."""
    decoder, *ranges, prior = terms
    fig, (per_step_axis, share_axis) = plt.subplots(1, 2, figsize=(10, 4))
    starts = [term["t_start"] for term in ranges]
    per_step = [term["bits_per_dim"] / (term["t_stop"] - term["t_start"]) for term in ranges]
    per_step_axis.step(starts + [ranges[-1]["t_stop"]], per_step + per_step[-1:], where="post", color="tab:green")
    per_step_axis.set_xscale("log")
    per_step_axis.set_yscale("log")
    per_step_axis.set_xlabel("timestep t (log scale)")
    per_step_axis.set_ylabel("bits per dimension per timestep (log scale)")
    per_step_axis.set_title(f"decoder term at t = 0: {decoder['bits_per_dim']:.2f} bits/dim", fontsize=9)
    per_step_axis.grid(alpha=0.3, which="both")

    stops = [1] + [term["t_stop"] for term in ranges]
    spent, running = [], 0.0
    for term in [decoder, *ranges]:
        running += term["bits_per_dim"]
        spent.append(running / total_bits)
    share_axis.plot(stops, spent, "o-", markersize=3, color="tab:green")
    share_axis.set_xscale("log")
    share_axis.set_ylim(0, 1.02)
    share_axis.set_xlabel("timestep t (log scale)")
    share_axis.set_ylabel("share of the bound spent at timesteps < t")
    share_axis.set_title(f"prior term at t = T: {prior['bits_per_dim']:.2g} bits/dim", fontsize=9)
    share_axis.grid(alpha=0.3, which="both")
    fig.suptitle(f"DDPM bound on the test digits, {total_bits:.3f} bits/dim in all: where the bits go", fontsize=11)
    fig.tight_layout()
    write_png(path, fig.savefig, dpi=150, bbox_inches="tight")
    return fig
