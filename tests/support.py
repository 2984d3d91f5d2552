"""What the tests share: the project's paths, running Snakemake on a copy, comparing training runs, and
the results of a made-up run for the report's tests."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
import yaml

from genreport.config import RECORDED_DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
# Tests and the pipelines they start keep their per-machine measurements (the bf16 probe) apart from the user's.
os.environ["GENREPORT_CACHE_DIR"] = tempfile.mkdtemp(prefix="genreport-test-cache-")


def mnist_source() -> Path | None:
    """The offline MNIST directory for the pipeline test: the env var, else ../shared/data/mnist."""
    candidates = [os.environ.get("GENREPORT_MNIST_DIR"), ROOT.parent / "shared" / "data" / "mnist"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "t10k-images-idx3-ubyte.gz").is_file():
            return Path(candidate).resolve()
    return None


def planned_jobs(dry_run_output: str) -> dict[str, str]:
    """The jobs of a `snakemake -n` run, each as `rule` or `rule[wildcard values]`, with its text block."""
    jobs, name, block = {}, None, []

    def close():
        if name is not None:
            text = "\n".join(block)
            values = [line.split(":", 1)[1].strip() for line in block if line.strip().startswith("wildcards:")]
            label = name if not values else f"{name}[{','.join(v.split('=', 1)[1] for v in values[0].split(', '))}]"
            jobs[label] = text

    for line in dry_run_output.splitlines():
        if line.startswith(("rule ", "localrule ")) and line.endswith(":"):
            close()
            name, block = line.split(" ", 1)[1][:-1], []
        elif name is not None:
            if not line.startswith("    "):
                close()
                name, block = None, []
            else:
                block.append(line)
    close()
    return jobs


# What a fresh clone needs to run the pipeline (published runs, caches and local outputs left out).
PROJECT_FILES = ("Snakefile", "config", "workflow", "profiles", "src", "notebooks", "environment.yml", "pyproject.toml")


def copy_project(target: Path, preset: str, settings: dict[str, str] | None = None) -> Path:
    """A copy of the project as a clone has it, with config/config.yaml choosing `preset` and holding `settings`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    config_file = target / "config" / "config.yaml"
    config = yaml.safe_load(config_file.read_text())
    config.update(preset=preset, **(settings or {}))
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


def project_settings(project: Path) -> dict:
    """The settings in a project copy's config/config.yaml."""
    return yaml.safe_load((project / "config" / "config.yaml").read_text())


def rehearsal_settings(name: str) -> str:
    """The `--config set` pairs of config/rehearsals/<name>.txt, as `make rehearse-<name>` passes them."""
    lines = (ROOT / "config" / "rehearsals" / f"{name}.txt").read_text().splitlines()
    return " ".join(line for line in lines if not line.startswith("#"))


def run_folder(project: Path, preset: str = "smoke") -> Path:
    """Where `preset`'s run lives in a project copy: under the results_dir its config.yaml names."""
    return project / project_settings(project)["results_dir"] / preset


def snakemake(
    project: Path, *arguments: str, config: dict[str, str] | None = None, timeout: float = 1200
) -> subprocess.CompletedProcess:
    """Run Snakemake in `project` as a user would, from its folder, with `config` as --config values."""
    if project_settings(project).get("mnist_source"):
        config = {"mnist_source": project_settings(project)["mnist_source"], **(config or {})}
    return subprocess.run(
        snakemake_command(*arguments, config=config), cwd=project, capture_output=True, text=True, timeout=timeout
    )


def snakemake_command(*arguments: str, config: dict[str, str] | None = None) -> list[str]:
    """The command line of a Snakemake run (the offline MNIST copy as mnist_source when there is one)."""
    values = dict(config or {})
    source = mnist_source()
    if source is not None:
        values.setdefault("mnist_source", str(source))
    settings = ["--config", *(f"{key}={value}" for key, value in values.items())] if values else []
    return [sys.executable, "-m", "snakemake", "--cores", "2", *arguments, *settings]


def weights_and_losses(out: Path) -> tuple[dict[str, torch.Tensor], list[dict[str, float]]]:
    """A training run's weights and per-epoch losses (its timings left out)."""
    payload = torch.load(out / "checkpoint.pt", weights_only=True)
    flat = {f"{group}.{name}": value for group, state in payload["modules"].items() for name, value in state.items()}
    epochs = json.loads((out / "metrics.json").read_text())["epochs"]
    losses = [{k: v for k, v in e.items() if k not in ("wall_time_s", "images_per_s", "sample_time_s")} for e in epochs]
    return flat, losses


def assert_same_run(a: Path, b: Path) -> None:
    """Two training runs (folders with checkpoint.pt and metrics.json) ended with the same weights and losses."""
    weights_a, losses_a = weights_and_losses(a)
    weights_b, losses_b = weights_and_losses(b)
    assert losses_a == losses_b
    assert weights_a.keys() == weights_b.keys()
    for name in weights_a:
        assert torch.equal(weights_a[name], weights_b[name]), name


# A made-up run's results, as report.results.load_results returns them (the parts the answers read).
def model(name, sharpness, train_time, per_sample, ratio=1.2, losses=None):
    losses = losses or (
        {"loss_d": 1.0, "loss_g": 1.0, "d_real": 0.6, "d_fake": 0.4} if name == "gan" else {"loss": 0.5}
    )
    if name == "vae":
        losses = {"loss": 100.0, "reconstruction": 80.0, "kl": 20.0}
    return {
        "name": name,
        "device": "cpu (test)",
        "torch": "x",
        "seed": 0,
        "epochs": 3,
        "steps": 300,
        "train_images": 1000,
        "config": {"latent_dim": 8, "likelihood": "bernoulli", **RECORDED_DEFAULTS["ddpm"]},
        "parameters": {"model": 10},
        "parameters_total": 10,
        "train_time_s": train_time,
        "images_per_s": 100.0,
        "first_losses": {k: v * 2 for k, v in losses.items()},
        "final_losses": losses,
        "sharpness_ratio": sharpness,
        "sharpness_by_epoch": [(1, 0.5 * sharpness * 0.1), (3, 0.1 * sharpness)],
        "measurements": {
            "seconds_per_sample": per_sample,
            "sharpness_samples": sharpness * 0.1,
            "sharpness_test_images": 0.1,
            "interpolation": {"mean_step_rms": 0.05, "max_over_mean_step": ratio, "worst_max_over_mean_step": ratio},
            "interpolation_pairs": 6,
            "interpolation_frames": 10,
            "reconstruction_mse": 0.01,
            "test_negative_elbo": {"loss": 100.0, "reconstruction": 80.0, "kl": 20.0},
            "sampling_steps": 1000,
        },
    }


def results(vae_sharp=0.6, gan_sharp=0.95, ddpm_sharp=0.9, ratio=1.2):
    return {
        "preset": "test",
        "models": {
            "vae": model("vae", vae_sharp, 60.0, 1e-4, ratio),
            "gan": model("gan", gan_sharp, 120.0, 1e-4, ratio),
            "ddpm": model("ddpm", ddpm_sharp, 600.0, 0.2, ratio),
        },
    }


def mnist_test_images(count: int, split: str = "t10k") -> torch.Tensor | None:
    """The first `count` MNIST test digits (`split` "train": training digits) as [N, 1, 28, 28] in [0, 1], read
    from the offline IDX file."""
    source = mnist_source()
    if source is None:
        return None
    with gzip.open(source / f"{split}-images-idx3-ubyte.gz") as file:
        raw = file.read()
    images = torch.frombuffer(bytearray(raw[16 : 16 + count * 784]), dtype=torch.uint8)
    return images.view(count, 1, 28, 28).float() / 255.0
