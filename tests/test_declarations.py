"""The declarations the workflow and the entry points share: experiments, a run's layout, the vocabulary."""

from __future__ import annotations

import importlib

import pytest

from genreport.errors import ConfigError
from genreport.pipeline.experiments import COMMON_SETTINGS, EXPERIMENTS, check_settings
from genreport.store.layout import EXPERIMENT_FIGURES, FIGURES, RunLayout
from genreport.store.layout import EXPERIMENTS as EXPERIMENT_FILES


def test_every_experiment_names_a_real_entry_point_figure_and_file():
    assert list(EXPERIMENTS) == list(EXPERIMENT_FILES)
    for job in EXPERIMENTS.values():
        assert callable(importlib.import_module(job.entry_point).main), job.name
        assert not job.figure or job.figure in EXPERIMENT_FIGURES, job.name
        assert EXPERIMENT_FIGURES.get(job.figure, (None, job.rule))[1] == job.rule, job.name


def test_an_experiment_refuses_settings_it_does_not_declare():
    declared = {key: 1 for key in (*COMMON_SETTINGS, *EXPERIMENTS["detach"].settings)}
    check_settings("detach", declared)
    with pytest.raises(ConfigError, match=r"lack detach_samples and hold unknown sampler_images"):
        check_settings("detach", {**{k: v for k, v in declared.items() if k != "detach_samples"}, "sampler_images": 8})


def test_settings_of_another_section_reach_the_job_by_their_own_name():
    from genreport.pipeline.settings import common_settings

    preset = {
        "seed": 0,
        "device": "cpu",
        "experiments": {"detach_samples": 100},
        "robustness": {"timing_steps": 5, "timing_repeats": 3, "detach_seeds": 2},
    }
    settings = common_settings(preset, *EXPERIMENTS["detach_repeats"].settings)
    assert settings == {
        "seed": 0,
        "device": "cpu",
        "detach_samples": 100,
        "detach_seeds": 2,
        "timing_repeats": 3,
        "timing_steps": 5,
    }
    check_settings("detach_repeats", settings)
    with pytest.raises(ConfigError, match=r"lack timing_steps"):
        check_settings("detach_repeats", {k: v for k, v in settings.items() if k != "timing_steps"})


def test_the_layout_keeps_a_wildcard_inside_its_paths():
    layout = RunLayout("results/smoke")
    assert str(layout.checkpoint("{model}")) == "results/smoke/train/{model}/checkpoint.pt"
    assert str(layout.figure(FIGURES["fig1"][0])) == "results/smoke/figures/fig1_vae_reconstructions.png"
    assert str(layout.provenance("evaluate")) == "results/smoke/provenance/evaluate.json"
