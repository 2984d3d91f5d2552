"""The results schema the claims read: each reading names where its number lives in a run's files.

`r` is what `results.load_results` returns: `r["models"][<model>]` merges train/<model>/metrics.json
with measurements/<model>.json, `r["metrics"]` is metrics.json and `r["experiments"][<name>]` is
experiments/<name>.json. Sample metrics exist once per evaluator; `evaluator` names one of
`evaluator_names(r)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

# reading name -> where it is read from
READINGS: dict[str, str] = {}


def reading(where: str) -> Callable:
    def register(function: Callable) -> Callable:
        READINGS[function.__name__] = where
        return function

    return register


PRIMARY = "evaluator"
SECOND = "second_evaluator"


def evaluator_names(r: dict[str, Any]) -> list[str]:
    """The evaluators this run scored its samples with (none when it computed no sample metrics)."""
    metrics = r.get("metrics")
    if not metrics:
        return []
    return [PRIMARY] + ([SECOND] if metrics.get(SECOND) else [])


def _scored(r: dict[str, Any], evaluator: str) -> dict[str, Any]:
    return r["metrics"] if evaluator == PRIMARY else r["metrics"][evaluator]


def main_seed(r: dict[str, Any]) -> int:
    return r["models"]["vae"]["seed"]


@reading("train/<model>/metrics.json: seed, and experiments/seeds.json: training_seed, models")
def training_seeds(r: dict[str, Any]) -> list[int]:
    """The main training seed, then the seed experiment's where it retrained any model."""
    retrained = (r.get("experiments") or {}).get("seeds")
    return [main_seed(r)] + ([retrained["training_seed"]] if retrained and retrained["models"] else [])


def retrained_models(r: dict[str, Any]) -> list[str]:
    retrained = (r.get("experiments") or {}).get("seeds")
    return retrained["models"] if retrained else []


def _sample_scores(r: dict[str, Any], model: str, evaluator: str, seed: int | None) -> dict[str, Any]:
    """A model's sample metrics in one evaluator's space, for one training seed (the main one by default;
    a model the seed experiment did not retrain keeps its main scores)."""
    retrained = (r.get("experiments") or {}).get("seeds")
    if seed is not None and seed != main_seed(r) and retrained and model in retrained["models"]:
        return retrained["sample_metrics"][evaluator][model]
    return _scored(r, evaluator)["sample_metrics"][model]


@reading("metrics.json: [second_evaluator.]evaluator.{architecture, test_accuracy, training_seed}")
def evaluator_info(r, evaluator: str) -> dict[str, Any]:
    return {"architecture": "vgg", **_scored(r, evaluator)["evaluator"]}


@reading(
    "metrics.json: [second_evaluator.]sample_metrics.<model>.fid; "
    "other training seeds: experiments/seeds.json: sample_metrics.<evaluator>.<model>.fid"
)
def fid(r, model: str, evaluator: str = PRIMARY, seed: int | None = None) -> float:
    return _sample_scores(r, model, evaluator, seed)["fid"]


@reading("metrics.json: [second_evaluator.]sample_metrics.<model>.fid_over_real")
def fid_over_real(r, model: str, evaluator: str = PRIMARY) -> float:
    return _scored(r, evaluator)["sample_metrics"][model]["fid_over_real"]


@reading(
    "metrics.json: [second_evaluator.]sample_metrics.<model>.class_shares (10 shares, digit 0 first); "
    "other training seeds: experiments/seeds.json"
)
def class_shares(r, model: str, evaluator: str = PRIMARY, seed: int | None = None) -> list[float]:
    return _sample_scores(r, model, evaluator, seed)["class_shares"]


@reading("metrics.json: [second_evaluator.]sample_metrics.<model>.mean_top_probability")
def mean_top_probability(r, model: str, evaluator: str = PRIMARY) -> float:
    return _scored(r, evaluator)["sample_metrics"][model]["mean_top_probability"]


@reading("measurements/<model>.json: sharpness_samples ÷ sharpness_test_images")
def sharpness(r, model: str) -> float:
    return r["models"][model]["sharpness_ratio"]


@reading("train/<model>/epoch_*.npz snapshots: edge strength at the first and last sampled epoch ÷ the test images'")
def sharpness_first_and_last(r, model: str) -> tuple[tuple[int, float], tuple[int, float]] | None:
    points = r["models"][model]["sharpness_by_epoch"]
    if len(points) < 2:
        return None
    reference = r["models"][model]["measurements"]["sharpness_test_images"]
    (e0, s0), (e1, s1) = points[0], points[-1]
    return (e0, s0 / reference), (e1, s1 / reference)


@reading("measurements/<model>.json: interpolation.{max_over_mean_step, worst_max_over_mean_step}")
def interpolation_step_ratios(r, model: str) -> tuple[float, float]:
    stats = r["models"][model]["measurements"]["interpolation"]
    return stats["max_over_mean_step"], stats["worst_max_over_mean_step"]


@reading("train/<model>/metrics.json: total_train_time_s")
def train_seconds(r, model: str) -> float:
    return r["models"][model]["train_time_s"]


@reading("measurements/<model>.json: seconds_per_sample")
def seconds_per_sample(r, model: str) -> float:
    return r["models"][model]["measurements"]["seconds_per_sample"]


@reading("experiments/detach.json: variants.<variant>.{fid, seconds_per_step}")
def detach_variants(r) -> dict[str, Any] | None:
    exp = (r.get("experiments") or {}).get("detach")
    return exp["variants"] if exp else None


@reading("experiments/reconstruction.json: {vae, gan}.{mse.mean, class_kept}")
def reconstruction(r) -> dict[str, Any] | None:
    return (r.get("experiments") or {}).get("reconstruction")


@reading("experiments/probes.json: probes.<representation>.few_labels.test_accuracy")
def probe_accuracy_few_labels(r) -> dict[str, float] | None:
    exp = (r.get("experiments") or {}).get("probes")
    if not exp:
        return None
    return {name: p["few_labels"]["test_accuracy"] for name, p in exp["probes"].items()}


@reading("metrics.json: likelihood.vae.negative_iwae_bound.mean (nats) and likelihood.ddpm.negative_bound.bits_per_dim")
def likelihood_bounds(r) -> dict[str, float] | None:
    if not r.get("metrics"):
        return None
    likelihood = r["metrics"]["likelihood"]
    values = {
        "vae_nats": likelihood["vae"]["negative_iwae_bound"]["mean"],
        "ddpm_bits_per_dim": likelihood["ddpm"]["negative_bound"]["bits_per_dim"],
    }
    return values if all(math.isfinite(v) for v in values.values()) else None
