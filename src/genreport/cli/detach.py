"""Score the detach experiment: three GANs trained alike except for how the discriminator step sees the fakes.

Run by the workflow's `detach_experiment` rule, which passes the preset values it uses as --settings.
"""

from __future__ import annotations

import json

import torch

from ..data import load_test_images
from ..errors import CheckpointError
from ..figures.plotting import figure_of_rows
from ..measure.evaluation import embed, score_image_set
from ..report.formatting import plural
from ..seeds import DETACH_SAMPLES, stream_seed
from ..store.files import read_json, write_json
from ..store.provenance import record_provenance
from ..tasks.loading import load_evaluator, load_task
from ..vocabulary import DETACH_VARIANTS
from .common import reports_errors
from .experiments import experiment_parser, start_experiment


@reports_errors
def main(argv=None) -> None:
    args = experiment_parser(__doc__, figure="the samples of the three GANs").parse_args(argv)

    settings, seed = start_experiment(args, "detach")
    classifier = load_evaluator(args.evaluator, settings["device"])
    reference = embed(classifier, load_test_images(args.data_dir))
    record, rows = {"epochs": settings["detach_epochs"], "samples": settings["detach_samples"], "variants": {}}, []
    for variant, description in DETACH_VARIANTS.items():
        checkpoint = args.checkpoint[variant]
        task, _ = load_task(checkpoint, settings["device"])
        if getattr(task, "discriminator_input", None) != variant:
            raise CheckpointError(f"{checkpoint} is not the '{variant}' GAN of the detach experiment")
        training = read_json(checkpoint.parent / "metrics.json")
        images = task.generate(
            task.noise(settings["detach_samples"], torch.Generator().manual_seed(stream_seed(seed, DETACH_SAMPLES)))
        )
        final = training["epochs"][-1]
        record["variants"][variant] = {
            "description": description,
            "steps": training["steps"],
            "seconds_per_step": training["seconds_per_step"],
            "final_losses": {k: final[k] for k in ("loss_d", "loss_g", "d_real", "d_fake")},
            **score_image_set(classifier, reference, images, seed=seed),
        }
        rows.append(images[:12])
    figure_of_rows(
        rows,
        ["detached", "no detach,\nreset", "no detach,\nno reset"],
        f"GAN samples after {plural(settings['detach_epochs'], 'epoch')}, three discriminator steps",
        args.figure,
    )
    write_json(args.out, record)
    record_provenance(args.provenance, "genreport.cli.detach", args.settings)
    print(json.dumps({v: (r["fid"], r["seconds_per_step"]) for v, r in record["variants"].items()}))


if __name__ == "__main__":
    main()
