"""A DDPM recipe change at a preset's whole budget, against a run of that preset.

    python benchmarks/ddpm_full_budget.py --preset cpu --run results/cpu --data-dir data \\
        --set lr_schedule=warmup_cosine --set lr_warmup_steps=100 --precision fp32 \\
        --out benchmarks/ddpm_lr_schedule_full_cpu.json

Trains the preset's DDPM section with the --set changes through the train rule's own command
(same seed, epochs, snapshots), draws the evaluation samples through the sample rule's command,
and scores them and the per-epoch snapshots in the run's two evaluators exactly as that run scored
its own DDPM (`--run`: its metrics.json and experiments/curves.json), so the two columns differ only
by the change. --precision pins what `auto` chose in the run compared against.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import torch
import yaml
from ablation import write_record

from genreport.config import load_preset
from genreport.data import load_test_images, to_unit_float
from genreport.measure.evaluation import embed, score_image_set
from genreport.pipeline.settings import model_settings, sample_settings
from genreport.store.samples import load_samples
from genreport.tasks.loading import load_evaluator

EVALUATORS = ("evaluator", "second_evaluator")


def run_module(module: str, *arguments: str) -> None:
    subprocess.run([sys.executable, "-m", module, *arguments], check=True)


def scores(images: torch.Tensor, classifiers: dict, references: dict, seed: int) -> dict:
    return {
        name: {
            key: value
            for key, value in score_image_set(classifier, references[name], images, seed=seed).items()
            if key in ("fid", "mean_top_probability", "class_shares")
        }
        for name, classifier in classifiers.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--run", type=Path, required=True, help="the preset's run to compare against")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a change to the ddpm section (VALUE read as YAML)",
    )
    parser.add_argument("--precision", help="pin the DDPM's precision (what `auto` chose in --run)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message=".*will save all extracted features.*")

    preset = load_preset(args.preset)
    changes = {key: yaml.safe_load(value) for key, value in (item.split("=", 1) for item in args.set)}
    if args.precision:
        changes["precision"] = args.precision
    seed = preset["seed"]
    # The train and sample rules' own settings (pipeline/settings.py), the DDPM's section changed.
    train_settings = model_settings(preset, args.preset, "ddpm", section={**preset["ddpm"], **changes})
    samples_settings = sample_settings(preset, "ddpm")
    published = json.loads((args.run / "metrics.json").read_text())
    curve = json.loads((args.run / "experiments" / "curves.json").read_text())["curves"]["ddpm"]
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        run_module(
            "genreport.cli.train",
            "ddpm",
            "--settings",
            json.dumps(train_settings),
            "--out",
            str(out / "train"),
            "--data-dir",
            str(args.data_dir),
            "--threads",
            str(args.threads),
            "--no-progress",
        )
        run_module(
            "genreport.cli.sample",
            "--settings",
            json.dumps(samples_settings),
            "--checkpoint",
            str(out / "train" / "checkpoint.pt"),
            "--out",
            str(out / "ddpm.npz"),
            "--threads",
            str(args.threads),
        )
        trained = json.loads((out / "train" / "metrics.json").read_text())
        test = load_test_images(args.data_dir)
        classifiers = {
            name: load_evaluator(args.run / "train" / name / "checkpoint.pt", "cpu")
            for name in EVALUATORS
            if name in published
        }  # a run from before the second evaluator has one
        references = {name: embed(classifier, test) for name, classifier in classifiers.items()}
        final = scores(
            to_unit_float(torch.from_numpy(load_samples(out / "ddpm.npz", 4)["images"])), classifiers, references, seed
        )
        snapshots = {}
        for path in sorted((out / "train" / "samples").glob("epoch_*.npz")):
            images = to_unit_float(torch.from_numpy(load_samples(path, 4)["images"]))
            snapshots[int(path.stem.split("_")[1])] = scores(
                images, {"evaluator": classifiers["evaluator"]}, references, seed
            )["evaluator"]

    record = {
        "preset": args.preset,
        "changes": changes,
        "compared_with": str(args.run),
        "precision": trained["precision"],
        "train_seconds": trained["total_train_time_s"],
        "changed": {"final": final, "snapshots": snapshots},
        "run": {
            "final": {
                name: (published if name == "evaluator" else published[name])["sample_metrics"]["ddpm"]["fid"]
                for name in classifiers
            },
            "snapshots": {point["epoch"]: point["fid"] for point in curve},
        },
    }
    for name in classifiers:
        print(
            f"{name:17s} FID {record['run']['final'][name]:7.2f} in the run, {final[name]['fid']:7.2f} changed; "
            f"top-class p {final[name]['mean_top_probability']:.3f}",
            flush=True,
        )
    for epoch, point in snapshots.items():
        print(
            f"snapshot epoch {epoch}: FID {record['run']['snapshots'].get(epoch, float('nan')):7.1f} in the run, "
            f"{point['fid']:7.1f} changed",
            flush=True,
        )
    write_record(record, args.out)


if __name__ == "__main__":
    main()
