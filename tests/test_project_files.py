"""Committed notebooks, environment.yml and pyproject.toml stay as the pipeline expects."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml

NOTEBOOKS = ["vae", "gan", "ddpm", "report"]
MODEL_PARAMETERS = {"checkpoint", "output_dir", "seed", "n_images", "device"}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebooks_carry_no_outputs(project_root, name):
    notebook = json.loads((project_root / "notebooks" / f"{name}.ipynb").read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_have_a_parameters_cell(project_root, name):
    notebook = json.loads((project_root / "notebooks" / f"{name}.ipynb").read_text())
    tagged = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    if name != "report":
        source = "".join(tagged[0]["source"])
        defined = {line.split("=")[0].strip() for line in source.splitlines() if "=" in line}
        assert defined >= MODEL_PARAMETERS


def test_environment_lists_exactly_the_pyproject_dependencies(project_root):
    environment = yaml.safe_load((project_root / "environment.yml").read_text())
    project = tomllib.loads((project_root / "pyproject.toml").read_text())["project"]
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    # `snakemake --sdm conda` builds the environment from a copy of this file in its own folder,
    # so it cannot install the project by a relative path; the package lists must agree instead.
    assert pip == project["dependencies"]
    # conda provides only the interpreter and pip, at a version pyproject accepts.
    names = {entry.split("=")[0].split(">")[0].strip() for entry in conda}
    assert names == {"python", "pip"}
    python = next(entry for entry in conda if entry.startswith("python"))
    minimum = project["requires-python"].removeprefix(">=")
    version = tuple(int(x) for x in python.split("=")[1].split("."))
    assert version >= tuple(int(x) for x in minimum.split("."))


def test_pyproject_names_the_design_card_packages(project_root):
    project = tomllib.loads((project_root / "pyproject.toml").read_text())["project"]
    names = {dep.split(">")[0].split("<")[0].split("=")[0].strip() for dep in project["dependencies"]}
    assert {"torch", "torchvision", "matplotlib", "jupyter", "nbconvert", "papermill", "snakemake"} <= names


@pytest.mark.parametrize("preset", ["smoke", "cpu", "gpu"])
def test_presets_load(preset):
    from genreport.config import load_preset

    config = load_preset(preset)
    assert config["name"] == preset
    assert config["ddpm"]["timesteps"] == 1000
    assert config["ddpm"]["beta_start"] == 1e-4 and config["ddpm"]["beta_end"] == 0.02


@pytest.mark.fault
def test_unknown_preset_is_refused():
    from genreport.config import load_preset
    from genreport.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown preset 'laptop'"):
        load_preset("laptop")


@pytest.mark.fault
@pytest.mark.parametrize(
    "change, key",
    [
        (lambda p: p["vae"].update(epochs=0), "vae.epochs"),
        (lambda p: p["ddpm"].update(batch_size=-4), "ddpm.batch_size"),
        (lambda p: p["gan"].update(lr="fast"), "gan.lr"),
        (lambda p: p.update(device="tpu"), "device"),
        (lambda p: p["evaluation"].update(samples=0), "evaluation.samples"),
        (lambda p: p.update(flow={"epochs": 1}), "flow"),
        (lambda p: p["ddpm"].update(precision="fp16"), "ddpm.precision"),
        (lambda p: p["gan"].update(lr_shedule="warmup_cosine"), "gan.lr_shedule"),  # misspelled: silently off before
        (lambda p: p["experiments"].update(detach_epoch=2), "experiments.detach_epoch"),
    ],
)
def test_bad_preset_values_are_refused_naming_the_key(tmp_path, project_root, change, key):
    from genreport.config import load_preset
    from genreport.errors import ConfigError

    presets = tmp_path / "config" / "presets"
    presets.mkdir(parents=True)
    (tmp_path / "config" / "preset.schema.yaml").write_text(
        (project_root / "config" / "preset.schema.yaml").read_text()
    )
    preset = yaml.safe_load((project_root / "config" / "presets" / "smoke.yaml").read_text())
    change(preset)
    (presets / "broken.yaml").write_text(yaml.safe_dump(preset))
    with pytest.raises(ConfigError) as caught:
        load_preset("broken", presets)
    message = str(caught.value)
    assert f": {key}: " in message and "\n" not in message
    assert message.endswith("fix it in the file")


@pytest.mark.fault
def test_a_misspelled_setting_is_refused_with_the_nearest_valid_key():
    from genreport.config import load_preset
    from genreport.errors import ConfigError

    with pytest.raises(ConfigError, match=r"gan\.lr_shedule: unknown setting \(did you mean lr_schedule\?\)"):
        load_preset("smoke", overrides=["gan.lr_shedule=warmup_cosine"])


@pytest.mark.fault
@pytest.mark.parametrize(
    "text, problem",
    [
        ("vae:\n  epochs: 2\n  epochs: 3\n", "line 3: the key 'epochs' is given twice"),
        ("a: &bomb [1, 2]\nb: [*bomb, *bomb]\n", "line 1: anchors and aliases are not allowed"),
        ("seed: !!python/object/apply:os.system [ls]\n", "line 1: the tag tag:yaml.org,2002:python/object/apply"),
        ("seed: [1, 2\n", "line 2: expected ',' or ']'"),
    ],
)
def test_a_malformed_preset_file_is_one_line_naming_file_and_line(tmp_path, text, problem):
    from genreport.config import load_preset
    from genreport.errors import ConfigError

    (tmp_path / "broken.yaml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_preset("broken", tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'broken.yaml'}, {problem}") and "\n" not in message


@pytest.mark.fault
def test_a_preset_file_that_is_not_utf8_is_one_line(tmp_path):
    from genreport.config import load_preset
    from genreport.errors import ConfigError

    (tmp_path / "broken.yaml").write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ConfigError, match=r"byte 9 is not UTF-8 text; save the file as UTF-8"):
        load_preset("broken", tmp_path)


@pytest.mark.fault
def test_bad_override_is_blamed_on_the_override():
    from genreport.config import load_preset
    from genreport.errors import ConfigError

    with pytest.raises(ConfigError, match=r"gan\.precision: .*; fix the overriding value$"):
        load_preset("smoke", overrides=["gan.precision=fp8"])


@pytest.mark.fault
@pytest.mark.parametrize(
    "change, key",
    [
        (lambda p: p["vae"].update(epochs=10**9), "vae.epochs"),
        (lambda p: p["evaluation"].update(samples=10**9), "evaluation.samples"),
        (lambda p: p["experiments"].update(inversion_images=20000), "experiments.inversion_images"),
        (lambda p: p["gan"].update(sample_epochs=[1, 3]), "gan.sample_epochs"),
        (lambda p: p["evaluation"].update(sampler="ddim:1001"), "evaluation.sampler"),
        (lambda p: p["experiments"].update(interpolation_sampler="ancestral"), "experiments.interpolation_sampler"),
        (lambda p: p["ddpm"].update(beta_start=0.05), "ddpm.beta_start"),
        (lambda p: p["ddpm"].update(batch_size=4096), "ddpm.batch_size"),  # more than the smoke preset's 2,048 images
    ],
)
def test_counts_beyond_what_a_run_can_use_are_refused(tmp_path, project_root, change, key):
    test_bad_preset_values_are_refused_naming_the_key(tmp_path, project_root, change, key)


def settings(**values):
    return {"preset": "smoke", "data_dir": "data", "results_dir": "results", "mnist_source": None, **values}


@pytest.mark.fault
@pytest.mark.parametrize(
    "values, expected",
    [
        (
            {"results_dir": "results\n; rm -rf ~"},
            "setting results_dir: 'results\\n; rm -rf ~' holds a control character",
        ),
        ({"data_dir": "/no/such/folder/data"}, "setting data_dir: the folder /no/such/folder that would hold"),
        ({"mnist_source": "/no/such/mnist"}, "setting mnist_source: /no/such/mnist is not a folder"),
        ({"preset": "../../etc/passwd"}, "setting preset: "),
        ({"results": "x"}, "setting (top level): Additional properties are not allowed"),
    ],
)
def test_bad_pipeline_settings_are_one_line(project_root, values, expected):
    from genreport.config import check_pipeline_settings
    from genreport.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        check_pipeline_settings(settings(**values), project_root / "config" / "schema.yaml")
    assert str(caught.value).startswith(expected) and "\n" not in str(caught.value)


def test_folders_with_spaces_and_shell_characters_are_accepted(project_root, tmp_path):
    from genreport.config import check_pipeline_settings

    folder = tmp_path / "my data $(touch x); `id`"
    folder.mkdir()
    check_pipeline_settings(
        settings(data_dir=str(folder / "data"), results_dir=str(folder / "out"), mnist_source=str(folder)),
        project_root / "config" / "schema.yaml",
    )


def test_a_users_own_preset_is_found_and_validated(tmp_path, project_root):
    from genreport.config import load_preset
    from genreport.errors import ConfigError

    presets = tmp_path / "config" / "presets"
    presets.mkdir(parents=True)
    (tmp_path / "config" / "preset.schema.yaml").write_text(
        (project_root / "config" / "preset.schema.yaml").read_text()
    )
    preset = yaml.safe_load((project_root / "config" / "presets" / "smoke.yaml").read_text())
    (presets / "laptop-2024.yaml").write_text(yaml.safe_dump({**preset, "name": "laptop-2024"}))
    assert load_preset("laptop-2024", presets)["name"] == "laptop-2024"
    (presets / "laptop-2024.yaml").write_text(yaml.safe_dump({**preset, "threads": 0}))
    with pytest.raises(ConfigError, match="laptop-2024.yaml: threads: "):
        load_preset("laptop-2024", presets)


@pytest.mark.parametrize("preset", ["cpu", "gpu"])
def test_a_preset_s_budget_names_exactly_the_rules_its_default_run_plans(project_root, tmp_path, preset):
    """Every rule `snakemake report` runs under the preset has a share, no share names a rule it does not run
    (each job's benchmark file is named by what its share is keyed on); the laptop's shares add up to its 20
    minutes (the gpu preset's rules run side by side, so its shares are per rule, not a sum)."""
    from support import copy_project, planned_jobs, snakemake

    from genreport.config import load_preset

    budget = load_preset(preset)["budget"]
    result = snakemake(copy_project(tmp_path, preset), "-n", "report")
    assert result.returncode == 0, result.stderr[-2000:]
    timed = {
        Path(line.split(":", 1)[1].strip()).stem
        for block in planned_jobs(result.stdout).values()
        for line in block.splitlines()
        if line.strip().startswith("benchmark:")
    }
    assert timed == set(budget)
    assert preset != "cpu" or round(sum(budget.values()), 6) <= 20


def published_minutes(project_root):
    """The published cpu run's rule time in minutes: its default run (the budget's rules) and the rest."""
    times = json.loads((project_root / "report" / "manifest.json").read_text())["rule_wall_time_s"]
    budget = yaml.safe_load((project_root / "config" / "presets" / "cpu.yaml").read_text())["budget"]
    default = sum(times[name] for name in budget)
    return round(default / 60, 1), round((sum(times.values()) - default) / 60, 1)


def test_the_readme_is_short_and_quotes_the_published_run_s_times(project_root):
    readme = (project_root / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    default, robustness = published_minutes(project_root)
    assert f"| the full cpu run, `results/cpu/report/report.html` | {default} min |" in readme
    assert f"took {robustness}\nmin of rule time" in readme or f"took {robustness} min of rule time" in readme


def test_the_readme_s_picture_was_drawn_from_the_published_report(project_root):
    from PIL import Image

    files = json.loads((project_root / "report" / "manifest.json").read_text())["files"]
    with Image.open(project_root / "docs" / "report-first-page.png") as picture:
        assert picture.text["source-sha256"] == files["report/report.html"], "redraw it: make first-page"
