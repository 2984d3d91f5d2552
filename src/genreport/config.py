"""Presets: plain YAML files in config/presets, one per target machine."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from . import strict_yaml
from .diffusion.sampler_settings import Sampler
from .errors import ConfigError
from .vocabulary import EVALUATOR_TASK, MODELS

# The default of every model-section key a preset may leave out, written once. RECORDED ones are merged
# into the task's config, so its training record and checkpoint name them (the DDPM's recipe: the textbook
# DDPM of Ho et al. 2020; the evaluator's architecture); the others are read through `option`.
RECORDED_DEFAULTS = {
    "ddpm": {
        "schedule": "linear",
        "prediction": "eps",
        "loss_weighting": "uniform",
        "min_snr_gamma": 5.0,
        "ema_warmup": False,
        "timestep_density": "uniform",
        "upsample_to_finer": False,
    },
    "evaluator": {"architecture": "vgg"},
}
OPTIONAL_DEFAULTS = {
    "every model": {
        "precision": "fp32",
        "lr_schedule": "constant",
        "lr_warmup_steps": 0,
        "sample_epochs": [],
        "sample_images": 64,
    },
    "vae": {"kl_warmup_steps": 0, "binarize": False},
    "gan": {
        "discriminator_input": "detached",
        "spectral_norm": False,
        "discriminator_batch_norm": True,
        "r1_gamma": 0.0,
        "r1_interval": 16,
        "adam_beta1": 0.5,
    },
    "ddpm": {"snapshot_sampler": "ancestral"},
}


def with_recorded_defaults(model: str, section: dict[str, Any]) -> dict[str, Any]:
    """A model section with the defaults its task records filled in."""
    return {**RECORDED_DEFAULTS.get(model, {}), **section}


def option(model: str, section: dict[str, Any], key: str) -> Any:
    """`section[key]`, or the default of `key` for `model` where the preset leaves it out."""
    if key in section:
        return section[key]
    for defaults in (
        RECORDED_DEFAULTS.get(model, {}),
        OPTIONAL_DEFAULTS.get(model, {}),
        OPTIONAL_DEFAULTS["every model"],
    ):
        if key in defaults:
            return defaults[key]
    raise KeyError(f"{model}.{key} is neither set nor optional")


def project_root(start: Path | None = None) -> Path:
    """The directory holding the Snakefile, searched upwards from `start` (default: cwd)."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "Snakefile").is_file() and (candidate / "config").is_dir():
            return candidate
    # Fall back to the source checkout this package was imported from.
    return Path(__file__).resolve().parents[2]


def presets_dir() -> Path:
    return project_root() / "config" / "presets"


def available_presets(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (directory or presets_dir()).glob("*.yaml"))


def load_preset(name: str, directory: Path | None = None, overrides: list[str] | None = None) -> dict[str, Any]:
    directory = directory or presets_dir()
    path = directory / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(available_presets(directory)) or "none"
        raise ConfigError(f"unknown preset '{name}': choose one of {known} (files in {directory})")
    preset = strict_yaml.read(path)
    validate_preset(preset, path)
    return apply_overrides(preset, overrides, path) if overrides else preset


def apply_overrides(
    preset: dict[str, Any], overrides: list[str], path: Path, source: str | None = None
) -> dict[str, Any]:
    """Set `section.key=value` pairs (values parsed as YAML) on a copy of a preset, then re-validate; `source`
    names where the pairs came from in an error (default: the preset file)."""
    import copy

    preset = copy.deepcopy(preset)
    where = f"{source}: " if source else ""
    remedy = f"fix the value in {source}" if source else "fix the overriding value"
    for override in overrides:
        key, separator, value = override.partition("=")
        if not separator:
            raise ConfigError(f"{where}'{override}' is not of the form section.key=value; {remedy}")
        *sections, last = key.split(".")
        target = preset
        for section in sections:
            if not isinstance(target.get(section), dict):
                raise ConfigError(f"{where}'{override}': the preset has no section '{section}'; {remedy}")
            target = target[section]
        target[last] = strict_yaml.parse(value, f"{where}'{override}'", remedy)
    validate_preset(preset, path, remedy=remedy, label=f"{source} (preset {path.stem})" if source else None)
    return preset


COMMAND_LINE = "--config set"
# The workflow hands the values `--config set` changed to the report's jobs through the environment, not as
# tracked params: a value no rule uses then reruns nothing, as the same edit of the preset file would.
CHANGED_SETTINGS_VARIABLE = "GENREPORT_CHANGED_SETTINGS"


def changed_settings_from_environment() -> dict[str, Any]:
    return json.loads(os.environ.get(CHANGED_SETTINGS_VARIABLE) or "{}")


def command_line_overrides(text: str | None) -> list[str]:
    """The `section.key=value` pairs of `--config set="..."`, split as a shell splits words (quote a value that
    holds a space)."""
    import shlex

    try:
        return shlex.split(text or "")
    except ValueError as error:
        raise ConfigError(f"{COMMAND_LINE}: {error} in {text!r}; close the quote") from None


def changed_settings(preset: dict[str, Any], file_preset: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """The settings `overrides` set to a value other than the preset file's, by dotted key, in the order given."""
    changed = {}
    for override in overrides:
        key = override.partition("=")[0]
        now, before = preset, file_preset
        for part in key.split("."):
            now, before = now.get(part), before.get(part) if isinstance(before, dict) else None
        if now != before:
            changed[key] = now
    return changed


def schema_problem(instance: Any, schema_path: Path, schema: dict[str, Any] | None = None) -> tuple[str, str] | None:
    """The first way `instance` breaks the JSON schema in `schema_path` (or the `schema` already read from it),
    as (key, message)."""
    import jsonschema

    schema = schema if schema is not None else strict_yaml.read(schema_path)
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(instance))
    if error is None:
        return None
    return ".".join(str(part) for part in error.absolute_path) or "(top level)", error.message


def unknown_key_problem(instance: Any, schema: dict[str, Any]) -> tuple[str, str] | None:
    """The first key no part of `schema` names, with the nearest valid key (a misspelled setting would
    otherwise be silently off: its section falls back to the default)."""
    import difflib

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        return resolve(schema["$defs"][ref.rsplit("/", 1)[1]]) if ref else node

    def properties(node: dict[str, Any]) -> dict[str, Any]:
        found = dict(resolve(node).get("properties", {}))
        for part in resolve(node).get("allOf", []):
            found.update(properties(part))
        return found

    def walk(value: Any, node: dict[str, Any], path: list[str]) -> tuple[str, str] | None:
        known = properties(node)
        if not isinstance(value, dict) or not known:
            return None
        for key, item in value.items():
            if key not in known:
                close = difflib.get_close_matches(str(key), list(known), n=1)
                hint = f"did you mean {close[0]}?" if close else f"the section knows {', '.join(sorted(known))}"
                return ".".join([*path, str(key)]), f"unknown setting ({hint})"
            problem = walk(item, known[key], [*path, str(key)])
            if problem:
                return problem
        return None

    return walk(instance, schema, [])


def validate_preset(
    preset: dict[str, Any], path: Path, remedy: str = "fix it in the file", label: str | None = None
) -> None:
    """Check a preset for keys the schema does not know, against config/preset.schema.yaml and the bounds
    between its values; the first problem becomes one line."""
    schema_path = path.parent.parent / "preset.schema.yaml"
    schema = strict_yaml.read(schema_path)
    problem = (
        (unknown_key_problem(preset, schema) if isinstance(preset, dict) else None)
        or schema_problem(preset, schema_path, schema)
        or related_values_problem(preset)
    )
    if problem is not None:
        key, message = problem
        raise ConfigError(f"{label or f'preset file {path}'}: {key}: {message}; {remedy}")


def related_values_problem(preset: dict[str, Any]) -> tuple[str, str] | None:
    """Bounds the schema cannot state: one value limited by another."""
    timesteps = preset["ddpm"]["timesteps"]
    limits = [
        ("ddpm.beta_start", preset["ddpm"]["beta_start"], preset["ddpm"]["beta_end"], "below ddpm.beta_end"),
        *(
            (key, Sampler.parse(setting, timesteps).steps, timesteps + 1, "on at most ddpm.timesteps steps")
            for key, setting in (
                ("ddpm.snapshot_sampler", option("ddpm", preset["ddpm"], "snapshot_sampler")),
                ("evaluation.sampler", preset["evaluation"]["sampler"]),
                ("experiments.interpolation_sampler", preset["experiments"]["interpolation_sampler"]),
            )
        ),
        (
            "experiments.probe_ddpm_timestep",
            preset["experiments"]["probe_ddpm_timestep"],
            timesteps,
            "below ddpm.timesteps",
        ),
    ]
    for model in (*MODELS, EVALUATOR_TASK):
        section = preset[model]
        limits.append(
            (
                f"{model}.batch_size",
                section["batch_size"],
                (preset["train_subset"] or 60000) + 1,
                "at most the training images (train_subset, or 60000)",
            )
        )
        late = [epoch for epoch in option(model, section, "sample_epochs") if epoch > section["epochs"]]
        if late:
            return f"{model}.sample_epochs", f"{late[0]} is after the last epoch ({model}.epochs = {section['epochs']})"
    for key, value, bound, wanted in limits:
        if value >= bound:
            return key, f"{value} must be {wanted}"
    return None


def check_pipeline_settings(settings: dict[str, Any], schema_path: Path) -> None:
    """The workflow's settings (config/config.yaml with --config overrides): their schema, folders
    without control characters, the parents of the output folders and the offline MNIST folder present."""
    problem = schema_problem(settings, schema_path)
    if problem is not None:
        key, message = problem
        raise ConfigError(f"setting {key}: {message}; fix it in config/config.yaml or in --config")
    folders = {key: settings[key] for key in ("data_dir", "results_dir", "mnist_source") if settings.get(key)}
    for key, value in folders.items():
        if any(ord(character) < 32 or ord(character) == 127 for character in value):
            raise ConfigError(f"setting {key}: {value!r} holds a control character; choose a folder name without one")
    for key in ("data_dir", "results_dir"):
        parent = Path(settings[key]).absolute().parent
        if not parent.is_dir():
            raise ConfigError(
                f"setting {key}: the folder {parent} that would hold '{settings[key]}' does not exist; "
                "create it or choose another folder"
            )
    if "mnist_source" in folders and not Path(folders["mnist_source"]).is_dir():
        raise ConfigError(
            f"setting mnist_source: {folders['mnist_source']} is not a folder; point it at the folder "
            "holding the four MNIST .gz files"
        )


def notebook_values(preset: dict[str, Any], model: str) -> dict[str, Any]:
    """The preset values a model's notebook uses, under its parameter names (the pipeline passes them;
    a notebook run by hand falls back to them)."""
    values = {"seed": preset["seed"], "n_images": preset["notebook_images"], "device": preset["device"]}
    if model != "ddpm":  # the DDPM notebook draws no interpolation
        values.update(
            interpolation_pairs=preset["experiments"]["interpolation_pairs"],
            interpolation_frames=preset["experiments"]["interpolation_frames"],
        )
    return values


def default_preset_name() -> str:
    """`gpu` where CUDA is present, `cpu` otherwise."""
    import torch

    return "gpu" if torch.cuda.is_available() else "cpu"


def resolve_preset_name(name: str | None) -> str:
    return default_preset_name() if name in (None, "", "auto") else name


def pipeline_settings() -> dict[str, Any]:
    """config/config.yaml of the project the current directory belongs to."""
    return strict_yaml.read(project_root() / "config" / "config.yaml")
