"""Time one training step and one sampling call of each model of a preset.

    python benchmarks/train_step_time.py --preset cpu --threads 2
    python benchmarks/train_step_time.py --preset gpu

Prints the median over --repeats timings of --steps steps each, and what that implies for
a full epoch of 60,000 images. Random inputs: this measures compute, not learning.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from genreport.config import MODEL_NAMES, load_preset
from genreport.runtime import configure_threads, describe_device, select_device
from genreport.tasks import build_task


def timed(fn, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=list(MODEL_NAMES), choices=MODEL_NAMES)
    args = parser.parse_args()

    preset = load_preset(args.preset)
    configure_threads(args.threads)
    device = select_device(preset["device"])
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    print(f"preset {args.preset}, device {describe_device(device)}, torch {torch.__version__}, "
          f"median of {args.repeats} x {args.steps} steps")
    for name in args.models:
        config = preset[name]
        task = build_task(name, config, device)
        batch = torch.rand(config["batch_size"], 1, 28, 28, device=device)

        def steps():
            for _ in range(args.steps):
                task.training_step(batch)

        steps()  # warm-up
        per_step = statistics.median(timed(steps, device) for _ in range(args.repeats)) / args.steps
        epoch = per_step * (60_000 // config["batch_size"])
        line = (f"{name:5s} {sum(task.parameter_counts().values()):>10,d} params  "
                f"{per_step * 1e3:8.2f} ms/step  {config['batch_size'] / per_step:9.0f} img/s  "
                f"epoch {epoch:7.1f} s  x{config['epochs']} epochs = {epoch * config['epochs'] / 60:5.1f} min")
        if name == "ddpm":
            task.train_mode(False)
            noise = torch.randn(16, 1, 28, 28, device=device)
            t = torch.zeros(16, dtype=torch.long, device=device)
            with torch.no_grad():
                call = statistics.median(timed(lambda: task.ema.module(noise, t), device) for _ in range(args.repeats * 4))
            line += f"  | sampling: {call * config['timesteps'] / 16 * 1e3:.0f} ms/image at batch 16 ({config['timesteps']} steps)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
