"""Stopping the workflow in every way a user can: the next run ends as an uninterrupted one would.

Each case trains the GAN of a user's own preset (config/presets/interrupts.yaml: the smoke GAN for
8 epochs) through Snakemake, stops it once the first epoch's state is saved, checks that no job
is left running, reruns plain `snakemake` (with `--unlock` first where the error line names it)
and compares the weights and losses with an uninterrupted run's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from support import assert_same_run, copy_project, mnist_source, snakemake, snakemake_command

from genreport.training.resume import STATE_FILE

pytestmark = [
    pytest.mark.fault,
    pytest.mark.slow,
    pytest.mark.skipif(mnist_source() is None, reason="no offline MNIST copy: set GENREPORT_MNIST_DIR"),
]
PRESET = "interrupts"


def target(results: str) -> str:
    return f"{results}/{PRESET}/train/gan/checkpoint.pt"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project copy with the user's preset, its data verified and one uninterrupted run in `reference`."""
    project = copy_project(tmp_path_factory.mktemp("project"), PRESET)
    preset = yaml.safe_load((project / "config" / "presets" / "smoke.yaml").read_text())
    preset.update(name=PRESET, threads=2)
    preset["gan"].update(epochs=8, sample_epochs=[])
    (project / "config" / "presets" / f"{PRESET}.yaml").write_text(yaml.safe_dump(preset))
    result = snakemake(project, target("reference"), config={"results_dir": "reference"})
    assert result.returncode == 0, result.stderr[-3000:]
    return project


def start(project: Path, results: str) -> subprocess.Popen:
    """Snakemake in a session of its own, as a terminal runs it: its jobs share its process group."""
    command = snakemake_command(target(results), config={"results_dir": results})
    return subprocess.Popen(
        command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def training_processes(results: str) -> list[int]:
    """The PIDs of training jobs writing into `results`."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if b"genreport.cli.train" in arguments and any(results.encode() in a for a in arguments):
            pids.append(int(entry.name))
    return pids


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def interrupt(process: subprocess.Popen, results: str, how: str) -> None:
    if how == "ctrl-c":  # the terminal sends SIGINT to the whole foreground group
        os.killpg(process.pid, signal.SIGINT)
    elif how == "terminal closed":
        os.killpg(process.pid, signal.SIGHUP)
    elif how.endswith("to snakemake"):
        process.send_signal(signal.SIGTERM if how.startswith("SIGTERM") else signal.SIGKILL)
    else:  # "SIGKILL to the job", "SIGTERM to the job"
        job = training_processes(results)[0]
        os.kill(job, signal.SIGKILL if how.startswith("SIGKILL") else signal.SIGTERM)


@pytest.mark.parametrize(
    "how",
    [
        "ctrl-c",
        "terminal closed",
        "SIGTERM to snakemake",
        "SIGKILL to snakemake",
        "SIGKILL to the job",
        "SIGTERM to the job",
    ],
)
def test_the_next_run_after_an_interruption_ends_as_an_uninterrupted_one(project, how):
    results = "run_" + how.replace(" ", "_").replace("-", "_")
    train_dir = project / results / PRESET / "train" / "gan"
    process = start(project, results)
    wait_until(lambda: (train_dir / STATE_FILE).exists() or process.poll() is not None, 300, "training never started")
    assert process.poll() is None, process.stderr.read()[-3000:]
    interrupt(process, results, how)
    process.communicate(timeout=300)
    wait_until(lambda: not training_processes(results), 20, f"a training job outlived Snakemake after {how}")

    rerun = snakemake(project, target(results), config={"results_dir": results})
    if how == "SIGKILL to snakemake":  # Snakemake's lock survives; its error line names the one extra command
        assert rerun.returncode != 0 and "--unlock" in rerun.stderr
        unlocked = snakemake(project, "--unlock", config={"results_dir": results})
        assert unlocked.returncode == 0, unlocked.stderr[-3000:]
        rerun = snakemake(project, target(results), config={"results_dir": results})
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    log = (project / results / PRESET / "logs" / "train_gan.log").read_text()
    if how != "SIGTERM to snakemake":  # that one lets the running job finish
        assert "resuming at epoch" in log, log[-2000:]
    assert not (train_dir / STATE_FILE).exists()
    assert_same_run(train_dir, project / "reference" / PRESET / "train" / "gan")
