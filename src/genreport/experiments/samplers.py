"""Compare DDPM samplers on the same starting noise: 1000 ancestral steps, DDIM at 100 and 50 steps,
DPM-Solver++(2M) at 20 and 10; the moving average of the weights against the raw weights, on the evaluation
samples' noise; and, where the preset samples in bf16, the same DDIM images computed in fp32.
"""

from __future__ import annotations

import time
from typing import Any

import torch

from ..data import load_test_images, to_unit_float
from ..diffusion.sampler_settings import Sampler
from ..measure.evaluation import embed, minimum_images, score_image_set
from ..runtime import synchronize
from ..seeds import PRECISION_NOISE, SAMPLER_NOISE, stream_seed
from ..store.samples import load_samples
from ..tasks.drawing import draw_images
from ..tasks.loading import load_evaluator, load_task
from . import Inputs


def timed_generation(
    task, noise: torch.Tensor, seed: int, sampler: Sampler, use_ema: bool, batch_size: int = 500
) -> tuple[torch.Tensor, float, int | None]:
    """Images, seconds per image (after a warm-up call) and peak GPU memory in bytes (None on the CPU)."""
    generator = torch.Generator().manual_seed(seed)
    task.generate(noise[:2], generator, sampler=sampler, use_ema=use_ema)
    if task.device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(task.device)
    synchronize(task.device)
    started = time.perf_counter()
    images = torch.cat(
        [task.generate(batch, generator, sampler=sampler, use_ema=use_ema) for batch in noise.split(batch_size)]
    )
    synchronize(task.device)
    seconds = (time.perf_counter() - started) / len(noise)
    peak = torch.cuda.max_memory_allocated(task.device) if task.device.type == "cuda" else None
    return images, seconds, peak


# Each sampler's setting as a preset writes it; every one draws from the same starting noise.
COMPARED_SAMPLERS = ("ancestral", "ddim:100", "ddim:50", "dpm_solver:20", "dpm_solver:10", "dpm_solver:10:edm")
SAMPLE_FIELDS = ("seed_of_image", "sampler_setting", "batch_size", "sampler")


def moving_average_against_raw(task, samples: dict[str, Any], classifier, reference: torch.Tensor, seed: int) -> dict:
    """Redraw the first seed's evaluation samples (as load_samples returns them) from the raw weights,
    same noise and sampler; score both."""
    first_seed = int(samples["seed_of_image"][0])
    averaged = samples["images"][samples["seed_of_image"] == first_seed]
    raw = draw_images(
        task, len(averaged), first_seed, samples["batch_size"], samples["sampler_setting"] or None, use_ema=False
    )
    as_uint8 = {"moving average": averaged, "raw": raw}
    return {
        "sampler": samples["sampler"],
        "images": len(averaged),
        **{
            name: score_image_set(
                classifier, reference, to_unit_float(torch.from_numpy(images)), seed=seed, intervals=True
            )
            for name, images in as_uint8.items()
        },
    }


def precision_against_fp32(
    task, noise: torch.Tensor, seed: int, classifier, reference: torch.Tensor, sampler: Sampler
) -> dict | None:
    """Draw images in the task's reduced precision and again in fp32 from the same noise: how far apart,
    how much faster."""
    if task.precision == "fp32":
        return None
    reduced, reduced_seconds, _ = timed_generation(task, noise, seed, sampler, use_ema=True)
    reduced_precision, task.precision = task.precision, "fp32"
    try:
        full, full_seconds, _ = timed_generation(task, noise, seed, sampler, use_ema=True)
    finally:
        task.precision = reduced_precision
    classifier.eval()
    with torch.no_grad():
        same_digit = (classifier(reduced).argmax(1) == classifier(full).argmax(1)).float().mean()
    difference = (reduced - full).abs()
    return {
        "precision": reduced_precision,
        "sampler": sampler.describe(),
        "images": len(noise),
        "mean_abs_pixel_difference": float(difference.mean()),
        "max_abs_pixel_difference": float(difference.max()),
        "same_digit_share": float(same_digit),
        "seconds_per_image": {reduced_precision: reduced_seconds, "fp32": full_seconds},
        "scores": {
            name: score_image_set(classifier, reference, images, seed=seed, intervals=True)
            for name, images in ((reduced_precision, reduced), ("fp32", full))
        },
    }


def run(settings: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """Every compared sampler's time and scores, the moving average against the raw weights, bf16 against fp32."""
    seed = settings["seed"]
    samples = load_samples(inputs.samples["ddpm"], minimum_images(), fields=SAMPLE_FIELDS)  # before minutes of sampling
    classifier = load_evaluator(inputs.evaluator, settings["device"])
    reference = embed(classifier, load_test_images(inputs.data_dir))
    task, _ = load_task(inputs.checkpoints["ddpm"], settings["device"])
    noise = task.noise(settings["sampler_images"], torch.Generator().manual_seed(stream_seed(seed, SAMPLER_NOISE)))
    record = {
        "images": len(noise),
        "reference": "the 10,000 MNIST test images",
        "precision": task.precision,
        "samplers": {},
    }
    for setting in COMPARED_SAMPLERS:
        sampler = task.sampler(setting)
        name = sampler.describe()
        images, seconds, peak = timed_generation(task, noise, seed, sampler, use_ema=True)
        record["samplers"][name] = {
            "setting": setting,
            "network_evaluations": sampler.steps,
            "weights": "moving average",
            "seconds_per_image": seconds,
            "peak_gpu_memory_bytes": peak,
            **score_image_set(classifier, reference, images, seed=seed, intervals=True),
        }
        print(name, f"{seconds * 1e3:.1f} ms/image, FID {record['samplers'][name]['fid']:.2f}", flush=True)
    record["moving_average_against_raw"] = moving_average_against_raw(task, samples, classifier, reference, seed)
    precision_noise = task.noise(
        settings["precision_images"], torch.Generator().manual_seed(stream_seed(seed, PRECISION_NOISE))
    )
    record["precision_against_fp32"] = precision_against_fp32(
        task, precision_noise, seed, classifier, reference, sampler=task.sampler("ddim:50")
    )
    return record
