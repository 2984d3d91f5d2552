"""What the recipe ablations share: their command line and the data and evaluator they score with."""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from genreport.config import load_preset
from genreport.data import load_split, load_test_images, to_unit_float
from genreport.measure.evaluation import embed, fid_and_kid, score_image_set
from genreport.runtime import configure_threads, describe_device, select_device
from genreport.tasks.loading import load_evaluator
from genreport.training.loop import train


def ablation_parser(doc: str, variants: list[str], images: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--images", type=int, default=images, help="samples scored per variant")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--evaluator", type=Path, required=True, help="a run's evaluator checkpoint")
    parser.add_argument("--second-evaluator", type=Path, help="a run's second evaluator: also score in it")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", nargs="*", default=variants, help="which to run (default: all)")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    return parser


@dataclass
class Setup:
    preset: dict[str, Any]
    device: torch.device
    images: torch.Tensor  # the MNIST training images in [0, 1]
    classifier: torch.nn.Module
    reference: torch.Tensor  # the evaluator's features of the 10,000 test images
    machine: str


def set_up(args: argparse.Namespace) -> Setup:
    configure_threads(args.threads)
    preset = load_preset(args.preset)
    device = select_device(preset["device"])
    classifier = load_evaluator(args.evaluator, "cpu")
    return Setup(
        preset,
        device,
        to_unit_float(load_split(args.data_dir, train=True)[0]),
        classifier,
        embed(classifier, load_test_images(args.data_dir)),
        f"{platform.machine()}, {describe_device(device)}",
    )


def both_evaluators(setup: Setup, second_evaluator: Path, data_dir: Path) -> dict[str, tuple]:
    """The run's two evaluators by name ("first", "second"), each with its features of the test images."""
    second = load_evaluator(second_evaluator, "cpu")
    return {
        "first": (setup.classifier, setup.reference),
        "second": (second, embed(second, load_test_images(data_dir))),
    }


def chosen_evaluators(setup: Setup, args: argparse.Namespace) -> dict[str, tuple]:
    """Both evaluators where the command line names a second one (`ablation_parser`), else the first alone."""
    if args.second_evaluator:
        return both_evaluators(setup, args.second_evaluator, args.data_dir)
    return {"first": (setup.classifier, setup.reference)}


def train_epochs(task, images: torch.Tensor, epochs: int, batch_size: int, seed: int) -> dict[str, Any]:
    """Train `task` for `epochs` epochs with the pipeline's own loop in a scratch folder; its training record."""
    with tempfile.TemporaryDirectory() as scratch:
        return train(
            task,
            images,
            Path(scratch),
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
            sample_epochs=[],
            sample_count=4,
            run_info={},
            progress=False,
        )


def real_data_floors(evaluators: dict[str, tuple], train_images: torch.Tensor) -> dict[str, float]:
    """Each evaluator's FID of 10,000 training images against the test images: the floor a model is read against."""
    return {
        name: fid_and_kid(reference, embed(classifier, train_images[:10000]), seed=0)["fid"]
        for name, (classifier, reference) in evaluators.items()
    }


def score_in_each(evaluators: dict[str, tuple], samples: torch.Tensor, seed: int) -> dict[str, dict]:
    """FID, mean top-class probability (each with its bootstrap interval) and class shares in each evaluator."""
    scores = {}
    for name, (classifier, reference) in evaluators.items():
        score = score_image_set(classifier, reference, samples, seed=seed, intervals=True)
        scores[name] = {
            "fid": score["fid"],
            "fid_interval": score["intervals"]["fid"],
            "mean_top_probability": score["mean_top_probability"],
            "top_probability_interval": score["intervals"]["mean_top_probability"],
            "class_shares": score["class_shares"],
        }
    return scores


def score_line(scores: dict[str, dict]) -> str:
    """One printed line of `score_in_each`'s scores: FID with its interval and top-class probability, per evaluator."""
    return "  | ".join(
        f"{name} FID {score['fid']:6.2f} [{score['fid_interval'][0]:.1f}-{score['fid_interval'][1]:.1f}] "
        f"p {score['mean_top_probability']:.3f}"
        for name, score in scores.items()
    )


def draw_samples(task, count: int, seed: int, sampler: str, use_ema: bool = True) -> torch.Tensor:
    """`count` float images from the fixed noise of `seed` (the DDPM through `sampler`), in batches of 500."""
    noise = task.noise(count, torch.Generator().manual_seed(1000 + seed))
    options = {"sampler": task.sampler(sampler)} if task.name == "ddpm" else {}
    return torch.cat([task.generate(batch, use_ema=use_ema, **options) for batch in noise.split(500)]).cpu()


def write_record(record: dict[str, Any], out: Path | None, quiet: bool = False) -> None:
    """Print the ablation's record as JSON (unless `quiet`), and write it to `out` where given."""
    if not quiet:
        print(json.dumps(record, indent=2))
    if out:
        out.write_text(json.dumps(record, indent=2) + "\n")
