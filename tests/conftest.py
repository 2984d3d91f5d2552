from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


def mnist_source() -> Path | None:
    """The offline MNIST directory for the pipeline test: the env var, else ../shared/data/mnist."""
    candidates = [os.environ.get("GENREPORT_MNIST_DIR"), ROOT.parent / "shared" / "data" / "mnist"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "t10k-images-idx3-ubyte.gz").is_file():
            return Path(candidate).resolve()
    return None
