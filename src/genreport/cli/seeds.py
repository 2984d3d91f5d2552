"""The seed experiment: models trained again from another seed, scored like the main ones.

Run by the workflow's `seed_experiment` rule. Each retrained model's evaluation samples (drawn with
the main samples' count, sampler and sampling seeds) are scored in every evaluator's feature space;
the main models' scores are in metrics.json, so the report ranks the models once per training seed.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import torch

from ..data import load_split, to_unit_float
from ..measure.evaluation import embed, minimum_images, score_image_set
from ..pipeline.experiments import check_settings
from ..runtime import configure_threads
from ..store.files import write_json
from ..store.samples import load_samples
from ..tasks.loading import load_task
from .common import add_settings_arguments, named_path, reports_errors


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_settings_arguments(parser)
    parser.add_argument(
        "--evaluator",
        type=named_path,
        action="append",
        required=True,
        metavar="NAME=PATH",
        help="an evaluator's checkpoint, one per evaluator",
    )
    parser.add_argument(
        "--samples",
        type=named_path,
        action="append",
        default=[],
        metavar="MODEL=PATH",
        help="a retrained model's evaluation samples (.npz)",
    )
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*will save all extracted features.*")

    check_settings("seeds", args.settings)
    configure_threads(args.threads)
    settings = args.settings
    drawn = {model: load_samples(path, minimum_images(), fields=("sampler",)) for model, path in args.samples}
    images = {model: to_unit_float(torch.from_numpy(d["images"])) for model, d in drawn.items()}
    test = to_unit_float(load_split(args.data_dir, train=False)[0])
    scores = {}
    for name, checkpoint in args.evaluator:
        evaluator, _ = load_task(checkpoint, settings["device"])
        classifier = evaluator.model.eval().cpu()
        reference = embed(classifier, test)
        scores[name] = {
            model: score_image_set(classifier, reference, batch, seed=settings["seed"])
            for model, batch in images.items()
        }
    write_json(
        args.out,
        {
            "training_seed": settings["retrain_seed"],
            "models": list(images),
            "samplers": {model: d["sampler"] for model, d in drawn.items()},
            "sample_metrics": scores,
        },
    )
    print({name: {m: round(s["fid"], 2) for m, s in per.items()} for name, per in scores.items()})


if __name__ == "__main__":
    main()
