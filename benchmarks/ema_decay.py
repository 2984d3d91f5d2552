"""The weight average's decay, at the preset's own training length: which average should a model sample from?

    python benchmarks/ema_decay.py --model ddpm --preset cpu --seeds 0 1 --decays 0.99 0.995 0.998 0.999 \\
        --data-dir data --evaluator results/cpu/train/evaluator/checkpoint.pt \\
        --second-evaluator results/cpu/train/second_evaluator/checkpoint.pt --out benchmarks/ddpm_ema_decay_cpu.json

The decay changes nothing in training, so each seed trains the preset's recipe once, for the preset's epochs,
while keeping one moving average per decay (each warmed up as the preset's own is); every average, and the raw
weights, then draws --images samples from one fixed noise (the DDPM with --sampler), scored by both evaluators
against the 10,000 test images with bootstrap intervals. Prints a table and JSON.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from ablation import both_evaluators, draw_samples, real_data_floors, score_in_each, score_line, set_up, write_record
from budget_ablation import train_steps

from genreport.config import option
from genreport.tasks import build_task
from genreport.tasks.base import moving_average, warm_up_decay

TRAINED_NETWORK = {"ddpm": "model", "gan": "generator"}  # the module each model's average follows


def follower(averages: list, network: torch.nn.Module):
    """A step callback that moves every average towards `network`'s weights."""

    def follow() -> None:
        for average in averages:
            average.update_parameters(network)

    return follow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=list(TRAINED_NETWORK), default="ddpm")
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--decays", type=float, nargs="+", default=[0.99, 0.995, 0.998, 0.999])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--images", type=int, default=2000, help="samples scored per average")
    parser.add_argument("--sampler", default="dpm_solver:10", help="the DDPM's")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--evaluator", type=Path, required=True)
    parser.add_argument("--second-evaluator", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    setup = set_up(args)
    evaluators = both_evaluators(setup, args.second_evaluator, args.data_dir)
    config = setup.preset[args.model]
    warm_up = args.model == "gan" or option(args.model, config, "ema_warmup")
    steps = config["epochs"] * (len(setup.images) // config["batch_size"])
    images = setup.images.to(setup.device)
    record = {
        "machine": setup.machine,
        "model": args.model,
        "preset": args.preset,
        "steps": steps,
        "warm_up": warm_up,
        "images": args.images,
        "sampler": args.sampler if args.model == "ddpm" else None,
        "real_data_floor": real_data_floors(evaluators, setup.images),
        # A warmed-up average's decay grows with its updates: at these steps it ends below a larger setting.
        "final_decay": {
            f"decay {decay}": warm_up_decay(decay, steps - 1) if warm_up else decay for decay in args.decays
        },
        "averages": {},
    }
    print(f"{steps} steps; each average's decay at the end: {record['final_decay']}", flush=True)
    names = [f"decay {decay}" for decay in args.decays] + ["raw weights"]
    for seed in args.seeds:
        torch.manual_seed(seed)
        task = build_task(args.model, config, setup.device)
        network = getattr(task, TRAINED_NETWORK[args.model])
        averages = [moving_average(network, decay, warm_up) for decay in args.decays]
        seconds = train_steps(task, images, steps, config["batch_size"], seed, after_step=follower(averages, network))
        print(f"seed {seed}: {steps} steps in {seconds:.0f} s", flush=True)
        for name, average in zip(names, [*averages, None], strict=True):
            if average is not None:
                task.ema = average  # the task samples from its `ema`
            samples = draw_samples(task, args.images, seed, args.sampler, use_ema=average is not None)
            scores = score_in_each(evaluators, samples, seed)
            record["averages"].setdefault(name, {})[str(seed)] = scores
            print(f"seed {seed} {name:14s} {score_line(scores)}", flush=True)
            if args.out:
                write_record(record, args.out, quiet=True)
    write_record(record, args.out)


if __name__ == "__main__":
    main()
