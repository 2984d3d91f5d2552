"""The VAE recipe ablation: each change to the plain convolutional VAE, one at a time, at equal epochs.

    python benchmarks/vae_recipes.py --preset cpu --epochs 10 --data-dir data \\
        --evaluator results/cpu/train/evaluator/checkpoint.pt --out benchmarks/vae_recipes_cpu.json

Every variant trains the preset's VAE (batch size, learning rate, dynamic binarization) from one seed
with the pipeline's own training loop for --epochs epochs, then measures what the report measures:
the importance-weighted bound on the preset's binarized test subset (its `iwae_images`, `iwae_samples`)
and the FID of --images samples from one fixed noise against the 10,000 test images in the run's
evaluator. A wider network costs time per step, so the seconds are printed beside each result.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch
from ablation import ablation_parser, set_up, write_record

from genreport.data import load_test_images
from genreport.measure.evaluation import score_image_set
from genreport.measure.likelihood import vae_likelihood
from genreport.runtime import seed_everything
from genreport.seeds import EVALUATION_SAMPLES, stream_seed
from genreport.tasks import build_task
from genreport.tasks.loading import load_task
from genreport.training.loop import train

PLAIN = {"channels": 32, "latent_dim": 16, "kl_warmup_steps": 0}
VARIANTS = {
    "plain (32 channels, 16 latents)": PLAIN,
    "32 latents": {**PLAIN, "latent_dim": 32},
    "KL warm-up (2,000 steps)": {**PLAIN, "kl_warmup_steps": 2000},
    "64 channels": {**PLAIN, "channels": 64},
}


def main() -> None:
    parser = ablation_parser(__doc__, list(VARIANTS), images=2000)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()

    setup = set_up(args)
    preset, device, seed = setup.preset, setup.device, setup.preset["seed"]
    test = load_test_images(args.data_dir)
    record = {
        "machine": setup.machine,
        "preset": args.preset,
        "epochs": args.epochs,
        "images": args.images,
        "iwae_images": preset["evaluation"]["iwae_images"],
        "iwae_samples": preset["evaluation"]["iwae_samples"],
        "variants": {},
    }
    for name in args.variants:
        config = {**preset["vae"], **VARIANTS[name]}
        seed_everything(seed)
        task = build_task("vae", config, device)
        with tempfile.TemporaryDirectory() as scratch:
            trained = train(
                task,
                setup.images,
                Path(scratch),
                epochs=args.epochs,
                batch_size=config["batch_size"],
                seed=seed,
                sample_epochs=[],
                sample_count=4,
                run_info={},
                progress=False,
            )
            checkpoint = Path(scratch) / "checkpoint.pt"
            likelihood = vae_likelihood(load_task(checkpoint, str(device))[0], test, preset["evaluation"], seed)
        samples = torch.cat(
            [
                task.generate(batch)
                for batch in task.noise(
                    args.images, torch.Generator().manual_seed(stream_seed(seed, EVALUATION_SAMPLES))
                ).split(1000)
            ]
        )
        scores = score_image_set(setup.classifier, setup.reference, samples, seed=seed)
        entry = {
            "recipe": VARIANTS[name],
            "train_seconds": trained["total_train_time_s"],
            "parameters": task.parameter_counts()["model"],
            "negative_elbo": likelihood["negative_elbo"]["mean"],
            "negative_iwae_bound": likelihood["negative_iwae_bound"]["mean"],
            "iwae_standard_error": likelihood["negative_iwae_bound"]["standard_error"],
            **{key: scores[key] for key in ("fid", "mean_top_probability", "class_shares")},
        }
        record["variants"][name] = entry
        print(
            f"{name:34s} {entry['train_seconds']:6.0f} s  -ELBO {entry['negative_elbo']:6.2f}  "
            f"-IWAE {entry['negative_iwae_bound']:6.2f} ± {entry['iwae_standard_error']:.2f}  "
            f"FID {entry['fid']:7.2f}  top-class p {entry['mean_top_probability']:.3f}",
            flush=True,
        )
    write_record(record, args.out)


if __name__ == "__main__":
    main()
