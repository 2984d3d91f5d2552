"""profiles/slurm on a real scheduler: a single-node SLURM cluster on this machine runs the smoke preset.

Every rule must run as a SLURM job with the cpus, memory and time it declares; the training jobs are
submitted side by side; the results equal a local run's; a training job cancelled with scancel resumes
from its saved state when the same command runs again.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from slurm_cluster import PARTITION, Cluster, missing_requirements
from support import assert_same_run, copy_project, planned_jobs, run_folder, snakemake, snakemake_command

from genreport.training.resume import STATE_FILE

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

CPUS = os.cpu_count() or 1
THREADS = 2  # per job, as conftest's local runs (--cores 2) use, so results compare byte for byte
MODEL_JOB_MB = 16000  # the most a rule asks (workflow/rules/common.smk: MODEL_JOB)


def total_memory_mb() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    why = missing_requirements()
    if why:
        pytest.skip(why)
    if CPUS < THREADS:
        pytest.skip(f"jobs run on {THREADS} cores; this machine has {CPUS}")
    if total_memory_mb() < MODEL_JOB_MB + 2000:
        pytest.skip(f"a model job asks {MODEL_JOB_MB} MB; this machine has {total_memory_mb()} MB")
    cluster = Cluster(tmp_path_factory.mktemp("slurm"), cpus=CPUS, memory_mb=total_memory_mb() - 2000)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def on_cluster(
    project: Path, cluster: Cluster, target: str = "report", config: dict[str, str] | None = None
) -> subprocess.Popen:
    """`snakemake --profile profiles/slurm <target>` as a user of a small cluster without accounting runs it."""
    command = snakemake_command(
        "--profile",
        "profiles/slurm",
        target,
        "--max-threads",
        str(THREADS),
        "--slurm-status-command",
        "squeue",
        "--slurm-no-account",
        "--slurm-disable-memory-fudge",
        "--slurm-init-seconds-before-status-checks",
        "1",
        "--slurm-logdir",
        str(project / "slurm_logs"),
        config=config,
    )
    return subprocess.Popen(
        command, cwd=project, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(process: subprocess.Popen, timeout: float = 2400) -> str:
    output, _ = process.communicate(timeout=timeout)
    return output


def cluster_jobs(cluster: Cluster) -> dict[str, dict[str, str]]:
    """Every job the cluster has seen, by SLURM job id."""
    listing = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--format=%i", f"--partition={PARTITION}"],
        env=cluster.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {job_id: cluster.job(job_id) for job_id in listing.stdout.split()}


def rule_of(job: dict[str, str]) -> str:
    """The rule (with wildcards) Snakemake's executor wrote into the job's comment."""
    comment = job["Comment"].removeprefix("rule_")
    rule, _, wildcards = comment.partition("_wildcards_")
    return f"{rule}[{wildcards}]" if wildcards else rule


def minutes(limit: str) -> int:
    """SLURM's time limit (D-HH:MM:SS or HH:MM:SS) in minutes."""
    days, _, clock = limit.rpartition("-")
    hours, mins, _ = clock.split(":")
    return int(days or 0) * 1440 + int(hours) * 60 + int(mins)


def declared_resources(project: Path) -> dict[str, dict[str, int]]:
    """Each job's threads, memory and run time as the workflow declares them (Snakemake's dry run), the rules
    without a command (the `report` target) left out: Snakemake finishes those itself."""
    dry_run = subprocess.run(
        snakemake_command("-n", "report", "--forceall", "--max-threads", str(THREADS)),
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    declared = {}
    for label, block in planned_jobs(dry_run).items():
        if label == "report":
            continue
        fields = {}
        for line in block.splitlines():
            key, _, value = line.strip().partition(": ")
            if key == "threads":
                fields["threads"] = int(value)
            elif key == "resources":
                fields.update(
                    (k, int(v))
                    for k, v in (item.split("=") for item in value.split(", "))
                    if k in ("mem_mb", "runtime")
                )
        declared[label] = {"threads": 1, **fields}
    return declared


def test_the_smoke_report_runs_as_slurm_jobs_with_what_each_rule_declares(cluster, smoke_project, tmp_path):
    project = copy_project(tmp_path, "smoke")
    output = finish(on_cluster(project, cluster))
    assert (project / "results" / "smoke" / "report" / "report.html").is_file(), output[-4000:]

    by_rule = {rule_of(job): job for job in cluster_jobs(cluster).values()}
    declared = declared_resources(project)
    assert set(by_rule) == set(declared), set(by_rule) ^ set(declared)
    for rule, job in by_rule.items():
        assert job["JobState"] == "COMPLETED", (rule, job["JobState"])
        wanted = declared[rule]
        assert (int(job["NumCPUs"]), job["MinMemoryNode"], minutes(job["TimeLimit"])) == (
            wanted["threads"],
            f"{wanted['mem_mb']}M",
            wanted["runtime"],
        ), rule

    trained = [by_rule[f"train[{model}]"] for model in ("vae", "gan", "ddpm")]
    first_end = min(job["EndTime"] for job in trained)
    assert all(job["SubmitTime"] < first_end for job in trained), "training jobs waited on each other"

    local_metrics = (run_folder(smoke_project) / "metrics.json").read_bytes()
    assert (project / "results" / "smoke" / "metrics.json").read_bytes() == local_metrics


PRESET = "cluster"  # the smoke preset with a DDPM that trains long enough to be cancelled halfway


def ddpm_target(results: str) -> str:
    return f"{results}/{PRESET}/train/ddpm/checkpoint.pt"


def test_a_cancelled_training_job_resumes_when_the_command_runs_again(cluster, tmp_path):
    project = copy_project(tmp_path, PRESET)
    preset = yaml.safe_load((project / "config" / "presets" / "smoke.yaml").read_text())
    preset.update(name=PRESET, threads=THREADS)
    preset["ddpm"].update(epochs=6, sample_epochs=[])
    (project / "config" / "presets" / f"{PRESET}.yaml").write_text(yaml.safe_dump(preset))
    reference = snakemake(project, ddpm_target("reference"), config={"results_dir": "reference"})
    assert reference.returncode == 0, reference.stderr[-3000:]

    process = on_cluster(project, cluster, ddpm_target("results"), config={"results_dir": "results"})
    train_dir = project / "results" / PRESET / "train" / "ddpm"
    deadline = time.monotonic() + 600
    while not (train_dir / STATE_FILE).exists():  # saved after the first epoch
        assert process.poll() is None and time.monotonic() < deadline, "the DDPM never saved a training state"
        time.sleep(0.2)
    running = [
        job_id
        for job_id, job in cluster_jobs(cluster).items()
        if rule_of(job) == "train[ddpm]" and job["JobState"] == "RUNNING"
    ]
    assert running, "the training job was not running"
    subprocess.run(["scancel", *running], env=cluster.env, check=True)
    first = finish(process)
    assert cluster.job(running[0])["JobState"] == "CANCELLED"

    second = finish(on_cluster(project, cluster, ddpm_target("results"), config={"results_dir": "results"}))
    log = (project / "results" / PRESET / "logs" / "train_ddpm.log").read_text()
    assert "resuming at epoch" in log, first[-3000:] + second[-3000:]
    assert_same_run(project / "reference" / PRESET / "train" / "ddpm", train_dir)
