"""The DDPM sampler's timestep spacing at a fixed number of network evaluations, on trained checkpoints.

    python benchmarks/sampler_spacing.py --preset cpu --data-dir data \\
        --checkpoints results/cpu/train/ddpm/checkpoint.pt results/cpu/robustness/seed1/ddpm/checkpoint.pt \\
        --evaluator results/cpu/train/evaluator/checkpoint.pt \\
        --second-evaluator results/cpu/train/second_evaluator/checkpoint.pt --out benchmarks/ddpm_spacing_cpu.json

Each checkpoint (one per training seed) draws --images samples from one fixed noise through every
sampler setting in --variants (the same noise for each, so only the timesteps differ) and both evaluators score
them against the 10,000 test images with bootstrap intervals. Spacing costs nothing at sampling time:
each setting's seconds are printed to show that the cost is the number of steps. Prints a table and JSON.
"""

from __future__ import annotations

import time
from pathlib import Path

from ablation import (
    ablation_parser,
    chosen_evaluators,
    draw_samples,
    real_data_floors,
    score_in_each,
    score_line,
    set_up,
    write_record,
)

from genreport.tasks.loading import load_task

SAMPLERS = ("dpm_solver:10", "dpm_solver:10:logsnr", "dpm_solver:10:edm", "dpm_solver:20")


def main() -> None:
    parser = ablation_parser(__doc__, list(SAMPLERS), images=2000)
    parser.add_argument("--checkpoints", type=Path, nargs="+", required=True, help="trained DDPMs, one per seed")
    args = parser.parse_args()

    setup = set_up(args)
    evaluators = chosen_evaluators(setup, args)
    record = {
        "machine": setup.machine,
        "preset": args.preset,
        "images": args.images,
        "real_data_floor": real_data_floors(evaluators, setup.images),
        "samplers": {},
    }
    for index, checkpoint in enumerate(args.checkpoints):
        task, _ = load_task(checkpoint, str(setup.device))
        for setting in args.variants:
            sampler = task.sampler(setting)
            started = time.perf_counter()
            samples = draw_samples(task, args.images, index, setting)
            seconds = time.perf_counter() - started
            scores = score_in_each(evaluators, samples, index)
            entry = record["samplers"].setdefault(
                setting,
                {
                    "description": sampler.describe(),
                    "timesteps": task.diffusion.spaced_timesteps(sampler.steps, sampler.spacing),
                    "checkpoints": {},
                },
            )
            entry["checkpoints"][str(checkpoint)] = {"sample_seconds": seconds, **scores}
            print(f"{checkpoint} {sampler.describe():40s} {seconds:5.0f} s  {score_line(scores)}", flush=True)
            if args.out:
                write_record(record, args.out, quiet=True)
    write_record(record, args.out)


if __name__ == "__main__":
    main()
