"""The DDPM recipe ablation: each change to the textbook recipe, one at a time, at an equal budget.

    python benchmarks/ddpm_recipes.py --preset cpu --steps 1500 --data-dir data \\
        --evaluator results/cpu/train/evaluator/checkpoint.pt --out benchmarks/ddpm_recipes_cpu.json

Every variant trains the preset's DDPM (its network, batch size, learning rate, precision and
moving average) from one seed for --steps steps on the MNIST training images, then draws --images
samples from one fixed noise with --sampler and scores them with the run's evaluator against the
10,000 test images. The recipe settings change the loss, the noise schedule and the learning rate,
not the network, so equal steps cost equal time (the measured seconds are printed to show it); a
variant marked equal_time (a wider network) instead takes as many steps as fit in the first variant's
training time, timed on a short probe run. Prints a table and JSON.
"""

from __future__ import annotations

import time

import torch
from ablation import ablation_parser, set_up, write_record

from genreport.measure.evaluation import score_image_set
from genreport.tasks import build_task

CLASSIC = {"schedule": "linear", "prediction": "eps", "loss_weighting": "uniform", "lr_schedule": "constant"}
RECIPE = {"schedule": "cosine", "prediction": "v", "loss_weighting": "min_snr", "lr_schedule": "constant"}
LR_DECAY = {"lr_schedule": "warmup_cosine", "lr_warmup_steps": 100}
# Each row changes the textbook recipe in one respect, then the changes that pair (v with cosine) together,
# then the learning-rate schedule and the network's width, each on top of those.
VARIANTS = {
    "classic (linear, eps, uniform)": CLASSIC,
    "EMA warm-up": {**CLASSIC, "ema_warmup": True},
    "min-SNR-5 weighting": {**CLASSIC, "loss_weighting": "min_snr"},
    "cosine schedule": {**CLASSIC, "schedule": "cosine"},
    "v-prediction": {**CLASSIC, "prediction": "v"},
    "cosine + v-prediction": {**CLASSIC, "schedule": "cosine", "prediction": "v"},
    "cosine + v + min-SNR-5": RECIPE,
    "+ lr warm-up and cosine decay": {**RECIPE, **LR_DECAY},
    "48 channels, equal time": {**RECIPE, "channels": 48, "equal_time": True},
}
BENCHMARK_KEYS = ("equal_time",)  # read by this script, not by the task
PROBE_STEPS = 20


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
            task.set_progress(done, steps)
            losses.append(float(task.training_step(data[batch.to(device)])["loss"]))
            done += 1
    return task, time.perf_counter() - started, sum(losses[-100:]) / len(losses[-100:])


def equal_time_steps(config: dict, images: torch.Tensor, budget_s: float, batch_size: int, seed: int, device) -> int:
    """The steps this variant takes in `budget_s` seconds, from the time of a short probe run."""
    _, seconds, _ = train_variant(config, images, PROBE_STEPS, batch_size, seed, device)
    return max(1, round(budget_s * PROBE_STEPS / seconds))


def main() -> None:
    parser = ablation_parser(__doc__, list(VARIANTS), images=1000)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--sampler", default="ddim:50")
    parser.add_argument(
        "--budget-seconds", type=float, help="the equal-time variants' training time (default: the first variant's)"
    )
    args = parser.parse_args()

    setup = set_up(args)
    preset, device, images, classifier, reference = (
        setup.preset,
        setup.device,
        setup.images,
        setup.classifier,
        setup.reference,
    )
    record = {
        "machine": setup.machine,
        "preset": args.preset,
        "budget_seconds": args.budget_seconds,
        "steps": args.steps,
        "images": args.images,
        "sampler": args.sampler,
        "variants": {},
    }
    budget_s = args.budget_seconds  # else the first variant's training time
    for name in args.variants:
        variant = VARIANTS[name]
        config = {**preset["ddpm"], **{key: value for key, value in variant.items() if key not in BENCHMARK_KEYS}}
        steps = args.steps
        if variant.get("equal_time"):
            if budget_s is None:
                parser.error(
                    f"{name!r} trains for the first variant's time: name another variant before it "
                    "or give --budget-seconds"
                )
            steps = equal_time_steps(config, images, budget_s, config["batch_size"], preset["seed"], device)
        task, seconds, loss = train_variant(config, images, steps, config["batch_size"], preset["seed"], device)
        budget_s = seconds if budget_s is None else budget_s
        noise = task.noise(args.images, torch.Generator().manual_seed(preset["seed"] + 7))
        record["variants"][name] = {
            "recipe": variant,
            "steps": steps,
            "precision": task.precision,
            "parameters": task.parameter_counts()["model"],
            "train_seconds": seconds,
            "final_loss": loss,
        }
        # Both weights: after few steps a fixed-decay moving average still holds much of the initial weights.
        for weights, use_ema in (("moving average", True), ("raw", False)):
            samples = torch.cat(
                [
                    task.generate(batch, sampler=task.sampler(args.sampler), use_ema=use_ema)
                    for batch in noise.split(500)
                ]
            )
            scores = score_image_set(classifier, reference, samples, seed=preset["seed"])
            record["variants"][name][weights] = {
                key: scores[key] for key in ("fid", "kid", "mean_top_probability", "class_shares")
            }
            print(
                f"{name:36s} {weights:14s} {steps:5d} steps {seconds:6.0f} s  FID {scores['fid']:7.2f}  "
                f"top-class p {scores['mean_top_probability']:.3f}",
                flush=True,
            )
    write_record(record, args.out)


if __name__ == "__main__":
    main()
