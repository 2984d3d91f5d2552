"""Quality against training time for two published runs: an older recipe against a newer one, model by model.

    python benchmarks/recipe_curves.py --old 4a354b5 --new HEAD --out benchmarks/quality_vs_compute_recipes.png

Reads each commit's published report/experiments/curves.json (every sampled epoch's FID of 500 fixed-noise
snapshots against the test images, with the training seconds so far) and report/metrics.json (the evaluator's
FID of 10,000 training images: its real-data floor) straight from git, and plots FID / floor against training
seconds, so the two runs' evaluators are read on one scale. Each run's seconds are its own machine's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import NullFormatter, ScalarFormatter  # noqa: E402

from genreport.vocabulary import MODELS  # noqa: E402

TICKS = (20, 30, 50, 100, 200, 300, 500, 1000, 2000)  # labelled on both log axes where the data reach


def published(commit: str, path: str) -> dict:
    text = subprocess.run(["git", "show", f"{commit}:{path}"], capture_output=True, text=True, check=True).stdout
    return json.loads(text)


def run_curves(commit: str) -> dict:
    """Each model's (training seconds, FID / floor) points, the floor, the run's preset and its commit."""
    curves = published(commit, "report/experiments/curves.json")["curves"]
    metrics = published(commit, "report/metrics.json")
    manifest = published(commit, "report/manifest.json")
    floor = metrics["sample_metrics"]["real (training images)"]["fid"]
    return {
        "floor": floor,
        "label": f"{manifest['preset']} run of {manifest['git']['commit'][:7]}",
        "models": {
            model: [(point["train_seconds"], point["fid"] / floor, point["epoch"]) for point in curves[model]]
            for model in MODELS
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", required=True, help="the commit that published the older run")
    parser.add_argument("--new", default="HEAD", help="the commit that published the newer run")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    runs = {"old recipe": run_curves(args.old), "new recipe": run_curves(args.new)}

    figure, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True)
    for axis, model in zip(axes, MODELS, strict=True):
        for (name, run), style in zip(runs.items(), ("--o", "-o"), strict=True):
            seconds, ratio, epochs = zip(*run["models"][model], strict=True)
            axis.plot(seconds, ratio, style, label=f"{name} ({run['label']}, floor {run['floor']:.2f})")
            axis.annotate(f"{epochs[-1]} ep.", (seconds[-1], ratio[-1]), textcoords="offset points", xytext=(4, 4))
            print(f"{model} {name}: " + ", ".join(f"{s:.0f} s {r:.0f}x" for s, r, _ in run["models"][model]))
        axis.set_title(model.upper())
        axis.set_xlabel("training seconds (each run's own machine)")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.grid(True, which="both", alpha=0.3)
        low, high = axis.get_xlim()
        axis.set_xticks([tick for tick in TICKS if low <= tick <= high])
        for scale in (axis.xaxis, axis.yaxis):
            scale.set_major_formatter(ScalarFormatter())
            scale.set_minor_formatter(NullFormatter())
    low, high = axes[0].get_ylim()
    axes[0].set_yticks([tick for tick in TICKS if low <= tick <= high])
    axes[0].set_ylabel("FID / real-data floor (500 snapshots)")
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=2, fontsize=8)
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    figure.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
