"""Sample-quality metrics in the feature space of the MNIST evaluator classifier.

FID and KID come from torchmetrics with the evaluator as a custom feature extractor;
precision and recall follow Kynkäänniemi et al. (2019) with k nearest neighbours.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torchmetrics.image.fid import FrechetInceptionDistance
from torchmetrics.image.kid import KernelInceptionDistance

from ..models.classifier import Classifier
from .intervals import fid_interval, mean_interval

NEIGHBOURS = 3  # the k of precision and recall


def minimum_images(k: int = NEIGHBOURS) -> int:
    """The fewest images each set needs for every metric of score_image_set: FID needs two (a covariance),
    KID two per subset, and precision/recall k + 1 (each point is its own nearest neighbour)."""
    return max(2, k + 1)


class EvaluatorFeatures(nn.Module):
    """Adapter so torchmetrics can call the classifier: images in [0, 1] -> penultimate features."""

    def __init__(self, classifier: Classifier):
        super().__init__()
        self.classifier = classifier.eval()
        self.num_features = classifier.feature_dim

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.dim() == 3:
            images = images.unsqueeze(1)
        return self.classifier.features(images.float())


def batched(fn, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    return torch.cat([fn(batch) for batch in images.split(batch_size)])


class PrecomputedFeatures(nn.Module):
    """Lets torchmetrics take feature vectors directly, so each image set is embedded once."""

    def __init__(self, num_features: int):
        super().__init__()
        self.num_features = num_features

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features


def fid_and_kid(
    real_features: torch.Tensor, fake_features: torch.Tensor, kid_subset_size: int = 1000, seed: int = 0
) -> dict[str, float]:
    """FID and KID (mean and std over 50 subsets) between two sets of evaluator features."""
    identity = PrecomputedFeatures(real_features.shape[1])
    fid = FrechetInceptionDistance(feature=identity)
    subset = min(kid_subset_size, len(real_features), len(fake_features))
    kid = KernelInceptionDistance(feature=identity, subset_size=subset, subsets=50)
    for metric in (fid, kid):
        metric.update(real_features, real=True)
        metric.update(fake_features, real=False)
    torch.manual_seed(seed)  # KID draws its subsets from the global generator
    kid_mean, kid_std = kid.compute()
    return {"fid": float(fid.compute()), "kid": float(kid_mean), "kid_std": float(kid_std)}


def _kth_neighbour_radius(points: torch.Tensor, k: int) -> torch.Tensor:
    distances = torch.cdist(points, points)
    # k + 1: each point is its own nearest neighbour at distance 0.
    return distances.kthvalue(k + 1, dim=1).values


def _inside_manifold(queries: torch.Tensor, support: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    inside = torch.zeros(len(queries), dtype=torch.bool)
    for start in range(0, len(queries), 1000):
        block = torch.cdist(queries[start : start + 1000], support)
        inside[start : start + 1000] = (block <= radii[None, :]).any(dim=1)
    return inside


def manifold_membership(
    real_features: torch.Tensor, fake_features: torch.Tensor, k: int = NEIGHBOURS
) -> tuple[torch.Tensor, torch.Tensor]:
    """Which fakes lie inside the real manifold, and which reals inside the fake one (k-NN balls)."""
    real_radii = _kth_neighbour_radius(real_features, k)
    fake_radii = _kth_neighbour_radius(fake_features, k)
    return (
        _inside_manifold(fake_features, real_features, real_radii),
        _inside_manifold(real_features, fake_features, fake_radii),
    )


def precision_recall(real_features: torch.Tensor, fake_features: torch.Tensor, k: int = NEIGHBOURS) -> dict[str, float]:
    """Improved precision (fakes inside the real manifold) and recall (reals inside the fake one)."""
    fakes_inside, reals_inside = manifold_membership(real_features, fake_features, k)
    return {"precision": float(fakes_inside.float().mean()), "recall": float(reals_inside.float().mean())}


CONFIDENT = 0.9  # top-class probability above which a sample counts as clearly read


@torch.no_grad()
def top_predictions(classifier: Classifier, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Each image's top-class probability and predicted digit."""
    return batched(lambda b: classifier.eval()(b).softmax(dim=1), images).max(dim=1)


def class_statistics(
    classifier: Classifier, images: torch.Tensor, predictions: tuple[torch.Tensor, torch.Tensor] | None = None
) -> dict[str, Any]:
    """The evaluator's view of a set of images: each digit's share, KL from uniform, confidence
    (`predictions`: their top_predictions, where the caller has them)."""
    top, predicted = predictions or top_predictions(classifier, images)
    shares = class_shares(predicted)
    nonzero = shares[shares > 0]
    kl = float((nonzero * (nonzero * 10).log()).sum())
    # Split by the evaluator's confidence: an excess among clearly read samples is the model's,
    # an excess among unsure ones may be the evaluator's reading of ambiguous strokes.
    confident = top >= CONFIDENT
    return {
        "class_shares": [float(s) for s in shares],
        "kl_from_uniform": kl,
        "mean_top_probability": float(top.mean()),
        "confidence_threshold": CONFIDENT,
        "confident_fraction": float(confident.float().mean()),
        "class_shares_confident": [float(s) for s in class_shares(predicted[confident])],
        "class_shares_unsure": [float(s) for s in class_shares(predicted[~confident])],
    }


def class_shares(predicted: torch.Tensor) -> torch.Tensor:
    """Each digit's share of the predicted labels (zeros for an empty set)."""
    return torch.bincount(predicted, minlength=10).float() / max(len(predicted), 1)


def embed(classifier: Classifier, images: torch.Tensor) -> torch.Tensor:
    """The evaluator's features of images in [0, 1]; embed the reference set once and reuse it."""
    return batched(EvaluatorFeatures(classifier), images)


def score_image_set(
    classifier: Classifier,
    reference_features: torch.Tensor,
    images: torch.Tensor,
    k: int = NEIGHBOURS,
    seed: int = 0,
    intervals: bool = False,
) -> dict[str, Any]:
    """Every sample metric of `images` (in [0, 1]) against the embedded reference set (the test set); with
    `intervals`, each one's bootstrap interval too (KID keeps its spread over subsets)."""
    fake_features = embed(classifier, images)
    fakes_inside, reals_inside = manifold_membership(reference_features, fake_features, k)
    top, predicted = top_predictions(classifier, images)
    scores = {
        "count": len(images),
        **fid_and_kid(reference_features, fake_features, seed=seed),
        "precision": float(fakes_inside.float().mean()),
        "recall": float(reals_inside.float().mean()),
        **class_statistics(classifier, images, (top, predicted)),
    }
    if intervals:
        scores["intervals"] = {
            "fid": fid_interval(reference_features, fake_features, seed, measured=scores["fid"]),
            "precision": mean_interval(fakes_inside.float(), seed),
            "recall": mean_interval(reals_inside.float(), seed),
            "mean_top_probability": mean_interval(top, seed),
            "class_shares": mean_interval(torch.nn.functional.one_hot(predicted, 10).float(), seed),
        }
    return scores


def fid_by_seed(
    classifier: Classifier, reference_features: torch.Tensor, images: torch.Tensor, seed_of_image: torch.Tensor
) -> dict[str, float]:
    """FID against the embedded reference set of the images drawn from each sampling seed separately."""
    return {
        str(int(seed)): fid_and_kid(reference_features, embed(classifier, images[seed_of_image == seed]))["fid"]
        for seed in seed_of_image.unique()
    }


def ranking_across_seeds(fid_by_model: dict[str, dict[str, float]]) -> dict[str, Any]:
    """The models ordered best-first by FID under each seed, and whether every seed agrees."""
    seeds = sorted(next(iter(fid_by_model.values())))
    orders = {seed: sorted(fid_by_model, key=lambda model: fid_by_model[model][seed]) for seed in seeds}
    return {"order_by_seed": orders, "consistent": len({tuple(order) for order in orders.values()}) == 1}
