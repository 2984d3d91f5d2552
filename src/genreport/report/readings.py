"""The results schema the claims read: each reading names where its number lives in a run's files.

`r` is what `results.load_results` returns: `r["models"][<model>]` merges train/<model>/metrics.json
with measurements/<model>.json, `r["metrics"]` is metrics.json and `r["experiments"][<name>]` is
experiments/<name>.json. Sample metrics exist once per evaluator; `evaluator` names one of
`evaluator_names(r)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..vocabulary import MODELS, REAL_ROW

if TYPE_CHECKING:
    from .results import RunResults

# reading name -> where it is read from
READINGS: dict[str, str] = {}


def reading(where: str) -> Callable:
    def register(function: Callable) -> Callable:
        READINGS[function.__name__] = where
        return function

    return register


PRIMARY = "evaluator"
SECOND = "second_evaluator"


def evaluator_names(r: RunResults) -> list[str]:
    """The evaluators this run scored its samples with (none when it computed no sample metrics)."""
    metrics = r.get("metrics")
    if not metrics:
        return []
    return [PRIMARY] + ([SECOND] if metrics.get(SECOND) else [])


def _scored(r: RunResults, evaluator: str) -> dict[str, Any]:
    return r["metrics"] if evaluator == PRIMARY else r["metrics"][evaluator]


def main_seed(r: RunResults) -> int:
    return r["models"]["vae"]["seed"]


@reading(
    "train/<model>/metrics.json: seed; experiments/seed_repeats.json: training_seeds, models where the "
    "robustness target ran, else experiments/seeds.json: training_seed, models"
)
def training_seeds(r: RunResults) -> list[int]:
    """The main training seed, then the robustness target's seeds where it ran, else the seed experiment's
    where it retrained any model."""
    repeats = (r.get("experiments") or {}).get("seed_repeats")
    if repeats:
        return [main_seed(r), *repeats["training_seeds"]]
    retrained = (r.get("experiments") or {}).get("seeds")
    return [main_seed(r)] + ([retrained["training_seed"]] if retrained and retrained["models"] else [])


def retrained_models(r: RunResults) -> list[str]:
    experiments = r.get("experiments") or {}
    retrained = experiments.get("seed_repeats") or experiments.get("seeds")
    return retrained["models"] if retrained else []


def robustness_ran(r: RunResults) -> bool:
    """Whether the opt-in robustness target's experiments are part of this run."""
    experiments = r.get("experiments") or {}
    return bool(experiments.get("seed_repeats") and experiments.get("detach_repeats"))


def _sample_scores(r: RunResults, model: str, evaluator: str, seed: int | None) -> dict[str, Any]:
    """A model's sample metrics in one evaluator's space, for one training seed (the main one by default;
    a model no experiment retrained keeps its main scores)."""
    experiments = r.get("experiments") or {}
    if seed is not None and seed != main_seed(r):
        repeats, retrained = experiments.get("seed_repeats"), experiments.get("seeds")
        if repeats and str(seed) in repeats["sample_metrics"] and model in repeats["models"]:
            return repeats["sample_metrics"][str(seed)][evaluator][model]
        if retrained and model in retrained["models"]:
            return retrained["sample_metrics"][evaluator][model]
    return _scored(r, evaluator)["sample_metrics"][model]


@reading("metrics.json: [second_evaluator.]evaluator.{architecture, test_accuracy, training_seed}")
def evaluator_info(r: RunResults, evaluator: str) -> dict[str, Any]:
    return {"architecture": "vgg", **_scored(r, evaluator)["evaluator"]}


@reading(
    "metrics.json: [second_evaluator.]sample_metrics.<model>.fid; "
    "other training seeds: experiments/seeds.json: sample_metrics.<evaluator>.<model>.fid"
)
def fid(r: RunResults, model: str, evaluator: str = PRIMARY, seed: int | None = None) -> float:
    return _sample_scores(r, model, evaluator, seed)["fid"]


@reading(
    "metrics.json: [second_evaluator.]sample_metrics.<model>.intervals.fid; "
    "other training seeds: experiments/seeds.json"
)
def fid_interval(r: RunResults, model: str, evaluator: str = PRIMARY, seed: int | None = None) -> list[float] | None:
    """The FID's bootstrap interval; None in runs scored before intervals existed."""
    return (_sample_scores(r, model, evaluator, seed).get("intervals") or {}).get("fid")


@reading("metrics.json: [second_evaluator.]sample_metrics.<model>.fid_over_real")
def fid_over_real(r: RunResults, model: str, evaluator: str = PRIMARY) -> float:
    return _scored(r, evaluator)["sample_metrics"][model]["fid_over_real"]


@reading(
    "metrics.json: [second_evaluator.]sample_metrics.<model>.class_shares (10 shares, digit 0 first); "
    "other training seeds: experiments/seeds.json"
)
def class_shares(r: RunResults, model: str, evaluator: str = PRIMARY, seed: int | None = None) -> list[float]:
    return _sample_scores(r, model, evaluator, seed)["class_shares"]


@reading("metrics.json: [second_evaluator.]sample_metrics.<model>.mean_top_probability")
def mean_top_probability(r: RunResults, model: str, evaluator: str = PRIMARY) -> float:
    return _scored(r, evaluator)["sample_metrics"][model]["mean_top_probability"]


def calibrated_blur(r: RunResults, model: str) -> dict[str, Any] | None:
    """The calibrated blur of a model's scored samples (metrics.json: blur.sets.<model>); None in runs before it."""
    return ((r.get("metrics") or {}).get("blur") or {}).get("sets", {}).get(model)


@reading(
    "metrics.json: blur.sets.<model>.score (edge steepness of the scored samples ÷ the test digits'); "
    "runs before it: measurements/<model>.json: sharpness_samples ÷ sharpness_test_images"
)
def sharpness(r: RunResults, model: str) -> float:
    calibrated = calibrated_blur(r, model)
    return calibrated["score"] if calibrated else r["models"][model]["sharpness_ratio"]


@reading("metrics.json: blur.sets.<model>.interval")
def sharpness_interval(r: RunResults, model: str) -> list[float] | None:
    calibrated = calibrated_blur(r, model)
    return calibrated["interval"] if calibrated else None


@reading(
    "experiments/curves.json: edge_score_by_epoch.<model> (first and last sampled epoch, with intervals); runs "
    "before it: edge_strength_by_epoch ÷ measurements/<model>.json: sharpness_test_images"
)
def edge_scores_first_and_last(r: RunResults, model: str) -> list[dict[str, Any]] | None:
    """The fixed-noise snapshots' edge score at the first and the last sampled epoch ({epoch, score, interval})."""
    m = r["models"][model]
    scored = m.get("edge_score_by_epoch") or []
    if len(scored) >= 2:
        return [scored[0], scored[-1]]
    points = m["sharpness_by_epoch"]
    if len(points) < 2:
        return None
    reference = m["measurements"]["sharpness_test_images"]
    return [{"epoch": e, "score": s / reference, "interval": None} for e, s in (points[0], points[-1])]


@reading("measurements/<model>.json: interpolation.{max_over_mean_step, worst_max_over_mean_step}")
def interpolation_step_ratios(r: RunResults, model: str) -> tuple[float, float]:
    stats = r["models"][model]["measurements"]["interpolation"]
    return stats["max_over_mean_step"], stats["worst_max_over_mean_step"]


@reading("train/<model>/metrics.json: total_train_time_s")
def train_seconds(r: RunResults, model: str) -> float:
    return r["models"][model]["train_time_s"]


@reading("measurements/<model>.json: seconds_per_sample")
def seconds_per_sample(r: RunResults, model: str) -> float:
    return r["models"][model]["measurements"]["seconds_per_sample"]


@reading("experiments/detach.json: variants.<variant>.{fid, seconds_per_step}")
def detach_variants(r: RunResults) -> dict[str, Any] | None:
    exp = (r.get("experiments") or {}).get("detach")
    return exp["variants"] if exp else None


@reading(
    "experiments/detach_repeats.json: variants.<variant>.by_seed.<seed>.{fid, intervals.fid}, "
    "timing.{seconds_per_step, ratio_to_first}.<variant>.{median, min, max}"
)
def detach_repeats(r: RunResults) -> dict[str, Any] | None:
    """The robustness target's detach comparison at the GAN's full budget, where it ran."""
    return (r.get("experiments") or {}).get("detach_repeats")


@reading("experiments/reconstruction.json: {vae, gan}.{mse.mean, class_kept}")
def reconstruction(r: RunResults) -> dict[str, Any] | None:
    return (r.get("experiments") or {}).get("reconstruction")


@reading("experiments/probes.json: probes.<representation>.few_labels.test_accuracy")
def probe_accuracy_few_labels(r: RunResults) -> dict[str, float] | None:
    exp = (r.get("experiments") or {}).get("probes")
    if not exp:
        return None
    return {name: p["few_labels"]["test_accuracy"] for name, p in exp["probes"].items()}


@reading("metrics.json: likelihood.vae.negative_iwae_bound.mean (nats) and likelihood.ddpm.negative_bound.bits_per_dim")
def likelihood_bounds(r: RunResults) -> dict[str, float] | None:
    if not r.get("metrics"):
        return None
    likelihood = r["metrics"]["likelihood"]
    values = {
        "vae_nats": likelihood["vae"]["negative_iwae_bound"]["mean"],
        "ddpm_bits_per_dim": likelihood["ddpm"]["negative_bound"]["bits_per_dim"],
    }
    return values if all(math.isfinite(v) for v in values.values()) else None


# Every number the text prints, section by section: flat records the words read by name.


def _model(r: RunResults, model: str) -> dict[str, Any]:
    return r["models"][model]


def _experiment(r: RunResults, name: str) -> dict[str, Any] | None:
    return (r.get("experiments") or {}).get(name)


def sample_metrics(r: RunResults, evaluator: str = PRIMARY) -> dict[str, Any] | None:
    """Every scored set's metrics (the models and the real row) in one evaluator's space; None if unscored."""
    return _scored(r, evaluator)["sample_metrics"] if r.get("metrics") else None


def metric_rows(scores: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "count": s["count"],
            "fid": s["fid"],
            "fid_over_real": s["fid_over_real"],
            "fid_interval": (s.get("intervals") or {}).get("fid"),
            "kid": s["kid"],
            "kid_std": s["kid_std"],
            "precision": s["precision"],
            "recall": s["recall"],
            "precision_interval": (s.get("intervals") or {}).get("precision"),
            "recall_interval": (s.get("intervals") or {}).get("recall"),
            "mean_top_probability": s["mean_top_probability"],
            "min_share": min(s["class_shares"]),
            "max_share": max(s["class_shares"]),
        }
        for name, s in scores.items()
    ]


def most_frequent_digit(shares: list[float]) -> tuple[int, float]:
    digit = max(range(10), key=lambda d: shares[d])
    return digit, shares[digit]


def coverage(scores: dict[str, Any], models: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each model's most frequent digit, its share among clearly and less clearly read samples, and real data's."""
    real = scores.get("real (training images)")
    rows = []
    for name in models:
        row = scores.get(name)
        if not row or not row.get("class_shares_confident"):
            continue
        digit, share = most_frequent_digit(row["class_shares"])
        rows.append(
            {
                "name": name,
                "digit": digit,
                "share": share,
                "real_share": real["class_shares"][digit] if real else None,
                "confident_share": row["class_shares_confident"][digit],
                "unsure_share": row["class_shares_unsure"][digit],
                "confidence_threshold": row["confidence_threshold"],
            }
        )
    return rows


def fid_order(r: RunResults, models: tuple[str, ...], evaluator: str = PRIMARY) -> tuple[list[str], dict[str, float]]:
    """Models best (lowest FID) first, with their FIDs."""
    fids = {m: fid(r, m, evaluator) for m in models}
    return sorted(models, key=fids.get), fids


def sharpness_order(r: RunResults, models: tuple[str, ...]) -> list[str]:
    """Models from closest to farthest from real digits' edge strength (ratio 1)."""
    return sorted(models, key=lambda m: abs(sharpness(r, m) - 1.0))


def quality_pair(r: RunResults, a: str, b: str) -> dict[str, Any]:
    """Two models' FID, precision and recall in the main evaluator's space, the better by FID first."""
    scores = sample_metrics(r)
    better = a if scores[a]["fid"] < scores[b]["fid"] else b
    worse = b if better == a else a
    return {
        "a": a,
        "b": b,
        "better": better,
        "worse": worse,
        **{
            f"{key}_{role}": scores[m][key]
            for role, m in (("better", better), ("worse", worse))
            for key in ("fid", "fid_over_real")
        },
        "fid_interval_better": fid_interval(r, better),
        "fid_interval_worse": fid_interval(r, worse),
        **{
            f"{key}_{role}": scores[m][key]
            for role, m in (("a", a), ("b", b))
            for key in ("precision", "recall", "mean_top_probability")
        },
    }


def evolution(r: RunResults, model: str) -> dict[str, Any]:
    """Edge score of the fixed-noise snapshots from the first to the last sampled epoch, and the loss."""
    m = _model(r, model)
    ends = edge_scores_first_and_last(r, model)
    if not ends:
        return {"trend": False}
    first, last = ends
    loss_name = next(iter(m["first_losses"]))
    return {
        "trend": True,
        "first_epoch": first["epoch"],
        "last_epoch": last["epoch"],
        "first": first["score"],
        "last": last["score"],
        "first_interval": first["interval"],
        "last_interval": last["interval"],
        "loss_name": loss_name,
        "first_loss": m["first_losses"][loss_name],
        "last_loss": m["final_losses"][loss_name],
        "epochs": m["epochs"],
    }


def pixel_path(r: RunResults, model: str) -> dict[str, Any]:
    """A model's interpolation paths in pixel space (the figure's)."""
    m = _model(r, model)["measurements"]
    stats = m["interpolation"]
    return {
        "frames": m["interpolation_frames"],
        "pairs": m["interpolation_pairs"],
        "mean_step_rms": stats["mean_step_rms"],
        "max_over_mean_step": stats["max_over_mean_step"],
        "worst_max_over_mean_step": stats["worst_max_over_mean_step"],
    }


def feature_paths(r: RunResults) -> dict[str, Any] | None:
    """The interpolation experiment: each model's paths seen through the evaluator, smoothest first."""
    exp = _experiment(r, "interpolation")
    if not exp:
        return None
    stats = exp["models"]
    return {
        "pairs": exp["pairs"],
        "frames": exp["frames"],
        "sampler": exp["sampler"],
        "models": stats,
        "smoothest_first": sorted(stats, key=lambda m: stats[m]["max_over_mean_feature_step"]),
    }


def vae_fit(r: RunResults) -> dict[str, Any]:
    vae = _model(r, "vae")
    elbo = vae["measurements"]["test_negative_elbo"]
    return {
        "epochs": vae["epochs"],
        "reconstruction_mse": vae["measurements"]["reconstruction_mse"],
        "elbo": elbo["loss"],
        "elbo_reconstruction": elbo["reconstruction"],
        "elbo_kl": elbo["kl"],
        "likelihood": vae["config"]["likelihood"],
        "binarize": bool(vae["config"].get("binarize")),
    }


def training(r: RunResults, model: str) -> dict[str, Any]:
    m = _model(r, model)
    return {
        "epochs": m["epochs"],
        "steps": m["steps"],
        "first_losses": m["first_losses"],
        "final_losses": m["final_losses"],
        "train_time_s": m["train_time_s"],
        "config": m["config"],
        "precision": m.get("precision"),
    }


def second_evaluator_order(r: RunResults, models: tuple[str, ...]) -> dict[str, Any] | None:
    if SECOND not in evaluator_names(r):
        return None
    order, fids = fid_order(r, models, SECOND)
    info = evaluator_info(r, SECOND)
    return {
        "order": order,
        "fids": fids,
        "architecture": info["architecture"],
        "test_accuracy": info["test_accuracy"],
        "main_order": fid_order(r, models)[0],
    }


def detach(r: RunResults) -> dict[str, Any] | None:
    exp = _experiment(r, "detach")
    if not exp:
        return None
    v = exp["variants"]
    a, b = v["detached"], v["attached"]
    return {
        "epochs": exp["epochs"],
        "samples": exp["samples"],
        "variants": v,
        "extra_time": b["seconds_per_step"] / a["seconds_per_step"] - 1,
    }


def detach_full(r: RunResults) -> dict[str, Any] | None:
    """The full-budget detach comparison as the text and its table use it: each variant's runs by seed and its
    time per step (median and range over the repeated timings), with its ratio to the detached step's."""
    exp = detach_repeats(r)
    if not exp:
        return None
    timing = exp["timing"]
    return {
        "epochs": exp["epochs"],
        "samples": exp["samples"],
        "seeds": exp["seeds"],
        "repeats": timing["repeats"],
        "steps": timing["steps"],
        "variants": {
            variant: {
                "description": entry["description"],
                "by_seed": entry["by_seed"],
                "time": timing["seconds_per_step"][variant],
                "ratio": timing["ratio_to_first"].get(variant),
            }
            for variant, entry in exp["variants"].items()
        },
    }


def inversion(r: RunResults) -> dict[str, Any] | None:
    return _experiment(r, "reconstruction")


def ddpm_bound_terms(r: RunResults, early: int = 10) -> dict[str, Any] | None:
    """Where the DDPM's bits go: the share of its bound from t < `early` (the decoder term included)."""
    ddpm = r["metrics"]["likelihood"]["ddpm"]
    terms = ddpm.get("terms_bits_per_dim")
    if not terms:
        return None
    total = ddpm["negative_bound"]["bits_per_dim"]
    early_bits = sum(term["bits_per_dim"] for term in terms if term["t_stop"] is not None and term["t_stop"] <= early)
    return {
        "early": early,
        "early_share": early_bits / total,
        "timesteps": terms[-1]["t_start"],
        "prior_bits_per_dim": terms[-1]["bits_per_dim"],
    }


def likelihood(r: RunResults) -> dict[str, Any] | None:
    if not r.get("metrics"):
        return None
    vae, ddpm = r["metrics"]["likelihood"]["vae"], r["metrics"]["likelihood"]["ddpm"]
    return {"vae": vae, "ddpm": ddpm, "terms": ddpm_bound_terms(r)}


def probes(r: RunResults) -> dict[str, Any] | None:
    exp = _experiment(r, "probes")
    if not exp:
        return None
    few = {name: p["few_labels"]["test_accuracy"] for name, p in exp["probes"].items()}
    many = {name: p["many_labels"]["test_accuracy"] for name, p in exp["probes"].items() if p["many_labels"]}
    rows = [
        {
            "name": name,
            "feature_dim": p["few_labels"]["feature_dim"],
            "few": p["few_labels"]["test_accuracy"],
            "many": p["many_labels"]["test_accuracy"] if p["many_labels"] else None,
            # probes scored on a subset of the test set (the inversion's cost) say how many images
            "test_examples": None
            if p["few_labels"]["test_examples"] == exp["test_images"]
            else p["few_labels"]["test_examples"],
        }
        for name, p in exp["probes"].items()
    ]
    return {
        **exp,
        "rows": rows,
        "few": few,
        "many": many,
        "few_order": sorted(few, key=few.get, reverse=True),
        "best_many": max(many, key=many.get) if many else None,
    }


def probe_baselines(r: RunResults) -> dict[str, Any] | None:
    """Each learned representation against the same network untrained, and every representation at one dimension
    (experiments/probes.json: random_networks, equal_dimension); None in runs before these baselines."""
    exp = _experiment(r, "probes")
    if not exp or "random_networks" not in exp:
        return None

    def scores(probe: dict[str, Any]) -> dict[str, Any]:
        return {
            labels: {"accuracy": probe[labels]["test_accuracy"], "interval": probe[labels].get("interval")}
            for labels in ("few_labels", "many_labels")
        }

    untrained = exp["random_networks"]["probes"]
    return {
        "dimension": exp["equal_dimension"]["dimension"],
        "rows": [
            {
                "name": name,
                "trained": scores(exp["probes"][name]),
                "untrained": scores(untrained[name]) if name in untrained else None,
                "equal_dimension": scores(equal),
            }
            for name, equal in exp["equal_dimension"]["probes"].items()
        ],
    }


@reading(
    "experiments/probes.json: probes.<representation>.few_labels.{test_accuracy, interval} and the same under "
    "random_networks.probes and equal_dimension.probes"
)
def probe_score(r: RunResults, name: str, kind: str = "trained", labels: str = "few_labels") -> dict[str, Any] | None:
    """One probe's test accuracy and interval: of the trained representation, its untrained network's, or at the
    shared dimension; None where the run did not fit it."""
    exp = _experiment(r, "probes")
    source = {"trained": "probes", "untrained": "random_networks", "equal_dimension": "equal_dimension"}[kind]
    probes = exp["probes"] if kind == "trained" else (exp.get(source) or {}).get("probes", {})
    probe = (probes.get(name) or {}).get(labels)
    return probe and {"accuracy": probe["test_accuracy"], "interval": probe.get("interval")}


def seed_orders(r: RunResults) -> dict[str, Any] | None:
    """The FID order scored per sampling seed, and whether it is the same for each."""
    check = r["metrics"].get("fid_by_sampling_seed")
    if not check:
        return None
    return {"orders": list(check["order_by_seed"].values()), "consistent": check["consistent"]}


def budget_ranking(r: RunResults) -> dict[str, Any] | None:
    """The FID order along the quality-against-compute curves: at the end, at the common budget, over time."""
    curves = _experiment(r, "curves")
    if not curves:
        return None
    at_budget = curves["at_common_budget"]
    history = curves["orders_over_time"]
    return {
        "final_order": curves["final_order"],
        "final": {m: curve[-1]["fid"] for m, curve in curves["curves"].items()},
        "budget_s": curves["common_budget_s"],
        "order_at_budget": curves["order_at_common_budget"],
        "at_budget": {m: point["fid"] for m, point in at_budget.items() if point},
        "epoch_at_budget": {m: point["epoch"] for m, point in at_budget.items() if point},
        "unmeasured": curves["unmeasured_at_common_budget"],
        "changes": curves["order_changes"],
        "images": next(iter(curves["curves"].values()))[-1]["images"],
        "shortest": min(curves["curves"], key=lambda m: curves["curves"][m][-1]["train_seconds"]),
        "distinct_orders": [
            entry for i, entry in enumerate(history) if i == 0 or entry["order"] != history[i - 1]["order"]
        ],
    }


def ratio(a: float, b: float) -> dict[str, Any]:
    """a against b as a factor of at least 1 and its direction ('more' or 'less'; 'incomparably' when b is 0)."""
    if b == 0:
        return {"direction": "incomparably", "factor": None}
    factor = a / b
    return {"direction": "more", "factor": factor} if factor >= 1 else {"direction": "less", "factor": 1 / factor}


def costs(r: RunResults) -> dict[str, Any]:
    models = r["models"]
    per_sample = {m: models[m]["measurements"]["seconds_per_sample"] for m in models}
    train = {m: models[m]["train_time_s"] for m in models}
    return {
        "device": models["vae"]["device"],
        "train": train,
        "per_sample": per_sample,
        "sampling_steps": models["ddpm"]["measurements"]["sampling_steps"],
        "ddpm_over_gan_per_sample": per_sample["ddpm"] / per_sample["gan"],
        "slowest_to_train": max(models, key=lambda m: train[m]),
        "closest_to_real_edges": sharpness_order(r, tuple(models))[0],
        "gan_over_vae_train": ratio(train["gan"], train["vae"]),
        "gan_over_vae_sample": ratio(per_sample["gan"], per_sample["vae"]),
        "ddpm_over_gan_train": ratio(train["ddpm"], train["gan"]),
    }


def samplers(r: RunResults) -> dict[str, Any] | None:
    """The sampler comparison: each sampler's time and scores against ancestral sampling on the same noise."""
    exp = _experiment(r, "samplers")
    if not exp:
        return None
    rows = exp["samplers"]
    ancestral = next(v for k, v in rows.items() if k.startswith("ancestral"))
    compared = [("DDIM with 100 steps", rows["DDIM, 100 steps"]), ("with 50 steps", rows["DDIM, 50 steps"])]
    compared += [(name, row) for name, row in rows.items() if name.startswith("DPM-Solver")]
    return {
        "images": exp["images"],
        "rows": rows,
        "ancestral": ancestral,
        "compared": [
            {"name": name, "speedup": ancestral["seconds_per_image"] / row["seconds_per_image"], **row}
            for name, row in compared
        ],
        "moving_average": exp.get("moving_average_against_raw"),
        "precision_against_fp32": (precision := exp.get("precision_against_fp32")),
        "fp32_speedup": precision
        and precision["seconds_per_image"]["fp32"] / precision["seconds_per_image"][precision["precision"]],
    }


def reduced_precision_models(r: RunResults) -> list[str]:
    return [name for name, m in r["models"].items() if m.get("precision") == "bf16"]


def model_rows(r: RunResults) -> list[dict[str, Any]]:
    """Each model's size, budget, speed and final losses, as the models table prints them."""
    return [
        {
            "name": name,
            # the parts of a model of several networks (the GAN's generator and discriminator)
            "parameter_parts": list(m["parameters"].items()) if len(m["parameters"]) > 1 else [],
            "parameters_total": m["parameters_total"],
            "epochs": m["epochs"],
            "steps": m["steps"],
            "train_time_s": m["train_time_s"],
            "images_per_s": m["images_per_s"],
            "final_losses": m["final_losses"],
            "seconds_per_sample": m["measurements"]["seconds_per_sample"],
            "timed_with_startup": not m["measurements"].get("sampling_excludes_startup"),
            "train_max_rss_mb": (m.get("train_benchmark") or {}).get("max_rss_mb"),
            "peak_gpu_memory_bytes": m.get("peak_gpu_memory_bytes"),
        }
        for name, m in r["models"].items()
    ]


def seed_rows(r: RunResults) -> list[dict[str, Any]]:
    """Each retrained model's FIDs by training seed (one list per evaluator) and most frequent digit per training
    seed (main evaluator)."""
    evaluators = evaluator_names(r)
    seeds = training_seeds(r)
    return [
        {
            "name": model,
            "fids": [[fid(r, model, e, seed) for seed in seeds] for e in evaluators],
            "digits": [most_frequent_digit(class_shares(r, model, evaluators[0], seed)) for seed in seeds],
        }
        for model in retrained_models(r)
    ]


def step_benchmarks(r: RunResults) -> list[dict[str, Any]]:
    rows = []
    for name, m in r["models"].items():
        for kind in ("train", "notebook"):
            bench = m[f"{kind}_benchmark"]
            if bench:
                rows.append({"kind": kind, "name": name, "seconds": bench["s"], "max_rss_mb": bench["max_rss_mb"]})
    return rows


SHOWN_DIFFERENCES = 3  # packages named where the training environment differed from the lock


def environment(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a model's training record says of its environment against the lock file (None: runs made before)."""
    if not record:
        return None
    differs = sorted(record["differs"].items())
    return {
        "lock": record["lock"],
        "sha": record["sha256"] and record["sha256"][:12],
        "count": len(differs),
        "shown": [(name, v["installed"] or "missing", v["locked"]) for name, v in differs[:SHOWN_DIFFERENCES]],
        "more": len(differs) > SHOWN_DIFFERENCES,
    }


def run_record(r: RunResults) -> dict[str, Any]:
    models = r["models"]
    first = next(iter(models.values()))
    return {
        "preset": r["preset"],
        "changed_settings": r.get("changed_settings") or {},
        "seed": first["seed"],
        "device": first["device"],
        "torch": first["torch"],
        "environment": environment(first.get("environment")),
        "train_images": first["train_images"],
        "deterministic": [m.get("deterministic") for m in models.values()],
        "resumed": [(name, m["resumed_at"][0]["epoch"]) for name, m in models.items() if m.get("resumed_at")],
    }


def provenance(record: dict[str, Any]) -> dict[str, Any]:
    """What a figure's provenance record says made it."""
    return {
        "rule": record["rule"],
        "made_by": record["made_by"],
        "commit": (record.get("commit") or "unknown")[:10],
        "uncommitted_changes": bool(record.get("uncommitted_changes")),
        "settings_digest": record["settings_digest"],
    }


@reading(
    "metrics.json: sample_checks.<model>.{passed, failed, shares}; "
    "[second_evaluator.]sample_metrics.<model>.{precision, recall}"
)
def degenerate_sample_sets(r: RunResults) -> dict[str, list[str]]:
    """The models whose sample set failed a check (blank, duplicated, copied from training; precision or recall
    near zero in any evaluator's space), with what failed; runs scored before the checks carry none."""
    if not r.get("metrics"):
        return {}
    found = {}
    for model in MODELS:
        failed = [f"{name} {share:.0%}" for name, share in _failed_shares(r, model)]
        for evaluator in evaluator_names(r):
            scores = _scored(r, evaluator)["sample_metrics"][model]
            failed += [f"{name} {scores[name]:.3f}" for name in ("precision", "recall") if scores.get(name, 1) < 0.01]
        if failed:
            found[model] = failed
    return found


def _failed_shares(r: RunResults, model: str) -> list[tuple[str, float]]:
    checks = (r["metrics"].get("sample_checks") or {}).get(model)
    if not checks:
        return []
    return [(name.replace("_", " "), share) for name, share in checks["shares"].items() if share > checks["limit"]]


def has_metrics(r: RunResults) -> bool:
    return bool(r.get("metrics"))


def has_experiment(r: RunResults, name: str) -> bool:
    return bool(_experiment(r, name))


def metric_sampler(r: RunResults, model: str) -> str:
    """How the metric samples of a model were drawn."""
    return r["metrics"]["sampling"][model]["sampler"]


def scoring_setup(r: RunResults) -> dict[str, Any]:
    metrics = r["metrics"]
    return {
        "feature_dim": metrics["evaluator"]["feature_dim"],
        "reference": metrics["reference"],
        "sampling": metrics["sampling"],
    }


def blurriest(r: RunResults, models: tuple[str, ...]) -> str:
    return min(models, key=lambda m: sharpness(r, m))


def figure(r: RunResults, key: str):
    """A figure's file, when this run drew it."""
    return r["figures"].get(key)


def figure_provenance(r: RunResults, key: str) -> dict[str, Any] | None:
    return r["provenance"].get(key)


def latent_dim(r: RunResults, model: str) -> int:
    return r["models"][model]["config"]["latent_dim"]


def blur_summary(r: RunResults) -> dict[str, Any] | None:
    """The calibrated blur measure of the run: what it measures, its calibration and each scored set's score."""
    blur = (r.get("metrics") or {}).get("blur")
    return blur and {
        "measure": blur["measure"],
        "calibration": blur["calibration"],
        "calibration_images": blur["calibration_images"],
        "sets": {
            name: {
                **scores,
                "no_blur": scores["equivalent_sigma"] == 0.0,
                "beyond_calibration": scores["equivalent_sigma"] is None,
            }
            for name, scores in blur["sets"].items()
        },
    }


@reading("metrics.json: intervals.{method, level, draws}")
def interval_method(r: RunResults) -> dict[str, Any] | None:
    """How the run's intervals were drawn; None in runs scored before the record."""
    return (r.get("metrics") or {}).get("intervals")


def key_numbers(r: RunResults) -> dict[str, Any]:
    """The summary's numbers per model: FID in each evaluator's space, precision and recall, blur, likelihood
    bounds and costs, each with its interval where the run measured one."""
    evaluators = evaluator_names(r)
    scored = bool(r.get("metrics"))

    def metric(model: str, evaluator: str, name: str) -> dict[str, Any]:
        s = _scored(r, evaluator)["sample_metrics"][model]
        return {"value": s[name], "interval": (s.get("intervals") or {}).get(name)}

    return {
        "models": list(MODELS),
        "evaluators": [
            {
                "name": e,
                "architecture": evaluator_info(r, e)["architecture"],
                "fid": {m: metric(m, e, "fid") for m in MODELS},
                "real_fid": _scored(r, e)["sample_metrics"][REAL_ROW]["fid"],
            }
            for e in evaluators
        ]
        if scored
        else [],
        "precision": {m: metric(m, PRIMARY, "precision") for m in MODELS} if scored else None,
        "recall": {m: metric(m, PRIMARY, "recall") for m in MODELS} if scored else None,
        "blur": {m: {"value": sharpness(r, m), "interval": sharpness_interval(r, m)} for m in MODELS},
        "likelihood": likelihood(r),
        "costs": costs(r),
    }


LOWER_IS_BETTER = {"fid": True, "kid": True, "precision": False, "recall": False}


def metric_orders(r: RunResults, evaluator: str = PRIMARY) -> dict[str, list[str]]:
    """The models best first by each sample metric in one evaluator's space."""
    scores = _scored(r, evaluator)["sample_metrics"]
    return {
        metric: sorted(MODELS, key=lambda m: scores[m][metric] if lower else -scores[m][metric])
        for metric, lower in LOWER_IS_BETTER.items()
    }
