"""A model's recipe at a fixed wall-time budget: the DDPM's FLOP allocation, batch size and training t; the
GAN's width, batch size and generator average.

    python benchmarks/budget_ablation.py --model ddpm --preset cpu --budget-seconds 420 --seeds 0 1 \\
        --data-dir data --evaluator results/cpu/train/evaluator/checkpoint.pt \\
        --second-evaluator results/cpu/train/second_evaluator/checkpoint.pt --out benchmarks/ddpm_budget_cpu.json

Each variant changes the preset's model section in the respects its row names. Its seconds per training step are timed
first, every variant in turn on a quiet machine (--probe-steps after a warm-up, the median of --probe-repeats),
and it then trains for as many steps as fit in --budget-seconds, from each seed: so the comparison is at equal
wall time while the training itself, counted in steps, does not depend on what else the machine runs. Each
trained model draws --images samples from one fixed noise with --sampler, scored by both evaluators against
the 10,000 test images with bootstrap intervals. Prints a table and JSON.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch
from ablation import both_evaluators, draw_samples, real_data_floors, score_in_each, score_line, set_up, write_record

from genreport.store.checkpoint import save_checkpoint
from genreport.tasks import build_task

OLD_DDPM = {"channels": 32, "channel_mults": [1, 2, 2], "upsample_to_finer": False, "timestep_density": "uniform"}
FINER = {"channels": 16, "channel_mults": [1, 4, 4], "upsample_to_finer": True}
NO_AVERAGE = {"ema_decay": None}  # None removes the preset's key
LAZY_R1 = {"discriminator_batch_norm": False, "r1_interval": 16, "adam_beta1": 0.0}
VARIANTS = {
    # Each row's changes to the preset's model section. The DDPM rows keep the preset's recipe (cosine, v,
    # min-SNR-5, EMA warm-up); each changes the network, batch or t.
    "ddpm": {
        "32/64/64 channels, batch 64": OLD_DDPM,
        "16/64/64, upsampling to the finer width": {**FINER, "timestep_density": "uniform"},
        "16/64/64, finer, batch 32": {**FINER, "timestep_density": "uniform", "batch_size": 32},
        "16/64/64, finer, logit-normal t (the cpu preset)": {},
    },
    # DCGAN throughout; the generator average's decay warms up as (1 + n) / (10 + n).
    "gan": {
        "64 channels, batch 128": {"channels": 64, "batch_size": 128, **NO_AVERAGE},
        "64 channels, generator average 0.999": {"channels": 64, "batch_size": 128},
        "32 channels, generator average": {"batch_size": 128},
        "32 channels, batch 64, generator average (the cpu preset)": {},
        "no batch norm in D, lazy R1 (gamma 0.1), Adam beta1 0": {**LAZY_R1, "r1_gamma": 0.1},
        "no batch norm in D, lazy R1 (gamma 1), Adam beta1 0": {**LAZY_R1, "r1_gamma": 1.0},
        "no batch norm in D, lazy R1 (gamma 10), Adam beta1 0": {**LAZY_R1, "r1_gamma": 10.0},
        "no batch norm in D, lazy R1 (gamma 0.1), Adam beta1 0.5": {**LAZY_R1, "r1_gamma": 0.1, "adam_beta1": 0.5},
    },
}


def changed(section: dict, changes: dict) -> dict:
    """`section` with `changes` applied, a None value removing its key."""
    merged = {**section, **changes}
    return {key: value for key, value in merged.items() if value is not None}


def train_steps(task, images: torch.Tensor, steps: int, batch_size: int, seed: int, after_step=None) -> float:
    """Train `task` for `steps` steps over seeded shuffles of `images` (calling `after_step()` after each);
    returns the seconds it took."""
    order = torch.Generator().manual_seed(seed)
    task.train_mode(True)
    started, done = time.perf_counter(), 0
    while done < steps:
        for batch in torch.randperm(len(images), generator=order).split(batch_size):
            if len(batch) < batch_size or done == steps:
                break
            task.set_progress(done, steps)
            task.training_step(images[batch])
            if after_step is not None:
                after_step()
            done += 1
    return time.perf_counter() - started


def seconds_per_step(model: str, config: dict, images: torch.Tensor, steps: int, repeats: int, device) -> float:
    task = build_task(model, config, device)
    train_steps(task, images, 3, config["batch_size"], 0)  # warm-up
    return statistics.median(
        train_steps(task, images, steps, config["batch_size"], repeat) / steps for repeat in range(repeats)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=list(VARIANTS), default="ddpm")
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--budget-seconds", type=float, required=True, help="each variant's training time")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--images", type=int, default=2000, help="samples scored per trained model")
    parser.add_argument("--sampler", default="dpm_solver:10", help="the DDPM's")
    parser.add_argument("--probe-steps", type=int, default=10)
    parser.add_argument("--probe-repeats", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--evaluator", type=Path, required=True)
    parser.add_argument("--second-evaluator", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", nargs="*", help="names from VARIANTS[model] (default: all)")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--keep", type=Path, help="save each trained model here (<model>_<variant index>_seed<seed>.pt)"
    )
    args = parser.parse_args()
    variants = VARIANTS[args.model]
    names = args.variants or list(variants)

    setup = set_up(args)
    evaluators = both_evaluators(setup, args.second_evaluator, args.data_dir)
    images = setup.images.to(setup.device)
    configs = {name: changed(setup.preset[args.model], variants[name]) for name in names}
    record = {
        "machine": setup.machine,
        "model": args.model,
        "preset": args.preset,
        "budget_seconds": args.budget_seconds,
        "images": args.images,
        "sampler": args.sampler if args.model == "ddpm" else None,
        "real_data_floor": real_data_floors(evaluators, setup.images),
        "variants": {},
    }
    for name, config in configs.items():  # every probe first, while nothing else runs
        per_step = seconds_per_step(args.model, config, images, args.probe_steps, args.probe_repeats, setup.device)
        steps = max(1, round(args.budget_seconds / per_step))
        record["variants"][name] = {
            "changes": variants[name],
            "seconds_per_step": per_step,
            "images_per_s": config["batch_size"] / per_step,
            "steps": steps,
            "seeds": {},
        }
        print(f"{name:48s} {per_step * 1000:6.1f} ms/step  {steps:5d} steps in the budget", flush=True)
    for seed in args.seeds:
        for name, config in configs.items():
            entry = record["variants"][name]
            torch.manual_seed(seed)
            task = build_task(args.model, config, setup.device)
            entry["parameters"] = task.parameter_counts()
            seconds = train_steps(task, images, entry["steps"], config["batch_size"], seed)
            if args.keep:
                index = list(configs).index(name)
                state = {"model": args.model, "config": config, **task.state()}
                save_checkpoint(args.keep / f"{args.model}_{index}_seed{seed}.pt", state)
            samples = draw_samples(task, args.images, seed, args.sampler)
            scores = score_in_each(evaluators, samples, seed)
            entry["seeds"][str(seed)] = {"train_seconds": seconds, **scores}
            print(f"seed {seed} {name:48s} {seconds:6.0f} s  {score_line(scores)}", flush=True)
            if args.out:
                write_record(record, args.out, quiet=True)
    write_record(record, args.out)


if __name__ == "__main__":
    main()
