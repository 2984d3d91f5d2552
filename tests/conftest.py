"""Fixtures every test may ask for; the helpers behind them live in tests/support.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT, copy_project, mnist_source, snakemake


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def smoke_project(tmp_path_factory) -> Path:
    """A project copy after a complete `snakemake report` of the smoke preset (shared: tests that edit it "
    "restore it)."""
    if mnist_source() is None:
        pytest.skip("no offline MNIST copy: set GENREPORT_MNIST_DIR")
    project = copy_project(tmp_path_factory.mktemp("project"), "smoke")
    result = snakemake(project, "report")
    assert result.returncode == 0, result.stderr[-4000:]
    return project
