"""Every path of a run, written once: the workflow's rules and the report's reader both ask here.

A run lives in `<results_dir>/<preset>/`. Each method returns the path of one kind of file; a
Snakemake wildcard passed as a name ("{model}") comes back unchanged inside the path.
"""

from __future__ import annotations

from pathlib import Path

# The report's Figures 1-6 and the figures the experiments add, by the key the report uses:
# (file stem under figures/, the job whose provenance record says how it was drawn).
FIGURES = {
    "fig1": ("fig1_vae_reconstructions", "notebook_vae"),
    "fig2": ("fig2_vae_samples", "notebook_vae"),
    "fig3": ("fig3_vae_interpolation", "notebook_vae"),
    "evolution_vae": ("evolution_vae", "notebook_vae"),
    "fig4": ("fig4_gan_samples", "notebook_gan"),
    "fig5": ("fig5_gan_interpolation", "notebook_gan"),
    "evolution_gan": ("evolution_gan", "notebook_gan"),
    "fig6": ("fig6_ddpm_samples", "notebook_ddpm"),
    "evolution_ddpm": ("evolution_ddpm", "notebook_ddpm"),
}
EXPERIMENT_FIGURES = {
    "detach": ("detach_samples", "detach_experiment"),
    "reconstruction": ("reconstruction_vae_gan", "reconstruction_experiment"),
    "fig7": ("fig7_ddpm_interpolation", "interpolation_experiment"),
    "curves": ("quality_vs_compute", "quality_curves"),
    "bound": ("ddpm_bound_terms", "evaluate"),
    "samples": ("samples_side_by_side", "evaluate"),
    "detach_full": ("detach_samples_full_budget", "detach_repeats_experiment"),
}
# Each experiment writes experiments/<name>.json.
# The last two are the opt-in `robustness` target's: the report uses them where they exist.
EXPERIMENTS = (
    "detach",
    "reconstruction",
    "probes",
    "interpolation",
    "samplers",
    "curves",
    "seeds",
    "seed_repeats",
    "detach_repeats",
)


def notebook_figures(model: str) -> list[str]:
    """The figure stems the notebook of `model` draws."""
    return [stem for stem, job in FIGURES.values() if job == f"notebook_{model}"]


class RunLayout:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def train_dir(self, model: str) -> Path:
        return self.root / "train" / model

    def checkpoint(self, model: str) -> Path:
        return self.train_dir(model) / "checkpoint.pt"

    def training_metrics(self, model: str) -> Path:
        return self.train_dir(model) / "metrics.json"

    def detach_dir(self, variant: str) -> Path:
        return self.root / "experiments" / "detach" / variant

    def seed_variant_dir(self, model: str) -> Path:
        return self.root / "experiments" / "seeds" / model

    def robust_seed_dir(self, model: str, seed: int | str) -> Path:
        """A model trained again from `seed` by the robustness target."""
        return self.root / "experiments" / "robustness" / f"seed{seed}" / model

    def robust_detach_dir(self, variant: str, seed: int | str) -> Path:
        """A detach variant trained at the GAN's full budget from `seed` by the robustness target."""
        return self.root / "experiments" / "robustness" / "detach" / f"seed{seed}" / variant

    def samples(self, model: str) -> Path:
        return self.root / "samples" / f"{model}.npz"

    def seed_variant_samples(self, model: str) -> Path:
        return self.seed_variant_dir(model) / "samples.npz"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.json"

    def measurements(self, model: str) -> Path:
        return self.root / "measurements" / f"{model}.json"

    def figure(self, stem: str) -> Path:
        return self.root / "figures" / f"{stem}.png"

    def experiment(self, name: str) -> Path:
        return self.root / "experiments" / f"{name}.json"

    def notebook(self, name: str) -> Path:
        return self.root / "notebooks" / f"{name}.ipynb"

    def report_file(self, suffix: str) -> Path:
        return self.root / "report" / f"report.{suffix}"

    def provenance(self, job: str) -> Path:
        return self.root / "provenance" / f"{job}.json"

    def log(self, job: str) -> Path:
        return self.root / "logs" / f"{job}.log"

    def benchmark(self, job: str) -> Path:
        return self.root / "benchmarks" / f"{job}.tsv"
