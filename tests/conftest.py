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
