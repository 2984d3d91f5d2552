"""A single-node SLURM cluster on this machine, for the cluster test: munge, slurmctld and slurmd,
configured from files under one temporary folder and stopped afterwards.

Needs root and Debian's `slurm-wlm` and `munge` packages (`.ci/run` installs them). No accounting
database: Snakemake's executor reads job states with `squeue`, and finished jobs stay visible to
`scontrol show job` for `MinJobAge` seconds.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

DAEMONS = ("munged", "slurmctld", "slurmd")
PARTITION = "genreport"
# Snakemake's job step removes SLURM_CONF before its inner `srun`, which then reads the default path:
# the test links it to its own configuration for the cluster's lifetime.
DEFAULT_CONF = Path("/etc/slurm/slurm.conf")


def missing_requirements() -> str | None:
    """Why a cluster cannot be brought up here, or None."""
    if os.geteuid() != 0:
        return "the cluster test runs the SLURM daemons as root"
    absent = [name for name in (*DAEMONS, "mungekey", "sbatch", "squeue", "scontrol") if shutil.which(name) is None]
    if absent:
        return f"{', '.join(absent)} not installed (apt-get install slurm-wlm munge)"
    if DEFAULT_CONF.is_symlink() and not DEFAULT_CONF.exists():
        DEFAULT_CONF.unlink()  # left by a test run that was killed: its folder is gone
    if DEFAULT_CONF.exists() or DEFAULT_CONF.is_symlink():
        return f"{DEFAULT_CONF} exists: this machine has a SLURM configuration the test will not replace"
    return None


def die_with_parent() -> None:
    """Runs in each daemon before it starts: the kernel stops it when the test process dies, even by SIGKILL."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    cpus: int
    memory_mb: int
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def conf(self) -> Path:
        return self.folder / "slurm.conf"

    @property
    def env(self) -> dict[str, str]:
        """The environment every SLURM command of the test runs with: this cluster's configuration."""
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def write_config(self) -> None:
        host = socket.gethostname()
        for name in ("state", "spool", "log", "munge"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        (self.folder / "munge").chmod(0o700)
        (self.folder / "slurm.conf").write_text(
            "\n".join(
                [
                    "ClusterName=genreport-test",
                    f"SlurmctldHost={host}",
                    f"SlurmctldPort={free_port()}",
                    f"SlurmdPort={free_port()}",
                    "SlurmUser=root",
                    "SlurmdUser=root",
                    f"AuthInfo=socket={self.folder / 'munge' / 'munge.socket'}",
                    f"StateSaveLocation={self.folder / 'state'}",
                    f"SlurmdSpoolDir={self.folder / 'spool'}",
                    f"SlurmctldPidFile={self.folder / 'slurmctld.pid'}",
                    f"SlurmdPidFile={self.folder / 'slurmd.pid'}",
                    f"SlurmctldLogFile={self.folder / 'log' / 'slurmctld.log'}",
                    f"SlurmdLogFile={self.folder / 'log' / 'slurmd.log'}",
                    "ProctrackType=proctrack/linuxproc",
                    "TaskPlugin=task/none",
                    "JobAcctGatherType=jobacct_gather/none",
                    "AccountingStorageType=accounting_storage/none",
                    "SelectType=select/cons_tres",
                    "SelectTypeParameters=CR_Core_Memory",
                    "MpiDefault=none",
                    "ReturnToService=2",
                    "MinJobAge=3600",  # finished jobs stay in squeue/scontrol for the checks
                    "KillWait=10",
                    f"NodeName={host} CPUs={self.cpus} RealMemory={self.memory_mb} State=UNKNOWN",
                    f"PartitionName={PARTITION} Nodes={host} Default=YES MaxTime=INFINITE State=UP",
                ]
            )
            + "\n"
        )

    def start(self) -> None:
        self.write_config()
        DEFAULT_CONF.parent.mkdir(parents=True, exist_ok=True)
        DEFAULT_CONF.symlink_to(self.conf)
        munge = self.folder / "munge"
        subprocess.run(["mungekey", "--create", "--keyfile", str(munge / "munge.key")], check=True, capture_output=True)
        (munge / "munge.key").chmod(0o600)
        self.processes.append(
            subprocess.Popen(
                [
                    "munged",
                    "--foreground",
                    "--force",
                    f"--socket={munge / 'munge.socket'}",
                    f"--key-file={munge / 'munge.key'}",
                    f"--pid-file={munge / 'munged.pid'}",
                    f"--log-file={munge / 'munged.log'}",
                    f"--seed-file={munge / 'munged.seed'}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=die_with_parent,
            )
        )
        self.wait_for(lambda: (munge / "munge.socket").exists(), "munged")
        for daemon in ("slurmctld", "slurmd"):
            self.processes.append(
                subprocess.Popen(
                    [daemon, "-D", "-f", str(self.conf)],
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    preexec_fn=die_with_parent,
                )
            )
        self.wait_for(self.node_is_idle, "the node to come up")

    def node_is_idle(self) -> bool:
        result = subprocess.run(["sinfo", "--noheader", "--format=%T"], env=self.env, capture_output=True, text=True)
        return result.returncode == 0 and result.stdout.strip() == "idle"

    def wait_for(self, ready, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not ready():
            if time.monotonic() > deadline:
                logs = "\n".join(path.read_text()[-2000:] for path in (self.folder / "log").glob("*.log"))
                raise RuntimeError(f"timed out waiting for {what}\n{logs}")
            time.sleep(0.5)

    def stop(self) -> None:
        subprocess.run(["scancel", "--full", f"--partition={PARTITION}"], env=self.env, capture_output=True)
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if DEFAULT_CONF.is_symlink() and DEFAULT_CONF.resolve() == self.conf.resolve():
            DEFAULT_CONF.unlink()

    def job(self, job_id: str) -> dict[str, str]:
        """`scontrol show job` as key=value pairs."""
        result = subprocess.run(
            ["scontrol", "show", "job", "--oneliner", job_id], env=self.env, capture_output=True, text=True, check=True
        )
        return dict(item.split("=", 1) for item in result.stdout.split() if "=" in item)
