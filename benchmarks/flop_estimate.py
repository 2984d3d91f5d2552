"""Each rule's compute in a preset's default run, from FLOP counts, and its time at a sustained rate.

    python benchmarks/flop_estimate.py --preset gpu --tflops 20
    python benchmarks/flop_estimate.py --preset gpu --set "$(grep -v '^#' config/rehearsals/gpu.txt)" \
        --tflops 0.165 --run results/rehearsal/gpu

FLOPs per image of every network pass are counted by torch.utils.flop_counter on the preset's own models
(random weights, on the CPU); each rule's count multiplies them by the images, epochs and solver steps the
preset asks for. A rule's estimate is its FLOPs at --tflops plus --overhead seconds (start-up, loading).
With --run (a finished run of the same settings), each rule's measured time is printed beside its estimate:
the check of the model on the machine that ran it. Attention, optimizer updates, data movement and
Python overhead are not FLOPs: small rules are dominated by --overhead.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from genreport.config import command_line_overrides, load_preset
from genreport.diffusion.sampler_settings import Sampler
from genreport.experiments.samplers import COMPARED_SAMPLERS
from genreport.store.files import read_benchmark
from genreport.tasks import build_task

TRAIN_IMAGES = 60_000
TEST_IMAGES = 10_000
BATCH = 8  # FLOPs scale with the batch; a small one keeps the count quick
# The sampler experiment's network evaluations beside the 1000-step ancestral reference.
COMPARED_SAMPLER_STEPS = [Sampler.parse(setting, 1).steps for setting in COMPARED_SAMPLERS if setting != "ancestral"]


def counted(fn) -> float:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() / BATCH


def per_image_flops(preset: dict) -> dict[str, float]:
    """FLOPs per image of each network pass the rules make."""
    cpu = torch.device("cpu")
    images = torch.rand(BATCH, 1, 28, 28)
    labels = torch.randint(0, 10, (BATCH,))
    tasks = {name: build_task(name, preset[name], cpu) for name in ("vae", "gan", "ddpm")}
    evaluators = {
        name: build_task("evaluator", {"architecture": "vgg", **preset[name]}, cpu)
        for name in ("evaluator", "second_evaluator")
    }
    ddpm = tasks["ddpm"]
    t = torch.randint(0, preset["ddpm"]["timesteps"], (BATCH,))
    flops = {f"{name} training": counted(lambda task=task: task.training_step(images)) for name, task in tasks.items()}
    for name, task in evaluators.items():
        flops[f"{name} training"] = counted(lambda task=task: task.training_step(images, labels))
        flops[f"{name} forward"] = counted(lambda task=task: task.model(images))
    with torch.no_grad():
        flops["ddpm forward"] = counted(lambda: ddpm.model(images * 2 - 1, t))
        flops["vae forward"] = counted(lambda: tasks["vae"].model(images))
        flops["gan generator"] = counted(lambda: tasks["gan"].generate(tasks["gan"].noise(BATCH, None)))
        flops["gan discriminator"] = counted(lambda: tasks["gan"].discriminator(images))
    return flops


def steps(setting: str, timesteps: int) -> int:
    return Sampler.parse(setting, timesteps).steps


def rule_flops(preset: dict, f: dict[str, float]) -> dict[str, float]:
    """Each compute-heavy rule's FLOPs (rules not listed cost their overhead only)."""
    vae, gan, ddpm, ev, ex = preset["vae"], preset["gan"], preset["ddpm"], preset["evaluation"], preset["experiments"]
    train_images = preset["train_subset"] or TRAIN_IMAGES
    T = ddpm["timesteps"]
    metric_steps = steps(ev["sampler"], T)
    embedded = 3 * ev["samples"] + ev["real_images"] + TEST_IMAGES
    gan_inversion_step = 3 * (f["gan generator"])  # a forward and its backward
    probe_images = 2 * (ex["probe_train_images"] + ex["probe_test_images"])  # trained and untrained networks
    few = 10 * ex["probe_labels_per_class"]
    return {
        "train_vae": vae["epochs"] * train_images * f["vae training"],
        "train_gan": gan["epochs"] * train_images * f["gan training"],
        "train_ddpm": ddpm["epochs"] * train_images * f["ddpm training"]
        + len(ddpm["sample_epochs"]) * ddpm["sample_images"] * steps(ddpm["snapshot_sampler"], T) * f["ddpm forward"],
        "train_evaluator": preset["evaluator"]["epochs"] * train_images * f["evaluator training"],
        "train_second_evaluator": preset["second_evaluator"]["epochs"] * train_images * f["second_evaluator training"],
        **{
            f"train_gan_{variant}": ex["detach_epochs"] * train_images * f["gan training"]
            for variant in ("attached", "attached_no_reset", "detached")
        },
        "sample_ddpm": ev["samples"] * metric_steps * f["ddpm forward"],
        "evaluate": embedded * (f["evaluator forward"] + f["second_evaluator forward"])
        + ev["iwae_images"] * ev["iwae_samples"] * f["vae forward"]
        + ev["ddpm_bound_images"] * ev["ddpm_bound_ranges"] * f["ddpm forward"],
        "sampler_experiment": ex["sampler_images"] * (T + sum(COMPARED_SAMPLER_STEPS)) * f["ddpm forward"]
        + ev["samples"] // 2 * metric_steps * f["ddpm forward"],  # the raw weights' redraw of one seed's half
        "notebook_ddpm": preset["notebook_images"] * T * f["ddpm forward"],  # the 1000-step timing
        "probe_experiment": probe_images * (f["vae forward"] + f["gan discriminator"] + f["ddpm forward"])
        + (few + ex["probe_inversion_test_images"]) * ex["inversion_steps"] * gan_inversion_step,
        "reconstruction_experiment": ex["inversion_images"]
        * ex["inversion_steps"]
        * ex["inversion_restarts"]
        * gan_inversion_step,
        "interpolation_experiment": ex["interpolation_pairs"]
        * ex["interpolation_frames"]
        * steps(ex["interpolation_sampler"], T)
        * f["ddpm forward"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="gpu")
    parser.add_argument("--set", default="", help="size overrides, as --config set= takes them")
    parser.add_argument("--tflops", type=float, required=True, help="sustained TFLOP/s the estimate assumes")
    parser.add_argument("--overhead", type=float, default=10.0, help="seconds every job costs beyond its FLOPs")
    parser.add_argument("--run", type=Path, help="a finished run of these settings: print its measured times beside")
    parser.add_argument("--out", type=Path, help="also write the table as JSON here")
    args = parser.parse_args()
    preset = load_preset(args.preset, overrides=command_line_overrides(args.set))
    torch.manual_seed(0)
    flops = per_image_flops(preset)
    rules = rule_flops(preset, flops)
    rate = args.tflops * 1e12
    rows = {name: {"tflop": value / 1e12, "estimate_s": value / rate + args.overhead} for name, value in rules.items()}
    if args.run:
        for path in (args.run / "benchmarks").glob("*.tsv"):
            rows.setdefault(path.stem, {"tflop": 0.0, "estimate_s": args.overhead})["measured_s"] = read_benchmark(
                path
            )["s"]
    print(f"preset {args.preset}, {args.tflops:g} TFLOP/s sustained, {args.overhead:g} s per job")
    print("per image: " + ", ".join(f"{name} {value / 1e6:.1f} MFLOP" for name, value in flops.items()))
    print(f"{'rule':<28}{'TFLOP':>10}{'estimate s':>12}{'measured s':>12}")
    for name, row in sorted(rows.items(), key=lambda item: -item[1]["estimate_s"]):
        measured = f"{row['measured_s']:12.1f}" if "measured_s" in row else f"{'':>12}"
        print(f"{name:<28}{row['tflop']:10.2f}{row['estimate_s']:12.1f}{measured}")
    total = sum(row["estimate_s"] for row in rows.values())
    print(f"{'sum of rules':<28}{sum(r['tflop'] for r in rows.values()):10.2f}{total:12.1f}")
    if args.out:
        args.out.write_text(json.dumps({"flops_per_image": flops, "rules": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
