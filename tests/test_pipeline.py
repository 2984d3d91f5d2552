"""The whole smoke DAG from the offline MNIST copy, in a copy of the project."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from support import (
    copy_project,
    mnist_source,
    planned_jobs,
    project_settings,
    rehearsal_settings,
    run_folder,
    snakemake,
)

from genreport.diffusion.sampler_settings import Sampler
from genreport.report.document import QUESTIONS
from genreport.store.layout import FIGURES
from genreport.vocabulary import MODELS

SOURCE = mnist_source()


needs_mnist = pytest.mark.skipif(SOURCE is None, reason="no offline MNIST copy: set GENREPORT_MNIST_DIR")


def run_smoke(project_root, directory, *targets):
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--cores",
        "2",
        "--snakefile",
        str(project_root / "Snakefile"),
        "--directory",
        str(directory),
        *targets,
        "--config",
        "preset=smoke",
        f"mnist_source={SOURCE}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-4000:]
    return directory / "results" / "smoke"


@pytest.fixture(scope="module")
def smoke_run(smoke_project):
    return run_folder(smoke_project)


@pytest.mark.slow
@needs_mnist
def test_smoke_pipeline_builds_figures_and_report(smoke_run):
    run = smoke_run
    for stem, _ in FIGURES.values():
        assert (run / "figures" / f"{stem}.png").stat().st_size > 5000, stem
    page = (run / "report" / "report.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    markdown = (run / "report" / "report.md").read_text()
    for key in QUESTIONS:
        assert f"### {key}." in markdown
        assert f"{key}. {QUESTIONS[key].replace('`', '')}" in text
    for number in range(1, 8):  # Figures 1-7 beside their answers
        assert f"Figure {number} –" in markdown and f"Figure {number} –" in text
    assert "data:image/png;base64" in page, "the HTML report must embed its figures"
    assert "import " not in page.split("<body")[1], "code cells must be hidden"
    assert "## Measured quality" in markdown and (run / "metrics.json").is_file()
    for model in ("vae", "gan", "ddpm"):
        assert (run / "notebooks" / f"{model}.ipynb").is_file()
    for number in range(1, 9):  # the appendix's figures
        assert f"Figure A{number} –" in markdown
    for experiment in ("detach", "reconstruction", "probes", "interpolation", "samplers"):
        assert (run / "experiments" / f"{experiment}.json").is_file()
    assert (
        "| discriminator step | time per step |" in markdown
        and "| representation (test accuracy, %) | dims |" in markdown
    )


@pytest.mark.slow
@needs_mnist
def test_two_runs_with_one_seed_are_identical(smoke_run, project_root, tmp_path):
    """On the CPU the same seed gives byte-identical metrics and sample arrays."""
    second = run_smoke(project_root, tmp_path, "results/smoke/metrics.json")
    assert (second / "metrics.json").read_bytes() == (smoke_run / "metrics.json").read_bytes()
    for model in ("vae", "gan", "ddpm"):
        with np.load(smoke_run / "samples" / f"{model}.npz") as a, np.load(second / "samples" / f"{model}.npz") as b:
            assert np.array_equal(a["images"], b["images"]), model


@pytest.mark.slow
@needs_mnist
def test_the_robustness_target_rebuilds_the_report_with_every_training_seed(smoke_project, tmp_path):
    """Run in a copy of the complete smoke run (the shared one stays without it): the repeats run, the report says
    so and reads them, and a later plain run keeps them without rerunning anything."""
    project = tmp_path / "project"
    shutil.copytree(smoke_project, project, symlinks=True)
    result = snakemake(project, "robustness")
    assert result.returncode == 0, result.stderr[-4000:]
    run = run_folder(project)
    repeats = json.loads((run / "experiments" / "seed_repeats.json").read_text())
    assert repeats["training_seeds"] == [1, 2] and set(repeats["sample_metrics"]["2"]["evaluator"]) == set(MODELS)
    detach = json.loads((run / "experiments" / "detach_repeats.json").read_text())
    timing = detach["timing"]["seconds_per_step"]
    assert detach["seeds"] == [0, 1] and all(len(t["values"]) == 3 for t in timing.values())
    markdown = (run / "report" / "report.md").read_text()
    assert "judged once for each training seed (0, 1, 2" in markdown and "Built without" not in markdown
    assert "its full budget, from seeds 0 and 1" in markdown and "| FID, seed 0 | FID, seed 1 |" in markdown
    assert "detach_samples_full_budget.png" in markdown and "detach_samples.png" not in markdown
    assert (run / "report" / "report.pdf").is_file()
    again = snakemake(project, "-n", "report")
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr


@pytest.mark.fault
@pytest.mark.parametrize(
    "setting, error",
    [
        (
            "ddpm.epochs=0",
            "error: --config set (preset smoke): ddpm.epochs: 0 is less than the minimum of 1; fix the "
            "value in --config set",
        ),
        (
            "ddpm.epoch=2",
            "error: --config set (preset smoke): ddpm.epoch: unknown setting (did you mean epochs?); "
            "fix the value in --config set",
        ),
        (
            "ddpm.epochs 2",
            "error: --config set: 'ddpm.epochs' is not of the form section.key=value; fix the value in --config set",
        ),
    ],
)
def test_a_bad_value_set_on_the_command_line_stops_before_any_job_in_one_line(project_root, tmp_path, setting, error):
    command = [
        sys.executable, "-m", "snakemake", "--cores", "1", "--snakefile", str(project_root / "Snakefile"),
        "--directory", str(tmp_path), "-n", "--config", "preset=smoke", f"set={setting}",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("error:")] == [error]
    assert "Traceback" not in result.stderr and not (tmp_path / "results").exists()


@pytest.mark.fault
def test_bad_preset_stops_before_any_job(project_root, tmp_path):
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--cores",
        "1",
        "--snakefile",
        str(project_root / "Snakefile"),
        "--directory",
        str(tmp_path),
        "-n",
        "report",
        "--config",
        "preset=laptop",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: unknown preset 'laptop': choose one of cpu, gpu, smoke (files in "
        f"{project_root / 'config' / 'presets'})"
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "results").exists()


@pytest.mark.slow
@pytest.mark.fault
@needs_mnist
def test_folders_with_spaces_and_shell_syntax_hold_the_whole_dag_and_run_nothing_else(smoke_project):
    """The shared smoke run was built with every path setting, and the project's own folder, named with a space, a
    command substitution, a `;` command and a backquoted one (conftest.ODD_NAME): none of the commands ran."""
    settings = project_settings(smoke_project)
    assert "$(touch" in smoke_project.name and all("`touch" in settings[key] for key in ("results_dir", "data_dir"))
    assert (run_folder(smoke_project) / "report" / "report.html").is_file()
    assert (Path(settings["data_dir"]) / "mnist.verified.json").is_file()
    injected = [path for path in smoke_project.parent.rglob("INJECTED_*") if path.is_file()]
    injected += [path for path in Path.cwd().glob("INJECTED_*") if path.is_file()]
    assert not injected, f"a path setting ran a command: {injected}"
    assert not (smoke_project / "results").exists(), "nothing is written beside the configured folders"


@pytest.mark.slow
@needs_mnist
def test_the_gpu_preset_rehearsed_on_the_cpu_runs_every_rule_with_only_its_sizes_changed(tmp_path):
    """`make rehearse-gpu`'s run: the gpu preset's whole report DAG with config/rehearsals/gpu.txt's sizes set on the
    command line; every planned rule runs, and each model trains with the gpu preset's own settings but those sizes."""
    project = copy_project(tmp_path / "project", "gpu", {"results_dir": "results/rehearsal"})
    (project / "results").mkdir()  # as `make rehearse-gpu` makes it; a clone has no results/
    config = {"set": rehearsal_settings("gpu")}
    plan = snakemake(project, "-n", "report", config=config)
    assert plan.returncode == 0, plan.stderr[-4000:]
    timed = [
        line.split(":", 1)[1].strip()
        for block in planned_jobs(plan.stdout).values()
        for line in block.splitlines()
        if line.strip().startswith("benchmark:")
    ]
    assert len(timed) >= 20 and any("probe_experiment" in path for path in timed)
    result = snakemake(project, "report", config=config, timeout=2400)
    assert result.returncode == 0, result.stderr[-4000:]
    run = run_folder(project, "gpu")
    assert [path for path in timed if not (project / path).is_file()] == [], "every planned rule ran"
    preset = yaml.safe_load((project / "config" / "presets" / "gpu.yaml").read_text())
    overridden = dict(pair.split("=", 1) for pair in rehearsal_settings("gpu").split())
    for model in ("vae", "gan", "ddpm", "evaluator", "second_evaluator"):
        trained = json.loads((run / "train" / model / "metrics.json").read_text())
        assert trained["device"].startswith("cpu"), model
        for key, value in preset[model].items():
            if f"{model}.{key}" not in overridden:
                assert trained["config"][key] == value, (model, key)
        assert trained["config"]["epochs"] == int(overridden[f"{model}.epochs"]), model
    with np.load(run / "samples" / "ddpm.npz") as samples:
        expected = Sampler.parse(preset["evaluation"]["sampler"], preset["ddpm"]["timesteps"]).describe()
        assert str(samples["sampler"]) == expected
        assert len(samples["images"]) == int(overridden["evaluation.samples"])
    markdown = (run / "report" / "report.md").read_text()
    assert 'Preset `gpu` with `device="cpu"`, `train_subset=1024`' in markdown
    assert "## Measured quality" in markdown and (run / "report" / "report.html").is_file()
    again = snakemake(project, "-n", "report", config=config)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
