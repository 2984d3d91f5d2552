"""Presets: plain YAML files in config/presets, one per target machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

MODEL_NAMES = ("vae", "gan", "ddpm")


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
    with path.open() as handle:
        preset = yaml.safe_load(handle)
    validate_preset(preset, path)
    return apply_overrides(preset, overrides, path) if overrides else preset


def apply_overrides(preset: dict[str, Any], overrides: list[str], path: Path) -> dict[str, Any]:
    """Set `section.key=value` pairs (values parsed as YAML) on a copy of a preset, then re-validate."""
    import copy

    preset = copy.deepcopy(preset)
    for override in overrides:
        key, separator, value = override.partition("=")
        if not separator:
            raise ConfigError(f"override '{override}' is not of the form section.key=value")
        *sections, last = key.split(".")
        target = preset
        for section in sections:
            if not isinstance(target.get(section), dict):
                raise ConfigError(f"override '{override}': the preset has no section '{section}'")
            target = target[section]
        target[last] = yaml.safe_load(value)
    validate_preset(preset, path, remedy="fix the overriding value")
    return preset


def validate_preset(preset: dict[str, Any], path: Path, remedy: str = "fix it in the file") -> None:
    """Check a preset against config/preset.schema.yaml; the first problem becomes one line."""
    import jsonschema

    with (path.parent.parent / "preset.schema.yaml").open() as handle:
        schema = yaml.safe_load(handle)
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(preset))
    if error is not None:
        key = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        raise ConfigError(f"preset file {path}: {key}: {error.message}; {remedy}")


def notebook_values(preset: dict[str, Any], model: str) -> dict[str, Any]:
    """The preset values a model's notebook uses, under its parameter names (the pipeline passes them;
    a notebook run by hand falls back to them)."""
    values = {"seed": preset["seed"], "n_images": preset["notebook_images"], "device": preset["device"]}
    if model != "ddpm":  # the DDPM notebook draws no interpolation
        values.update(interpolation_pairs=preset["experiments"]["interpolation_pairs"],
                      interpolation_frames=preset["experiments"]["interpolation_frames"])
    return values


def default_preset_name() -> str:
    """`gpu` where CUDA is present, `cpu` otherwise."""
    import torch

    return "gpu" if torch.cuda.is_available() else "cpu"


def resolve_preset_name(name: str | None) -> str:
    return default_preset_name() if name in (None, "", "auto") else name


def pipeline_settings() -> dict[str, Any]:
    """config/config.yaml of the project the current directory belongs to."""
    with (project_root() / "config" / "config.yaml").open() as handle:
        return yaml.safe_load(handle)


def default_results_dir() -> Path:
    """results/<default preset>: what the pipeline's last run of the default preset wrote."""
    settings = pipeline_settings()
    return project_root() / settings["results_dir"] / resolve_preset_name(settings["preset"])
