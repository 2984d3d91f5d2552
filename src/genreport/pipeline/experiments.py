"""The experiments behind the answers, declared once: what each runs, which settings and files it reads.

The workflow generates one rule per entry from this table (workflow/rules/experiments.smk), and each
entry point checks that the settings it received are exactly the ones declared here. Kept free of torch.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from ..vocabulary import MODELS

# What every job receives beside an experiment's own settings.
COMMON_SETTINGS = ("seed", "device")


@dataclass(frozen=True)
class Experiment:
    name: str  # it writes experiments/<name>.json
    rule: str  # the workflow's rule, whose provenance, log and benchmark files carry its name
    entry_point: str
    question: str  # the rule's docstring: the question it measures
    settings: tuple[str, ...] = ()  # keys of the preset's `experiments` section, or "section.key" of another
    checkpoints: tuple[str, ...] = ()  # trained models it reads, as --checkpoint NAME=PATH
    loads_models: bool = True  # rebuilds those models (so depends on their task code), or reads files beside them
    evaluator: bool = True  # reads the first evaluator's checkpoint (--evaluator PATH)
    # Other inputs, each a kind the workflow knows: "detach_variants", "training_records",
    # "ddpm_samples", "both_evaluators", "seed_variant_samples", "robust_seed_samples", "robust_detach_variants".
    reads: tuple[str, ...] = ()
    figure: str = ""  # the key in store/layout.EXPERIMENT_FIGURES of the figure it draws, if any
    provenance: bool = False  # records what made its figure
    light: bool = False  # a small job for a cluster scheduler
    caption: str = ""  # workflow/report/<caption>.rst
    category: str = ""  # its section of Snakemake's report
    opt_in: bool = False  # run by the `robustness` target only; the report uses its record where it exists


EXPERIMENTS = {
    job.name: job
    for job in (
        Experiment(
            "detach",
            "detach_experiment",
            "genreport.cli.detach",
            "Question 2.3: what detaching the fakes in the discriminator step changes, measured.",
            settings=("detach_epochs", "detach_samples"),
            reads=("detach_variants",),
            figure="detach",
            provenance=True,
            caption="detach",
            category="2. GAN",
        ),
        Experiment(
            "reconstruction",
            "reconstruction_experiment",
            "genreport.cli.reconstruct",
            "Question 2.4 a: VAE reconstructions against GAN inversions of the same test images.",
            settings=("inversion_images", "inversion_steps", "inversion_restarts"),
            checkpoints=("vae", "gan"),
            figure="reconstruction",
            provenance=True,
            caption="reconstruction",
            category="2. GAN",
        ),
        Experiment(
            "probes",
            "probe_experiment",
            "genreport.cli.probe",
            "Question 2.4 c: linear probes of each model's representation.",
            settings=(
                "probe_labels_per_class",
                "probe_train_images",
                "probe_test_images",
                "probe_inversion_test_images",
                "probe_ddpm_timestep",
                "inversion_steps",
            ),
            checkpoints=MODELS,
            evaluator=False,
            caption="probes",
            category="2. GAN",
        ),
        Experiment(
            "interpolation",
            "interpolation_experiment",
            "genreport.cli.interpolate",
            "Questions 1.3 c and 2.2 c: how smoothly each model's interpolations change; the DDPM's figure.",
            settings=("interpolation_pairs", "interpolation_frames", "interpolation_sampler"),
            checkpoints=MODELS,
            figure="fig7",
            provenance=True,
            caption="interpolation",
            category="3. DDPM",
        ),
        Experiment(
            "samplers",
            "sampler_experiment",
            "genreport.cli.samplers",
            "Question 4: DDPM sampling cost and quality by sampler; moving average against raw weights.",
            settings=("sampler_images", "precision_images"),
            checkpoints=("ddpm",),
            reads=("ddpm_samples",),
            caption="samplers",
            category="4. Comparison",
        ),
        Experiment(
            "curves",
            "quality_curves",
            "genreport.cli.curves",
            "Quality against compute: every model's fixed-noise snapshots scored at each sampled epoch.",
            checkpoints=MODELS,
            loads_models=False,
            reads=("training_records",),
            figure="curves",
            provenance=True,
            light=True,
            caption="curves",
            category="4. Comparison",
        ),
        Experiment(
            "seeds",
            "seed_experiment",
            "genreport.cli.seeds",
            "Robust to retraining: the models of `experiments.retrain_models`, trained again from another seed, "
            "scored in both evaluators' feature spaces.",
            settings=("retrain_seed",),
            evaluator=False,
            reads=("both_evaluators", "seed_variant_samples"),
            caption="seeds",
            category="Measurements",
            opt_in=True,  # two more trainings: beyond the laptop run's budget
        ),
        Experiment(
            "seed_repeats",
            "seed_repeats_experiment",
            "genreport.cli.seed_repeats",
            "Robust to retraining, the opt-in repeat: every model trained again from each of "
            "`robustness.training_seeds`, scored in both evaluators' feature spaces.",
            settings=("robustness.training_seeds",),
            evaluator=False,
            reads=("both_evaluators", "robust_seed_samples"),
            caption="seed_repeats",
            category="Measurements",
            opt_in=True,
        ),
        Experiment(
            "detach_repeats",
            "detach_repeats_experiment",
            "genreport.cli.detach_repeats",
            "Question 2.3 at the GAN's full budget: the three discriminator steps trained from several seeds, "
            "their time per step timed repeatedly.",
            settings=(
                "detach_samples",
                "robustness.detach_seeds",
                "robustness.timing_repeats",
                "robustness.timing_steps",
            ),
            reads=("robust_detach_variants",),
            figure="detach_full",
            provenance=True,
            caption="detach_repeats",
            category="2. GAN",
            opt_in=True,
        ),
    )
}


def setting_name(key: str) -> str:
    """The name a job's settings give a declared key ("robustness.timing_steps" -> "timing_steps")."""
    return key.rpartition(".")[2]


def check_settings(name: str, settings: dict) -> None:
    """Refuse settings other than those the experiment `name` declares (a rule and its entry point out of step)."""
    wanted = {*COMMON_SETTINGS, *map(setting_name, EXPERIMENTS[name].settings)}
    missing, unknown = sorted(wanted - set(settings)), sorted(set(settings) - wanted)
    problems = []
    if missing:
        problems.append(f"lack {', '.join(missing)}")
    if unknown:
        problems.append(f"hold unknown {', '.join(unknown)}")
    if problems:
        raise ConfigError(
            f"the settings passed to the {name} experiment {' and '.join(problems)}: the rule and "
            "genreport/pipeline/experiments.py disagree; rerun snakemake from this checkout"
        )
