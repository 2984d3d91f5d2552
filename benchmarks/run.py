"""The pipeline's speed figures, as JSON and as a table.

    python benchmarks/run.py --preset cpu --threads 2 --run results/cpu
    python benchmarks/run.py --preset gpu --run results/gpu --out benchmarks/h100.json

Measures, on this machine and the preset's device, the median of --repeats timings of:
  - training throughput (images/s) of each model: the pipeline's loop, whose data already sits
    on the device, in the preset's precision; for the DDPM also in fp32 and bf16, with
    channels_last, with torch.compile (--compile), and a plain loop (DataLoader over host memory,
    a copy to the device, fp32 and a .item() per step) at the same batch size, and the DDPM
    step's achieved TFLOP/s (FLOPs counted by torch.utils.flop_counter);
  - sampling time per image: VAE, GAN, and the DDPM with DDIM at 50 and 100 steps and with all
    ancestral steps (--ancestral-images, --ancestral-repeats timings, as it is slow on a CPU);
  - evaluation time: embedding 2,000 images and scoring them (FID, KID, precision/recall).
With --run, it also reads the wall time of every rule of a finished run from Snakemake's
benchmark files; with jobs run one at a time (the presets ask for all cores), their sum is the
whole DAG's wall time. Random weights and inputs: this measures compute, not quality.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader, TensorDataset

from genreport.config import load_preset
from genreport.measure.evaluation import embed, score_image_set
from genreport.models.classifier import DigitClassifier
from genreport.runtime import configure_threads, describe_device, select_device
from genreport.store.files import read_benchmark
from genreport.tasks import build_task
from genreport.vocabulary import MODELS


def timed(fn, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - started


def median_time(fn, device: torch.device, repeats: int) -> float:
    fn()  # warm-up: allocations, cuDNN autotuning
    return statistics.median(timed(fn, device) for _ in range(repeats))


def training_throughput(task, batch_size: int, steps: int, repeats: int, channels_last: bool = False) -> float:
    """Images per second of the pipeline's loop: a batch indexed out of data already on the device."""
    data = torch.rand(batch_size * steps, 1, 28, 28, device=task.device)
    if channels_last:
        data = data.contiguous(memory_format=torch.channels_last)

    def run():
        for batch in data.split(batch_size):
            task.training_step(batch)

    return batch_size * steps / median_time(run, task.device, repeats)


def plain_loop_throughput(task, batch_size: int, steps: int, repeats: int) -> float:
    """Images per second of a textbook loop: DataLoader on host memory, copy per batch, .item() per step."""
    loader = DataLoader(TensorDataset(torch.rand(batch_size * steps, 1, 28, 28)), batch_size=batch_size, shuffle=True)

    def run():
        for (batch,) in loader:
            loss = task.training_step(batch.to(task.device))["loss"]
            loss.item()

    return batch_size * steps / median_time(run, task.device, repeats)


def training_flops(task, batch_size: int) -> int:
    """FLOPs of one training step (forward and backward), counted by torch's FlopCounterMode."""
    from torch.utils.flop_counter import FlopCounterMode

    batch = torch.rand(batch_size, 1, 28, 28, device=task.device)
    with FlopCounterMode(display=False) as counter:
        task.training_step(batch)
    return counter.get_total_flops()


def ddpm_variants(
    config: dict, device: torch.device, steps: int, repeats: int, compile_model: bool
) -> dict[str, float]:
    """The DDPM's training images/s under each precision and memory layout, and compiled."""
    batch_size = config["batch_size"]
    results = {}
    variants = [("fp32", "fp32", False), ("bf16", "bf16", False), ("bf16 + channels_last", "bf16", True)]
    for label, precision, channels_last in variants:
        task = build_task("ddpm", {**config, "precision": precision}, device)
        if channels_last:
            task.model.to(memory_format=torch.channels_last)
        results[f"ddpm, {label}"] = training_throughput(task, batch_size, steps, repeats, channels_last)
    results["ddpm, plain DataLoader + fp32 loop"] = plain_loop_throughput(
        build_task("ddpm", {**config, "precision": "fp32"}, device), batch_size, steps, repeats
    )
    if compile_model:
        task = build_task("ddpm", config, device)
        task.model = torch.compile(task.model)
        training_throughput(task, batch_size, steps, 1)  # compiles outside the timing
        results[f"ddpm, {task.precision} + torch.compile"] = training_throughput(task, batch_size, steps, repeats)
    return results


def sampling_time(task, count: int, repeats: int, **options) -> float:
    noise = task.noise(count, torch.Generator().manual_seed(0))
    return (
        median_time(lambda: task.generate(noise, torch.Generator().manual_seed(1), **options), task.device, repeats)
        / count
    )


def evaluation_time(repeats: int) -> float:
    """Seconds to embed 2,000 images and a 2,000-image reference and score them (on the CPU, as the pipeline does)."""
    classifier = DigitClassifier(16).eval()
    reference, images = torch.rand(2000, 1, 28, 28), torch.rand(2000, 1, 28, 28)
    return median_time(
        lambda: score_image_set(classifier, embed(classifier, reference), images), torch.device("cpu"), repeats
    )


def dag_wall_times(run: Path) -> dict[str, float]:
    times = {path.stem: read_benchmark(path)["s"] for path in sorted((run / "benchmarks").glob("*.tsv"))}
    return {**times, "sum of rules": sum(times.values())}


def table(record: dict) -> str:
    lines = [
        f"{record['machine']} | device {record['device']} | torch {record['torch']} | median of {record['repeats']}",
        "",
    ]
    lines += [f"training {name:28s} {value:10,.0f} images/s" for name, value in record["training_images_per_s"].items()]
    lines += [
        f"sampling {name:28s} {value * 1e3:10.3f} ms/image" for name, value in record["sampling_s_per_image"].items()
    ]
    if "ddpm_step_tflops" in record:
        tflops = record["ddpm_step_tflops"]
        peak = (
            f" of {tflops['peak']:.0f} peak ({tflops['achieved'] / tflops['peak']:.1%})" if tflops.get("peak") else ""
        )
        lines.append(
            f"ddpm training step {tflops['flops_per_step'] / 1e9:.1f} GFLOP, "
            f"achieved {tflops['achieved']:.3f} TFLOP/s{peak}"
        )
    lines.append(f"evaluation of 2,000 images          {record['evaluation_s_per_2000_images']:10.2f} s")
    for name, value in record.get("rule_wall_time_s", {}).items():
        lines.append(f"rule {name:32s} {value:10.1f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20, help="training steps per timing")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sample-images", type=int, default=64)
    parser.add_argument("--ancestral-images", type=int, default=16)
    parser.add_argument("--ancestral-repeats", type=int, default=1)
    parser.add_argument("--compile", action="store_true", help="also time the DDPM compiled by torch.compile")
    parser.add_argument("--peak-tflops", type=float, help="the device's measured peak, to print the DDPM step against")
    parser.add_argument("--run", type=Path, help="a finished run's results directory, for its rule wall times")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()

    preset = load_preset(args.preset)
    configure_threads(args.threads)
    device = select_device(preset["device"])
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    record = {
        "preset": args.preset,
        "machine": f"{platform.node()} ({platform.processor() or platform.machine()})",
        "device": describe_device(device),
        "torch": torch.__version__,
        "repeats": args.repeats,
        "training_images_per_s": {},
        "sampling_s_per_image": {},
    }
    tasks = {}
    for name in MODELS:
        config = preset[name]
        tasks[name] = task = build_task(name, config, device)
        label = f"{name} ({task.precision}, as the preset)"
        record["training_images_per_s"][label] = training_throughput(
            task, config["batch_size"], args.steps, args.repeats
        )
        if name == "ddpm":
            record["training_images_per_s"].update(
                ddpm_variants(config, device, args.steps, args.repeats, args.compile)
            )
            flops = training_flops(task, config["batch_size"])
            record["ddpm_step_tflops"] = {
                "flops_per_step": flops,
                "achieved": flops / config["batch_size"] * record["training_images_per_s"][label] / 1e12,
                "peak": args.peak_tflops,
            }
        print(f"training {name} done", flush=True)
    for name in ("vae", "gan"):
        record["sampling_s_per_image"][name] = sampling_time(tasks[name], args.sample_images, args.repeats)
    ddpm = tasks["ddpm"]
    for setting in ("ddim:50", "ddim:100", "dpm_solver:10", "dpm_solver:20"):
        sampler = ddpm.sampler(setting)
        record["sampling_s_per_image"][f"ddpm, {sampler.describe()}"] = sampling_time(
            ddpm, args.sample_images, args.repeats, sampler=sampler
        )
    record["sampling_s_per_image"][f"ddpm, ancestral {ddpm.diffusion.timesteps} steps"] = sampling_time(
        ddpm, args.ancestral_images, args.ancestral_repeats
    )
    record["evaluation_s_per_2000_images"] = evaluation_time(args.repeats)
    if args.run:
        record["rule_wall_time_s"] = dag_wall_times(args.run)
    print(table(record))
    print(json.dumps(record, indent=2))
    if args.out:
        args.out.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
