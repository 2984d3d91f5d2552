"""The VAE recipe ablation: each change to the plain convolutional VAE, one at a time, at equal epochs.

    python benchmarks/vae_recipes.py --preset cpu --epochs 4 --seeds 0 1 --data-dir data \\
        --evaluator results/cpu/train/evaluator/checkpoint.pt \\
        --second-evaluator results/cpu/train/second_evaluator/checkpoint.pt --out benchmarks/vae_schedule_cpu.json

Every variant trains the preset's VAE (batch size, learning rate, dynamic binarization) from each of
--seeds with the pipeline's own training loop for --epochs epochs, then measures what the report
measures: the importance-weighted bound on the preset's binarized test subset (its `iwae_images`,
`iwae_samples`) and the FID of --images samples from one fixed noise against the 10,000 test images,
in the run's evaluator (and, with --second-evaluator, in the second one too, with intervals). A wider
network or a smaller batch costs time per epoch, so the seconds are printed beside each result.
"""

from __future__ import annotations

import torch
from ablation import ablation_parser, chosen_evaluators, score_in_each, score_line, set_up, train_epochs, write_record

from genreport.data import load_test_images
from genreport.measure.likelihood import vae_likelihood
from genreport.runtime import seed_everything
from genreport.seeds import EVALUATION_SAMPLES, stream_seed
from genreport.tasks import build_task

PLAIN = {"channels": 32, "latent_dim": 16, "kl_warmup_steps": 0}
VARIANTS = {
    "plain (32 channels, 16 latents)": PLAIN,
    "32 latents": {**PLAIN, "latent_dim": 32},
    "KL warm-up (2,000 steps)": {**PLAIN, "kl_warmup_steps": 2000},
    "64 channels": {**PLAIN, "channels": 64},
    # The learning rate's schedule: a half cosine down to 0 at the last step, after a short linear warm-up.
    "cosine learning rate from 1e-3": {**PLAIN, "lr_schedule": "warmup_cosine", "lr_warmup_steps": 100},
    "cosine learning rate from 2e-3": {**PLAIN, "lr": 2.0e-3, "lr_schedule": "warmup_cosine", "lr_warmup_steps": 100},
    "cosine learning rate from 4e-3": {**PLAIN, "lr": 4.0e-3, "lr_schedule": "warmup_cosine", "lr_warmup_steps": 100},
    "batch 64, cosine from 2e-3": {
        **PLAIN,
        "batch_size": 64,
        "lr": 2.0e-3,
        "lr_schedule": "warmup_cosine",
        "lr_warmup_steps": 200,
    },
}


def main() -> None:
    parser = ablation_parser(__doc__, list(VARIANTS), images=2000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="+", help="training seeds (default: the preset's)")
    args = parser.parse_args()

    setup = set_up(args)
    preset, device = setup.preset, setup.device
    evaluators = chosen_evaluators(setup, args)
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
    for seed in args.seeds or [preset["seed"]]:
        for name in args.variants:
            config = {**preset["vae"], **VARIANTS[name]}
            seed_everything(seed)
            task = build_task("vae", config, device)
            trained = train_epochs(task, setup.images, args.epochs, config["batch_size"], seed)
            likelihood = vae_likelihood(task, test, preset["evaluation"], seed)
            noise = task.noise(args.images, torch.Generator().manual_seed(stream_seed(seed, EVALUATION_SAMPLES)))
            samples = torch.cat([task.generate(batch) for batch in noise.split(1000)])
            scores = score_in_each(evaluators, samples, seed)
            entry = record["variants"].setdefault(
                name, {"recipe": VARIANTS[name], "parameters": task.parameter_counts()["model"], "seeds": {}}
            )
            entry["seeds"][str(seed)] = {
                "train_seconds": trained["total_train_time_s"],
                "negative_elbo": likelihood["negative_elbo"]["mean"],
                "negative_iwae_bound": likelihood["negative_iwae_bound"]["mean"],
                "iwae_standard_error": likelihood["negative_iwae_bound"]["standard_error"],
                **scores,
            }
            result = entry["seeds"][str(seed)]
            print(
                f"seed {seed} {name:34s} {result['train_seconds']:6.0f} s  -ELBO {result['negative_elbo']:6.2f}  "
                f"-IWAE {result['negative_iwae_bound']:6.2f} ± {result['iwae_standard_error']:.2f}  "
                f"{score_line(scores)}",
                flush=True,
            )
            if args.out:
                write_record(record, args.out, quiet=True)
    write_record(record, args.out)


if __name__ == "__main__":
    main()
