"""Train one model: `genreport-train vae --settings JSON --out results/cpu/train/vae`.

The workflow's training rules pass the settings they track: the model's preset section as
`model`, and the preset's `seed`, `device` and `train_subset`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from ..config import option, project_root
from ..data import load_split, to_unit_float
from ..environment import lock_state
from ..pipeline.sources import source_digest
from ..runtime import configure_threads, describe_device, seed_everything, select_device
from ..tasks import build_task
from ..training.loop import train
from ..vocabulary import EVALUATOR_TASK, MODELS
from .common import add_settings_arguments, reports_errors


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", choices=(*MODELS, EVALUATOR_TASK))
    add_settings_arguments(parser)
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--data-dir", default=Path("data"), type=Path)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (Snakemake's {threads})")
    parser.add_argument("--no-progress", action="store_true")
    return parser.parse_args(argv)


@reports_errors
def main(argv=None) -> None:
    args = parse_args(argv)

    settings = args.settings
    configure_threads(args.threads)
    device = select_device(settings["device"])
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    seed = settings["seed"]
    seed_everything(seed)
    images, labels = load_split(args.data_dir, train=True)
    if settings.get("train_subset"):
        images, labels = images[: settings["train_subset"]], labels[: settings["train_subset"]]
    config = settings["model"]
    task = build_task(args.model, config, device)
    # A resume state made by other code is not resumed: the weights would mix two versions of the network.
    code = source_digest("genreport.cli.train", type(task).__module__, src=Path(__file__).resolve().parents[2])
    train(
        task,
        to_unit_float(images),
        args.out,
        epochs=config["epochs"],
        batch_size=config["batch_size"],
        seed=seed,
        sample_epochs=option(args.model, config, "sample_epochs"),
        sample_count=option(args.model, config, "sample_images"),
        run_info={
            "preset": settings.get("preset"),
            "device": describe_device(device),
            "seed": seed,
            "torch": torch.__version__,
            "environment": lock_state(project_root()),
        },
        labels=labels if args.model == "evaluator" else None,
        progress=not args.no_progress,
        code_digest=code,
    )


if __name__ == "__main__":
    main()
