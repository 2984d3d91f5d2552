"""The DDPM recipe ablation: each change to the textbook recipe, one at a time, at an equal budget.

    python benchmarks/ddpm_recipes.py --preset cpu --steps 1500 --data-dir data \\
        --evaluator results/cpu/train/evaluator/checkpoint.pt --out benchmarks/ddpm_recipes_cpu.json

Every variant trains the preset's DDPM (its network, batch size, learning rate, precision and
moving average) from one seed for --steps steps on the MNIST training images, then draws --images
samples from one fixed noise with --sampler and scores them with the run's evaluator against the
10,000 test images. The recipe settings change the loss and the noise schedule, not the network,
so equal steps cost equal time (the measured seconds are printed to show it). Prints a table and JSON.
"""

from __future__ import annotations

import json
import time

import torch

from ablation import ablation_parser, set_up
from genreport.evaluation import score_image_set
from genreport.tasks import build_task

CLASSIC = {"schedule": "linear", "prediction": "eps", "loss_weighting": "uniform"}
# Each row changes the textbook recipe in one respect, then the changes that pair (v with cosine) together.
VARIANTS = {
    "classic (linear, eps, uniform)": CLASSIC,
    "EMA warm-up": {**CLASSIC, "ema_warmup": True},
    "min-SNR-5 weighting": {**CLASSIC, "loss_weighting": "min_snr"},
    "cosine schedule": {**CLASSIC, "schedule": "cosine"},
    "v-prediction": {**CLASSIC, "prediction": "v"},
    "cosine + v-prediction": {**CLASSIC, "schedule": "cosine", "prediction": "v"},
    "cosine + v + min-SNR-5": {"schedule": "cosine", "prediction": "v", "loss_weighting": "min_snr"},
}


def train_variant(config: dict, images: torch.Tensor, steps: int, batch_size: int, seed: int, device) -> tuple:
    torch.manual_seed(seed)
    task = build_task("ddpm", config, device)
    order = torch.Generator().manual_seed(seed)
    data = images.to(device)
    task.train_mode(True)
    started = time.perf_counter()
    done, losses = 0, []
    while done < steps:
        for batch in torch.randperm(len(data), generator=order).split(batch_size):
            if len(batch) < batch_size or done == steps:
                break
            losses.append(float(task.training_step(data[batch.to(device)])["loss"]))
            done += 1
    return task, time.perf_counter() - started, sum(losses[-100:]) / len(losses[-100:])


def main() -> None:
    parser = ablation_parser(__doc__, list(VARIANTS), images=1000)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--sampler", default="ddim:50")
    args = parser.parse_args()

    setup = set_up(args)
    preset, device, images, classifier, reference = (setup.preset, setup.device, setup.images, setup.classifier,
                                                     setup.reference)
    record = {"machine": setup.machine, "preset": args.preset,
              "steps": args.steps, "images": args.images, "sampler": args.sampler, "variants": {}}
    for name in args.variants:
        config = {**preset["ddpm"], **VARIANTS[name]}
        task, seconds, loss = train_variant(config, images, args.steps, config["batch_size"], preset["seed"], device)
        noise = task.noise(args.images, torch.Generator().manual_seed(preset["seed"] + 7))
        record["variants"][name] = {"recipe": VARIANTS[name], "train_seconds": seconds, "final_loss": loss}
        # Both weights: after few steps a fixed-decay moving average still holds much of the initial weights.
        for weights, use_ema in (("moving average", True), ("raw", False)):
            samples = torch.cat([task.generate(batch, sampler=task.sampler(args.sampler), use_ema=use_ema)
                                 for batch in noise.split(500)])
            scores = score_image_set(classifier, reference, samples, seed=preset["seed"])
            record["variants"][name][weights] = {key: scores[key] for key in (
                "fid", "kid", "mean_top_probability", "class_shares")}
            print(f"{name:32s} {weights:14s} {seconds:7.0f} s  FID {scores['fid']:7.2f}  "
                  f"top-class p {scores['mean_top_probability']:.3f}", flush=True)
    print(json.dumps(record, indent=2))
    if args.out:
        args.out.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
