"""The whole smoke DAG from the offline MNIST copy, in a copy of the project."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import mnist_source
from genreport.report import QUESTIONS
from genreport.results import FIGURES

SOURCE = mnist_source()


needs_mnist = pytest.mark.skipif(SOURCE is None, reason="no offline MNIST copy: set GENREPORT_MNIST_DIR")


def run_smoke(project_root, directory, *targets):
    command = [
        sys.executable, "-m", "snakemake", "--cores", "2", "--snakefile", str(project_root / "Snakefile"),
        "--directory", str(directory), *targets, "--config", "preset=smoke", f"mnist_source={SOURCE}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-4000:]
    return directory / "results" / "smoke"


@pytest.fixture(scope="module")
def smoke_run(smoke_project):
    return smoke_project / "results" / "smoke"


@pytest.mark.slow
@needs_mnist
def test_smoke_pipeline_builds_figures_and_report(smoke_run):
    run = smoke_run
    for name in FIGURES.values():
        assert (run / "figures" / name).stat().st_size > 5000, name
    page = (run / "report" / "report.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    markdown = (run / "report" / "report.md").read_text()
    for key in QUESTIONS:
        assert f"### {key}." in markdown
        assert f"{key}. {QUESTIONS[key].replace('`', '')}" in text
    for number in range(1, 7):
        assert f"Figure {number} –" in markdown and f"Figure {number} –" in text
    assert "data:image/png;base64" in page, "the HTML report must embed its figures"
    assert "import " not in page.split("<body")[1], "code cells must be hidden"
    assert "## Measured quality" in markdown and (run / "metrics.json").is_file()
    for model in ("vae", "gan", "ddpm"):
        assert (run / "notebooks" / f"{model}.ipynb").is_file()
    for number in (7, 8, 9):
        assert f"Figure {number} –" in markdown
    for experiment in ("detach", "reconstruction", "probes", "interpolation", "samplers"):
        assert (run / "experiments" / f"{experiment}.json").is_file()
    assert "| discriminator step | time per step |" in markdown and "| representation | dimensions |" in markdown


@pytest.mark.slow
@needs_mnist
def test_two_runs_with_one_seed_are_identical(smoke_run, project_root, tmp_path):
    """On the CPU the same seed gives byte-identical metrics and sample arrays."""
    second = run_smoke(project_root, tmp_path, "results/smoke/metrics.json")
    assert (second / "metrics.json").read_bytes() == (smoke_run / "metrics.json").read_bytes()
    for model in ("vae", "gan", "ddpm"):
        with np.load(smoke_run / "samples" / f"{model}.npz") as a, np.load(second / "samples" / f"{model}.npz") as b:
            assert np.array_equal(a["images"], b["images"]), model


@pytest.mark.fault
def test_bad_preset_stops_before_any_job(project_root, tmp_path):
    command = [sys.executable, "-m", "snakemake", "--cores", "1", "--snakefile", str(project_root / "Snakefile"),
               "--directory", str(tmp_path), "-n", "report", "--config", "preset=laptop"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "preset" in (result.stdout + result.stderr)
    assert not (tmp_path / "results").exists()
