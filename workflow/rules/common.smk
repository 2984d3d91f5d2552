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

from genreport.config import (apply_overrides, check_pipeline_settings, load_preset, notebook_values,
                              resolve_preset_name)
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
    check_pipeline_settings(config, ROOT / "config" / "schema.yaml")
    PRESET = resolve_preset_name(config["preset"])
    SETTINGS = load_preset(PRESET, ROOT / "config" / "presets")
except PipelineError as error:
    sys.exit(f"error: {error}")
if SETTINGS["experiments"]["retrain_seed"] == SETTINGS["seed"]:
    sys.exit(f"error: experiments.retrain_seed is the preset's seed ({SETTINGS['seed']}); choose another seed "
             "for the seed experiment in the preset file")
RUN = f"{config['results_dir']}/{PRESET}"
LAYOUT = RunLayout(RUN)
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
