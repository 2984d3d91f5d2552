"""Score one preset's run: sample metrics against the test set and likelihood bounds.

Run by the workflow's `evaluate` rule, which passes the preset's `evaluation` values this step
uses, its `seed` and `device` as --settings.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path
from typing import Any

import torch

from ..data import load_split, to_unit_float
from ..figures.bound import plot_bound_terms
from ..measure.evaluation import embed, fid_by_seed, minimum_images, ranking_across_seeds, score_image_set
from ..measure.likelihood import ddpm_likelihood, vae_likelihood
from ..runtime import configure_threads, random_subset
from ..store.files import write_json
from ..store.provenance import record_provenance
from ..store.samples import load_samples
from ..tasks.loading import load_task
from ..vocabulary import MODELS, REAL_ROW
from .common import add_settings_arguments, named_path, reports_errors


@torch.no_grad()
def test_accuracy(classifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    predictions = torch.cat([classifier(batch).argmax(1) for batch in images.split(1000)])
    return float((predictions == labels).float().mean())


def score_in_feature_space(
    checkpoint: Path,
    samples: dict[str, torch.Tensor],
    seed_of_image: dict[str, torch.Tensor],
    test: torch.Tensor,
    test_labels: torch.Tensor,
    seed: int,
    device: str,
) -> dict[str, Any]:
    """Every image set's sample metrics in one evaluator's feature space, with that evaluator's description."""
    evaluator, payload = load_task(checkpoint, device)
    classifier = evaluator.model.eval().cpu()
    reference = embed(classifier, test)
    scores = {name: score_image_set(classifier, reference, images, seed=seed) for name, images in samples.items()}
    floor = scores[REAL_ROW]["fid"]
    for name in scores:
        scores[name]["fid_over_real"] = scores[name]["fid"] / floor if floor > 0 else float("nan")
    fid_per_seed = {model: fid_by_seed(classifier, reference, samples[model], seed_of_image[model]) for model in MODELS}
    return {
        "evaluator": {
            "test_accuracy": test_accuracy(classifier, test, test_labels),
            "feature_dim": classifier.feature_dim,
            "architecture": evaluator.config["architecture"],
            "training_seed": payload["seed"],
        },
        "sample_metrics": scores,
        "fid_by_sampling_seed": {"fid": fid_per_seed, **ranking_across_seeds(fid_per_seed)},
    }


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_settings_arguments(parser)
    parser.add_argument("--evaluator", type=Path, required=True, help="the evaluator classifier's checkpoint")
    parser.add_argument(
        "--second-evaluator",
        type=Path,
        help="a second evaluator's checkpoint: every sample metric is computed in its feature space too",
    )
    parser.add_argument(
        "--samples",
        type=named_path,
        action="append",
        required=True,
        metavar="MODEL=PATH",
        help="a model's evaluation samples (.npz), one per model",
    )
    parser.add_argument(
        "--checkpoint",
        type=named_path,
        action="append",
        required=True,
        metavar="MODEL=PATH",
        help="the VAE's and the DDPM's checkpoints, for their likelihood bounds",
    )
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--bound-figure", type=Path, help="draw the DDPM bound's terms by timestep here")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    missing = [f"--samples {model}=PATH" for model in MODELS if model not in dict(args.samples)]
    missing += [f"--checkpoint {model}=PATH" for model in ("vae", "ddpm") if model not in dict(args.checkpoint)]
    if missing:
        parser.error(f"missing {', '.join(missing)}")
    warnings.filterwarnings("ignore", message=".*will save all extracted features.*")

    configure_threads(args.threads)
    settings = args.settings
    seed, device = settings["seed"], settings["device"]
    checkpoints = dict(args.checkpoint)
    # Checked first: a bad sample file fails before minutes of loading and embedding.
    drawn = {
        model: load_samples(dict(args.samples)[model], minimum_images(), fields=("seed_of_image", "sampler"))
        for model in MODELS
    }
    test_uint8, test_labels = load_split(args.data_dir, train=False)
    train_uint8, _ = load_split(args.data_dir, train=True)
    test = to_unit_float(test_uint8)

    real = to_unit_float(train_uint8[random_subset(settings["real_images"], len(train_uint8), seed)])
    samples = {REAL_ROW: real}
    sampling, seed_of_image = {}, {}
    for model in MODELS:
        samples[model] = to_unit_float(torch.from_numpy(drawn[model]["images"]))
        seed_of_image[model] = torch.from_numpy(drawn[model]["seed_of_image"])
        # Timings stay out: this file is compared byte for byte.
        sampling[model] = {"sampler": drawn[model]["sampler"]}
    primary = score_in_feature_space(args.evaluator, samples, seed_of_image, test, test_labels, seed, device)
    record = {**primary, "reference": "the 10,000 MNIST test images", "sampling": sampling}
    if args.second_evaluator is not None:
        record["second_evaluator"] = score_in_feature_space(
            args.second_evaluator, samples, seed_of_image, test, test_labels, seed, device
        )
    record["likelihood"] = {
        "vae": vae_likelihood(load_task(checkpoints["vae"], device)[0], test, settings, seed),
        "ddpm": ddpm_likelihood(load_task(checkpoints["ddpm"], device)[0], test_uint8, settings, seed),
    }
    if args.bound_figure is not None:
        ddpm = record["likelihood"]["ddpm"]
        plot_bound_terms(ddpm["terms_bits_per_dim"], ddpm["negative_bound"]["bits_per_dim"], args.bound_figure)
    write_json(args.out, record)
    record_provenance(args.provenance, "genreport.cli.evaluate", settings)
    print(json.dumps({k: (v["fid"], v["precision"], v["recall"]) for k, v in record["sample_metrics"].items()}))


if __name__ == "__main__":
    main()
