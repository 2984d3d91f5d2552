"""Draw a model's evaluation samples.

`python -m genreport.cli.sample --settings JSON --checkpoint C --out samples/vae.npz`.

Settings: `count`, `seed`, `device` and, for the DDPM, `sampler` (`ancestral`, `ddim:<steps>` or `dpm_solver:<steps>`).

Writes uint8 images [N, 28, 28] with the seeds, the checkpoint and the sampler recorded beside them.
The first half of the images comes from the settings' `seed`, the second from the next stream
(seeds.SECOND_SAMPLE_HALF), so the evaluation can check that its ranking of the models holds across two sampling seeds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..runtime import configure_threads
from ..seeds import SECOND_SAMPLE_HALF, stream_seed
from ..store.samples import save_samples
from ..tasks.drawing import BATCH_SIZE, draw
from ..tasks.loading import load_task
from .common import add_settings_arguments, reports_errors


@reports_errors
def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--model", help="the model the checkpoint must hold (vae, gan, ddpm)")
    parser.add_argument("--out", type=Path, required=True)
    add_settings_arguments(parser)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    configure_threads(args.threads)
    settings = args.settings
    task, payload = load_task(
        args.checkpoint, settings["device"], expected=args.model, expected_config=settings.get("model_config")
    )
    seeds = [settings["seed"], stream_seed(settings["seed"], SECOND_SAMPLE_HALF)]
    setting = settings.get("sampler")
    images, seed_of_image, seconds_per_sample, sampler = draw(task, settings["count"], seeds, args.batch_size, setting)
    save_samples(
        args.out,
        images,
        seed_of_image=seed_of_image,
        batch_size=args.batch_size,
        sampler_setting=setting or "",
        checkpoint=str(args.checkpoint),
        model=payload["model"],
        epoch=payload["epoch"],
        sampler=sampler,
        seconds_per_sample=seconds_per_sample,
    )
    print(f"{payload['model']}: {settings['count']} samples ({sampler}), {seconds_per_sample * 1e3:.2f} ms per sample")


if __name__ == "__main__":
    main()
