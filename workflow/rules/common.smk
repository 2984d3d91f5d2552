# What every stage shares: the preset, the run's paths, the settings each rule tracks,
# the source files each entry point imports, and what a job asks of a cluster scheduler.
import json
import os
import shlex
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(workflow.basedir)
# The workflow and its jobs run this checkout's package, the code each rule is tracked against,
# whichever environment runs them (an installed copy elsewhere, a conda environment of --sdm conda).
sys.path.insert(0, str(ROOT / "src"))
os.environ.update(PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))

from genreport.config import (CHANGED_SETTINGS_VARIABLE, COMMAND_LINE, apply_overrides, changed_settings, check_pipeline_settings,
                              command_line_overrides, load_preset, notebook_values, resolve_preset_name)
from genreport import strict_yaml
from genreport.errors import PipelineError
from genreport.pipeline import settings as job_settings
from genreport.pipeline.experiments import EXPERIMENTS
from genreport.store.layout import EXPERIMENT_FIGURES, RunLayout, notebook_figures
from genreport.vocabulary import DETACH_VARIANTS, EVALUATORS, MODELS, task_name
from genreport.pipeline.sources import source_files
from genreport.pipeline.watchdog import WORKFLOW_PID

# With --sdm conda every job runs in the environment environment.yml describes.
ENVIRONMENT = str(ROOT / "environment.yml")
# A bad setting or preset stops the workflow before any job, with one line (no traceback).
try:
    strict_yaml.read(ROOT / "config" / "config.yaml")  # a key given twice, an alias or a tag: one line, not a guess
    check_pipeline_settings(config, ROOT / "config" / "schema.yaml")
    PRESET = resolve_preset_name(config["preset"])
    FILE_SETTINGS = load_preset(PRESET, ROOT / "config" / "presets")
    OVERRIDES = command_line_overrides(config.get("set"))
    SETTINGS = apply_overrides(FILE_SETTINGS, OVERRIDES, ROOT / "config" / "presets" / f"{PRESET}.yaml", COMMAND_LINE)
    os.environ.update({CHANGED_SETTINGS_VARIABLE: json.dumps(changed_settings(SETTINGS, FILE_SETTINGS, OVERRIDES))})
except PipelineError as error:
    sys.exit(f"error: {error}")
if SETTINGS["experiments"]["retrain_seed"] == SETTINGS["seed"]:
    sys.exit(f"error: experiments.retrain_seed is the preset's seed ({SETTINGS['seed']}); choose another seed "
             "for the seed experiment in the preset file")
RUN = f"{config['results_dir']}/{PRESET}"
LAYOUT = RunLayout(RUN)
# A run's folder names the preset that made it (written when its first job starts): a folder copied or renamed
# under another preset's name would otherwise pass as that preset's run, "Nothing to be done".
RUN_RECORD = Path(RUN) / "run.json"
if RUN_RECORD.is_file():
    try:
        made_by = json.loads(RUN_RECORD.read_text()).get("preset")
    except (OSError, ValueError, AttributeError):
        made_by = None
    if made_by != PRESET:
        sys.exit(f"error: {RUN} was made by the {made_by!r} preset, not {PRESET!r} ({RUN_RECORD}): move or delete "
                 "the folder, or run the preset that made it")
DATA = config["data_dir"]
RETRAINED = SETTINGS["experiments"]["retrain_models"]


wildcard_constraints:
    model="|".join((*MODELS, *EVALUATORS)),
    variant="|".join(DETACH_VARIANTS),


# Jobs run `python` from the interpreter that runs Snakemake (a conda environment, with
# --sdm conda, comes first on the PATH and wins).
os.environ.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")

# Jobs stop when this process is gone (genreport.pipeline.watchdog), so killing Snakemake leaves no job running.
os.environ.update({WORKFLOW_PID: str(os.getpid())})

# A closed terminal (SIGHUP) stops the workflow as Ctrl-C does: Snakemake removes the incomplete
# outputs and its lock, so the next run needs no --unlock. Set once, where the workflow is parsed.
if threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGHUP, signal.default_int_handler)

# Where the MNIST files come from does not change them (their checksums are verified), so the
# source is handed to the data job through its environment, not as a tracked parameter.
if config.get("mnist_source"):
    os.environ.update(GENREPORT_MNIST_DIR=str(Path(config["mnist_source"]).resolve()))

# What each job asks of a cluster scheduler (SLURM through profiles/slurm); local runs ignore it.
# Jobs that run a model ask for a GPU when the preset computes on one; the rest need a CPU only.
MODEL_JOB = dict(mem_mb=16000, runtime=120, gpu=1 if SETTINGS["device"] == "cuda" else 0)
LIGHT_JOB = dict(mem_mb=4000, runtime=20)


def tracked(**values):
    """Settings as one JSON string, passed with --settings. Snakemake compares it with the
    value recorded for the outputs, so changing any of these values reruns the rule."""
    return json.dumps(values, sort_keys=True)


def common_settings(*experiment_keys):
    """The seed and device every job uses, with the named values of the preset's `experiments` section."""
    return job_settings.common_settings(SETTINGS, *experiment_keys)


def model_settings(model, seed=None, **overrides):
    """What training one model uses (pipeline/settings.py), its section changed by `overrides`, as tracked params."""
    section = SETTINGS[model]
    if overrides:
        changes = [f"{model}.{key}={json.dumps(value)}" for key, value in overrides.items()]
        section = apply_overrides(SETTINGS, changes, ROOT / "config" / "presets" / f"{PRESET}.yaml")[model]
    return tracked(**job_settings.model_settings(SETTINGS, PRESET, model, section=section, seed=seed))


def sample_settings(model):
    """How a model's evaluation samples are drawn (pipeline/settings.py), as tracked params."""
    return tracked(**job_settings.sample_settings(SETTINGS, model))


def in_workdir(path):
    """A path of the project as the working directory sees it (the project may live elsewhere)."""
    return os.path.relpath(path) if ROOT.resolve() == Path.cwd().resolve() else str(path)


def code(*modules, notebook=None):
    """The package's source files a job importing `modules` (and `notebook`'s imports) runs."""
    files = source_files(*modules, src=ROOT / "src", notebook=notebook)
    return [in_workdir(ROOT / name) for name in files]


def task(model):
    """The module a job loads by name to rebuild `model` from its checkpoint."""
    return f"genreport.tasks.{task_name(model)}"


def checkpoint_of(model):
    """The train rule's checkpoint of `model` ("{model}" keeps the wildcard)."""
    return expand(rules.train.output.checkpoint, model=model)[0]


def notebook_path(name):
    return in_workdir(ROOT / "notebooks" / f"{name}.ipynb")


def named_paths(flag, names, paths):
    """`--flag name=path` for each pair, quoted for the shell."""
    return " ".join(f"{flag} {shlex.quote(f'{name}={path}')}" for name, path in zip(names, paths))


def notebook_settings(model):
    """The preset values a model notebook uses, as papermill parameters."""
    return tracked(**notebook_values(SETTINGS, model))


def data_dir_of(wildcards, input):
    """The data folder, from the data rule's stamp among a job's inputs."""
    return os.path.dirname(input.data)


def results_dir_of(wildcards, input):
    """The run's folder, from its metrics.json among a job's inputs (absolute: notebooks run elsewhere)."""
    return os.path.abspath(os.path.dirname(input.metrics))


# The opt-in `robustness` target: every model trained again from each of `robustness.training_seeds`, and
# the detach comparison at the GAN's full budget from several seeds. Each training is its own job, so a
# cluster profile runs them side by side; a model and seed the seed experiment trained already is reused.
ROBUST = SETTINGS["robustness"]
TRAINING_SEEDS = [SETTINGS["seed"], *ROBUST["training_seeds"]]
DETACH_SEEDS = TRAINING_SEEDS[:ROBUST["detach_seeds"]]
if SETTINGS["seed"] in ROBUST["training_seeds"]:
    sys.exit(f"error: robustness.training_seeds holds the preset's seed ({SETTINGS['seed']}); list other seeds "
             "in the preset file")
if ROBUST["detach_seeds"] > len(TRAINING_SEEDS):
    sys.exit(f"error: robustness.detach_seeds is {ROBUST['detach_seeds']} but the run has {len(TRAINING_SEEDS)} "
             "training seeds; lower it or add robustness.training_seeds in the preset file")


wildcard_constraints:
    seed=r"\d+",


def seeded_checkpoint(model, seed):
    """The checkpoint of `model` trained from `seed`: the main one, the seed experiment's, or the robustness target's."""
    seed = int(seed)
    if seed == SETTINGS["seed"]:
        return checkpoint_of(model)
    if seed == SETTINGS["experiments"]["retrain_seed"] and model in RETRAINED:
        return str(LAYOUT.seed_variant_dir(model) / "checkpoint.pt")
    return str(LAYOUT.robust_seed_dir(model, seed) / "checkpoint.pt")


def seeded_samples(model, seed):
    """The evaluation samples of `model` trained from `seed` (another seed than the preset's)."""
    if int(seed) == SETTINGS["experiments"]["retrain_seed"] and model in RETRAINED:
        return str(LAYOUT.seed_variant_samples(model))
    return str(LAYOUT.robust_seed_dir(model, seed) / "samples.npz")


def seeded_detach_checkpoint(variant, seed):
    """A detach variant at the GAN's full budget: for the detached step, the GAN trained from `seed`."""
    if variant == "detached":
        return seeded_checkpoint("gan", seed)
    return str(LAYOUT.robust_detach_dir(variant, seed) / "checkpoint.pt")


def robust_seed_samples():
    """The robustness target's sample files by MODEL@SEED (called once the train rules exist)."""
    return {f"{model}@{seed}": seeded_samples(model, seed) for seed in ROBUST["training_seeds"] for model in MODELS}


def robust_detach_variants():
    """The full-budget detach variants' checkpoints by VARIANT@SEED (called once the train rules exist)."""
    return {f"{variant}@{seed}": seeded_detach_checkpoint(variant, seed)
            for seed in DETACH_SEEDS for variant in DETACH_VARIANTS}


# The robustness target's experiments join the report's inputs when that target is asked for, or once their
# files exist (a later plain run keeps them, and rebuilds them if their settings or code changed). Input
# functions, because Snakemake knows the targets only once the workflow is parsed.
def report_experiments():
    opt_in = [job for job in EXPERIMENTS.values() if job.opt_in]
    asked = "robustness" in (workflow.dag_settings.targets or ())
    robust = asked or all(LAYOUT.experiment(job.name).is_file() for job in opt_in)
    return [job for job in EXPERIMENTS.values() if robust or not job.opt_in]


def figure_experiments():
    return [getattr(rules, job.rule) for job in report_experiments() if job.figure]
