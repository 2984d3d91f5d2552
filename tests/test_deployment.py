"""The cluster profile and the CI workflow: they parse, and they run what the README says."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
import yaml
from support import planned_jobs


def test_slurm_profile_dry_run_asks_a_gpu_for_each_training_job(project_root, tmp_path):
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        pytest.fail("snakemake-executor-plugin-slurm is not installed: pip install -e '.[test]'")
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(project_root / "Snakefile"),
        "--profile",
        str(project_root / "profiles" / "slurm"),
        "--directory",
        str(tmp_path),
        "-n",
        "report",
        "--config",
        "preset=gpu",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = planned_jobs(result.stdout)
    for model in ("vae", "gan", "ddpm", "evaluator"):
        job = jobs[f"train[{model}]"]
        assert "gpu=1" in job and "mem_mb=16000" in job, model
        inputs = next(line for line in job.splitlines() if line.strip().startswith("input:"))
        assert [path for path in inputs.split(":", 1)[1].split(", ") if not path.strip().startswith(("src/", "/"))] == [
            " data/mnist.verified.json"
        ], f"train[{model}] must depend on the data and its code only"
    assert "gpu=" not in jobs["report_html"]


def test_ci_workflow_runs_the_readme_commands(project_root):
    workflow = yaml.safe_load((project_root / ".github" / "workflows" / "pipeline.yml").read_text())
    readme = (project_root / "README.md").read_text()
    smoke = " ".join(step.get("run", "") for step in workflow["jobs"]["smoke"]["steps"])
    for command in ("python -m pytest", "snakemake --cores 4 report --config preset=smoke"):
        assert command in smoke and command in readme, command
    uploads = [
        step
        for step in workflow["jobs"]["smoke"]["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact")
    ]
    assert uploads and "results/smoke/figures" in uploads[0]["with"]["path"]
    assert workflow["jobs"]["full"]["runs-on"] == ["self-hosted", "gpu"]
    assert "workflow_dispatch" in workflow[True]  # YAML 1.1 reads the key `on` as True
