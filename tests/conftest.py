"""Fixtures every test may ask for; the helpers behind them live in tests/support.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import ROOT, copy_project, mnist_source, snakemake

# Every folder the shared smoke run uses holds a space, a command substitution, a `;` command and a backquoted one:
# a rule that passed a path through a shell unquoted would run `touch INJECTED_<n>` (test_pipeline checks none ran).
ODD_NAME = "odd {}$(touch INJECTED_{}) ; touch INJECTED_{} `touch INJECTED_{}`"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def smoke_project(tmp_path_factory) -> Path:
    """A project copy after a complete `snakemake report` of the smoke preset (shared: tests that edit it restore
    it). The project folder, its results_dir, data_dir and mnist_source are all named like ODD_NAME."""
    source = mnist_source()
    if source is None:
        pytest.skip("no offline MNIST copy: set GENREPORT_MNIST_DIR")
    base = tmp_path_factory.mktemp("odd")
    outside = base / ODD_NAME.format("outside ", 4, 5, 6)
    shutil.copytree(source, outside / "mnist source")
    settings = {
        "results_dir": ODD_NAME.format("", 1, 2, 3),
        "data_dir": str(outside / "data dir"),
        "mnist_source": str(outside / "mnist source"),
    }
    project = copy_project(base / ODD_NAME.format("project ", 7, 8, 9), "smoke", settings)
    result = snakemake(project, "report")
    assert result.returncode == 0, result.stderr[-4000:]
    return project
