"""Never stale: after a complete smoke run, an edit plans exactly the jobs that depend on it.

Each test edits the shared project copy of `smoke_project`, asks Snakemake for a dry run, and
restores the file with its old modification time, so the copy stays complete for the next test.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from support import ROOT, planned_jobs, project_settings, run_folder, snakemake

from genreport.store.provenance import settings_digest
from genreport.vocabulary import DETACH_VARIANTS, EVALUATORS, MODELS, REAL_ROW

pytestmark = pytest.mark.slow

REPORT = {"report_notebook", "report_markdown", "report_html", "report"}


def retrained(model):
    """The seed experiment's jobs for `model` (the smoke preset retrains all three): the robustness target's."""
    return {f"train_seed_variant[{model}]", f"sample_seed_variant[{model}]", "seed_experiment"}


VAE_DOWNSTREAM = {
    "train[vae]",
    "sample[vae]",
    "notebook_vae",
    "evaluate",
    "reconstruction_experiment",
    "probe_experiment",
    "interpolation_experiment",
    "quality_curves",
}
GAN_DOWNSTREAM = {
    "train[gan]",
    "train_detach_variant[detached]",
    "train_detach_variant[attached]",
    "train_detach_variant[attached_no_reset]",
    "sample[gan]",
    "notebook_gan",
    "evaluate",
    "detach_experiment",
    "reconstruction_experiment",
    "probe_experiment",
    "interpolation_experiment",
    "quality_curves",
}
DDPM_DOWNSTREAM = {
    "train[ddpm]",
    "sample[ddpm]",
    "notebook_ddpm",
    "evaluate",
    "probe_experiment",
    "interpolation_experiment",
    "sampler_experiment",
    "quality_curves",
}
EVALUATOR_DOWNSTREAM = {
    "train[evaluator]",
    "evaluate",
    "detach_experiment",
    "reconstruction_experiment",
    "interpolation_experiment",
    "sampler_experiment",
    "quality_curves",
}


@contextmanager
def edited(path: Path, change):
    """`path` rewritten by `change(text)` for the duration; then its old text and modification time."""
    original, status = path.read_text(), path.stat()
    path.write_text(change(original))
    try:
        yield
    finally:
        path.write_text(original)
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def planned(project: Path, config: dict[str, str] | None = None) -> set[str]:
    result = snakemake(project, "-n", "report", config=config)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(planned_jobs(result.stdout))


def set_preset_value(key: str, value):
    section, name = key.split(".") if "." in key else (None, key)

    def change(text: str) -> str:
        preset = yaml.safe_load(text)
        (preset[section] if section else preset)[name] = value
        return yaml.safe_dump(preset, sort_keys=False)

    return change


def test_a_complete_run_plans_nothing(smoke_project):
    assert planned(smoke_project) == set()


def test_the_robustness_target_adds_one_job_per_model_seed_and_variant_and_reuses_the_run(smoke_project):
    """Every retraining is its own job (a cluster runs them side by side); the main models, the seed experiment's
    (the smoke preset retrains all three from seed 1) and the main GAN as the detached variant are reused."""
    result = snakemake(smoke_project, "-n", "robustness")
    assert result.returncode == 0, result.stderr[-3000:]
    repeats = {f"{rule}[2,{model}]" for rule in ("train_robust_variant", "sample_robust_variant") for model in MODELS}
    variants = {f"train_robust_detach_variant[{s},{v}]" for s in (0, 1) for v in ("attached", "attached_no_reset")}
    experiments = {"seed_repeats_experiment", "detach_repeats_experiment"}
    report = {"report_notebook", "report_markdown", "report_html", "report_pdf", "robustness"}
    seed_one = retrained("vae") | retrained("gan") | retrained("ddpm")  # the seed experiment's, seed 1 of the repeats
    assert set(planned_jobs(result.stdout)) == repeats | variants | experiments | seed_one | report


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("vae.lr", 2.0e-3, VAE_DOWNSTREAM | REPORT),
        ("gan.lr", 1.0e-4, GAN_DOWNSTREAM | REPORT),
        ("ddpm.epochs", 3, DDPM_DOWNSTREAM | REPORT),
        ("evaluator.lr", 2.0e-3, EVALUATOR_DOWNSTREAM | REPORT),
        ("second_evaluator.seed", 7, {"train[second_evaluator]", "evaluate"} | REPORT),
        ("evaluation.iwae_samples", 60, {"evaluate"} | REPORT),
        (
            "evaluation.sampler",
            "ddim:10",
            {
                "sample[ddpm]",
                "notebook_ddpm",  # Figure 6 shows the scored samples
                "evaluate",
                "sampler_experiment",
            }
            | REPORT,
        ),
        ("experiments.retrain_seed", 3, set()),  # only the robustness target retrains
        ("experiments.detach_samples", 100, {"detach_experiment"} | REPORT),
        ("experiments.interpolation_frames", 5, {"notebook_vae", "notebook_gan", "interpolation_experiment"} | REPORT),
        ("notebook_images", 25, {"notebook_vae", "notebook_gan", "notebook_ddpm"} | REPORT),
        ("name", "renamed", set()),  # a value no rule uses
    ],
)
def test_a_changed_preset_value_plans_exactly_its_dependents(smoke_project, key, value, expected):
    with edited(smoke_project / "config" / "presets" / "smoke.yaml", set_preset_value(key, value)):
        assert planned(smoke_project) == expected


@pytest.mark.parametrize(
    "key, value",
    [("ddpm.epochs", 3), ("evaluation.sampler", "ddim:10"), ("experiments.retrain_seed", 3), ("name", "renamed")],
)
def test_a_value_set_on_the_command_line_plans_what_the_same_preset_edit_plans(smoke_project, key, value):
    with edited(smoke_project / "config" / "presets" / "smoke.yaml", set_preset_value(key, value)):
        edit_plans = planned(smoke_project)
    assert planned(smoke_project, {"set": f"{key}={value} seed=0"}) == edit_plans  # seed=0: the file's own value


@pytest.mark.parametrize(
    "path, expected",
    [
        ("src/genreport/models/unet.py", DDPM_DOWNSTREAM | REPORT),
        ("src/genreport/models/gan.py", GAN_DOWNSTREAM | REPORT),
        (
            "src/genreport/measure/evaluation.py",
            {"evaluate", "detach_experiment", "sampler_experiment", "quality_curves"} | REPORT,
        ),
        ("src/genreport/report/words.py", REPORT),
        ("src/genreport/report/templates/answer_4.md.j2", REPORT),
        (
            "src/genreport/store/provenance.py",
            {
                "notebook_vae",
                "notebook_gan",
                "notebook_ddpm",
                "detach_experiment",
                "reconstruction_experiment",
                "interpolation_experiment",
                "quality_curves",
                "evaluate",
            }
            | REPORT,
        ),
        ("notebooks/vae.ipynb", {"notebook_vae"} | REPORT),
        ("notebooks/report.ipynb", {"report_notebook", "report_html", "report"}),
    ],
)
def test_an_edited_source_file_plans_exactly_the_rules_that_run_it(smoke_project, path, expected):
    with edited(smoke_project / path, lambda text: text + ("\n" if path.endswith(".ipynb") else "\n# edited\n")):
        assert planned(smoke_project) == expected


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_notebooks_opened_by_hand_run_in_the_registered_kernel_and_leave_the_run_untouched(
    smoke_project, tmp_path, monkeypatch
):
    """As `make lab` runs them: the `genreport` kernel the Makefile registers, from the notebooks folder, with the
    defaults of their parameters cell, so they read the latest complete run (here the smoke run)."""
    import nbformat
    from nbclient import NotebookClient

    assert "ipykernel install --sys-prefix --name genreport" in (ROOT / "Makefile").read_text()
    kernels = tmp_path / "jupyter"
    install = [sys.executable, "-m", "ipykernel", "install", "--prefix", str(kernels), "--name", "genreport"]
    subprocess.run(install, check=True, capture_output=True)
    monkeypatch.setenv("JUPYTER_PATH", str(kernels / "share" / "jupyter"))
    run = run_folder(smoke_project)
    before = file_hashes(run)
    for name in ("vae", "gan", "ddpm", "report"):
        notebook = nbformat.read(smoke_project / "notebooks" / f"{name}.ipynb", as_version=4)
        assert notebook.metadata.kernelspec.name == "genreport"
        NotebookClient(
            notebook, timeout=600, resources={"metadata": {"path": str(smoke_project / "notebooks")}}
        ).execute()
    assert file_hashes(run) == before
    # They drew their figures into scratch/ instead, from the preset's values.
    scratch = smoke_project / "scratch"
    assert (scratch / "vae" / "fig3_vae_interpolation.png").is_file() and (
        scratch / "ddpm" / "fig6_ddpm_samples.png"
    ).is_file()
    measured = json.loads((scratch / "vae" / "measurements.json").read_text())
    assert measured["interpolation_pairs"] == 2 and measured["sample_count"] == 16


def test_each_figure_names_the_rule_commit_and_settings_that_made_it(smoke_project):
    run = run_folder(smoke_project)
    markdown = (run / "report" / "report.md").read_text()
    record = json.loads((run / "provenance" / "notebook_vae.json").read_text())
    assert record["settings"] == {
        "seed": 0,
        "device": "cpu",
        "n_images": 16,
        "interpolation_pairs": 2,
        "interpolation_frames": 6,
    }
    assert record["settings_digest"] == settings_digest(record["settings"])
    assert "Drawn by `notebook_vae` (notebooks/vae.ipynb), commit" in markdown
    assert f"settings {record['settings_digest']}" in markdown
    ddpm_paths = markdown[markdown.index("Figure A7 –") :].split("\n\n")[0]
    assert "Drawn by `interpolation_experiment` (genreport.cli.interpolate)" in ddpm_paths


def prose_sentences(markdown: str) -> list[str]:
    """The report's sentences of five words or more, outside tables, headings, lists and captions."""
    skipped = ("|", "#", "<a", "![", "*Figure", "- ", "<small")
    text = " ".join(p for p in markdown.split("\n\n") if not p.startswith(skipped))
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", text) if len(s.split()) >= 5]


def tables(markdown: str, header_start: str) -> list[list[list[str]]]:
    """Every Markdown table whose header row starts with `header_start`, as rows of cells (header excluded)."""
    found, lines = [], markdown.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(header_start):
            rows = []
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append([cell.strip() for cell in row.strip("|").split("|")])
            found.append(rows)
    assert found, f"no table starting {header_start!r}"
    return found


def test_the_report_repeats_no_sentence_and_its_numbers_agree(smoke_project):
    run = run_folder(smoke_project)
    markdown = (run / "report" / "report.md").read_text()
    metrics = json.loads((run / "metrics.json").read_text())
    repeated = [s for s, count in Counter(prose_sentences(markdown)).items() if count > 1]
    assert not repeated, repeated
    # A number printed in two places is printed the same: the summary's FIDs and training times are the tables'.
    [summary] = tables(markdown, "| | VAE | GAN | DDPM |")
    summary = {row[0]: row[1:] for row in summary}
    fid_rows = [cells for label, cells in summary.items() if label.startswith("FID, ")]
    quality_tables = tables(markdown, "| images | count | FID |")
    assert len(fid_rows) == len(quality_tables) == 2
    for cells, table in zip(fid_rows, quality_tables, strict=True):
        by_model = {row[0]: row for row in table}
        assert cells == [by_model[label][2] for label in ("VAE", "GAN", "DDPM")]
    [models] = tables(markdown, "| model | parameters | epochs (steps) | training time |")
    assert summary["training time"] == [row[3] for row in models]
    # A number derived from others agrees with them: FID ÷ real, and the DDPM's cost per sample against the GAN's.
    for scored, table in zip((metrics, metrics["second_evaluator"]), quality_tables, strict=True):
        real = scored["sample_metrics"][REAL_ROW]["fid"]
        for row in table[1:]:
            fid = scored["sample_metrics"][row[0].lower()]["fid"]
            assert float(row[3]) == pytest.approx(fid / real, abs=0.051), row
    per_sample = {
        m: json.loads((run / "measurements" / f"{m}.json").read_text())["seconds_per_sample"] for m in ("gan", "ddpm")
    }
    [factor] = re.findall(r"so a DDPM sample costs ([\d,]+)× a GAN sample", markdown)
    assert int(factor.replace(",", "")) == round(per_sample["ddpm"] / per_sample["gan"])


def test_snakemake_report_registers_figures_and_the_written_report(smoke_project, tmp_path):
    page = tmp_path / "snakemake-report.html"
    result = snakemake(smoke_project, "report", "--report", str(page))
    assert result.returncode == 0, result.stderr[-3000:]
    text = page.read_text()
    for name in ("fig1_vae_reconstructions.png", "fig7_ddpm_interpolation.png", "metrics.json", "report.html"):
        assert name in text, name


def test_lint_is_clean(project_root):
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint", "--config", "preset=smoke"],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert "Lints for" not in output and "Congratulations" in output, output[-3000:]


MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>[link](javascript:alert(3))`code`"


# The names the report looks things up by (a model, an evaluator, a detach variant) and the one setting it parses.
IDENTIFIERS = {*MODELS, *EVALUATORS, *DETACH_VARIANTS, REAL_ROW}


def planted(value, key=""):
    """`value` with MARKUP appended to every string it holds but identifiers and the setting the report parses."""
    if isinstance(value, dict):
        return {k: planted(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [planted(item, key) for item in value]
    text = isinstance(value, str) and value not in IDENTIFIERS and key != "snapshot_sampler"
    return value + MARKUP if text else value


def test_markup_planted_in_every_string_of_a_run_reaches_the_page_as_text(smoke_project, tmp_path):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from genreport.report.document import report_blocks
    from genreport.report.results import load_results

    run = tmp_path / "smoke"
    shutil.copytree(run_folder(smoke_project), run)
    for path in run.rglob("*.json"):
        path.write_text(json.dumps(planted(json.loads(path.read_text()))))
    markdown = "\n\n".join(block.markdown for block in report_blocks(load_results(run)) if block.markdown)
    page = markdown2html_mistune(markdown)
    assert markdown.count("&lt;script&gt;") > 10, "the planted strings must reach the page"
    for live in ("<script>alert(1)", "<img src=x", "[link](javascript", "`code`"):
        assert live not in markdown, live
    for live in ("<script", "<img src=x", '<img src="x', 'href="javascript', "<code>code</code>"):
        assert live not in page, live


def renamed(value):
    """`value` with MARKUP appended to every identifier it holds, as a key or a value."""
    if isinstance(value, dict):
        return {k + MARKUP if k in IDENTIFIERS else k: renamed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(item) for item in value]
    return value + MARKUP if isinstance(value, str) and value in IDENTIFIERS else value


@pytest.mark.fault
def test_markup_planted_in_the_names_a_run_s_files_use_is_one_line_not_a_traceback(smoke_project, tmp_path):
    run = tmp_path / "smoke"
    shutil.copytree(run_folder(smoke_project), run)
    for path in run.rglob("*.json"):
        path.write_text(json.dumps(renamed(json.loads(path.read_text()))))
    result = subprocess.run(
        [sys.executable, "-m", "genreport.cli.report", "--results-dir", str(run), "--out", str(tmp_path / "r.md")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and not (tmp_path / "r.md").exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "rerun snakemake" in lines[0], lines


def test_a_run_folder_under_another_preset_s_name_is_refused(smoke_project):
    made = json.loads((run_folder(smoke_project) / "run.json").read_text())
    assert made == {"preset": "smoke"}, "the run names the preset that made it"
    copied = run_folder(smoke_project, "cpu")
    shutil.copytree(run_folder(smoke_project), copied)  # the smoke run copied under the cpu preset's name
    try:
        result = snakemake(smoke_project, "-n", "report", config={"preset": "cpu"})
    finally:
        shutil.rmtree(copied)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    folder = f"{project_settings(smoke_project)['results_dir']}/cpu"
    assert errors == [
        f"error: {folder} was made by the 'smoke' preset, not 'cpu' ({folder}/run.json): move or delete the "
        "folder, or run the preset that made it"
    ], result.stderr[-2000:]
