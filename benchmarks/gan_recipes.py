"""The GAN recipe ablation: each change to the plain DCGAN recipe, one at a time, at equal epochs.

    python benchmarks/gan_recipes.py --preset cpu --epochs 3 --data-dir data \\
        --evaluator results/cpu/train/evaluator/checkpoint.pt --out benchmarks/gan_recipes_cpu.json

Every variant trains the preset's GAN (its networks, batch size, precision) from one seed with the
pipeline's own training loop for --epochs epochs on the MNIST training images, then draws --images
samples from one fixed noise and scores them with the run's evaluator against the 10,000 test
images, twice: from the trained generator and from the moving average of its weights (the average
does not change training, so one run gives both). Prints a table, the seconds each variant took
(spectral norm costs time per step) and JSON.
"""

from __future__ import annotations

import torch
from ablation import ablation_parser, set_up, train_epochs, write_record

from genreport.measure.evaluation import score_image_set
from genreport.runtime import seed_everything
from genreport.seeds import EVALUATION_SAMPLES, stream_seed
from genreport.tasks import build_task

PLAIN = {"spectral_norm": False}
VARIANTS = {
    "DCGAN (one lr, batch norm)": PLAIN,
    "two time scales (D 4e-4, G 1e-4)": {**PLAIN, "lr": 1.0e-4, "discriminator_lr": 4.0e-4},
    "spectral norm in D": {"spectral_norm": True},
    "spectral norm + two time scales": {"spectral_norm": True, "lr": 1.0e-4, "discriminator_lr": 4.0e-4},
}
RECIPE_KEYS = ("lr", "discriminator_lr", "spectral_norm", "ema_decay")


def main() -> None:
    parser = ablation_parser(__doc__, list(VARIANTS), images=2000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--ema-decay", type=float, default=0.999)
    args = parser.parse_args()

    setup = set_up(args)
    preset, device, images, classifier, reference = (
        setup.preset,
        setup.device,
        setup.images,
        setup.classifier,
        setup.reference,
    )
    seed = preset["seed"]
    record = {
        "machine": setup.machine,
        "preset": args.preset,
        "epochs": args.epochs,
        "images": args.images,
        "ema_decay": args.ema_decay,
        "variants": {},
    }
    base = {key: value for key, value in preset["gan"].items() if key not in RECIPE_KEYS}
    for name in args.variants:
        config = {**base, "lr": preset["gan"]["lr"], **VARIANTS[name], "ema_decay": args.ema_decay}
        seed_everything(seed)
        task = build_task("gan", config, device)
        trained = train_epochs(task, images, args.epochs, config["batch_size"], seed)
        seconds = trained["total_train_time_s"]
        entry = {
            "recipe": {key: config.get(key) for key in RECIPE_KEYS},
            "precision": task.precision,
            "train_seconds": seconds,
            "last_epoch": {key: trained["epochs"][-1][key] for key in ("loss_d", "loss_g", "d_real", "d_fake")},
        }
        noise = task.noise(args.images, torch.Generator().manual_seed(stream_seed(seed, EVALUATION_SAMPLES)))
        for weights, use_ema in (("trained weights", False), ("moving average", True)):
            samples = torch.cat([task.generate(batch, use_ema=use_ema) for batch in noise.split(1000)])
            scores = score_image_set(classifier, reference, samples, seed=seed)
            entry[weights] = {key: scores[key] for key in ("fid", "kid", "mean_top_probability", "class_shares")}
            print(
                f"{name:34s} {weights:16s} {seconds:6.0f} s  FID {scores['fid']:7.2f}  "
                f"top-class p {scores['mean_top_probability']:.3f}",
                flush=True,
            )
        record["variants"][name] = entry
    write_record(record, args.out)


if __name__ == "__main__":
    main()
