"""Linear probes: how much of the digit's class a representation makes linearly readable.

Each extractor maps images in [0, 1] to feature vectors; `probe_accuracy` fits a multinomial
logistic regression on labelled training features and scores it on test features.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

from .intervals import mean_interval

if TYPE_CHECKING:  # annotations only: each task module is loaded by the job that needs it
    from ..tasks.ddpm import DDPMTask
    from ..tasks.gan import GANTask
    from ..tasks.vae import VAETask

FeatureExtractor = Callable[[torch.Tensor], torch.Tensor]
WEIGHT_DECAYS = (1e-4, 1e-3, 1e-2, 1e-1)  # chosen per probe on a held-out tenth of its training set


def batched_features(extract: FeatureExtractor, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([extract(batch).flatten(1).float().cpu() for batch in images.split(batch_size)])


def pixel_features(images: torch.Tensor) -> torch.Tensor:
    return images.flatten(1)


def vae_posterior_means(task: VAETask) -> FeatureExtractor:
    return task.encode_mean


def discriminator_features(task: GANTask) -> FeatureExtractor:
    """The discriminator's last hidden layer, the input of its real/fake logit."""

    def extract(images: torch.Tensor) -> torch.Tensor:
        task.discriminator.eval()
        return task.discriminator.features(images.to(task.device) * 2 - 1)

    return extract


def ddpm_bottleneck_features(task: DDPMTask, timestep: int, seed: int) -> FeatureExtractor:
    """The UNet's lowest-resolution activations (after its middle block) on x_t at a small t.

    The noise that makes x_t is seeded per call order, so the features are reproducible.
    """
    network = task.ema.module
    generator = torch.Generator().manual_seed(seed)
    captured: list[torch.Tensor] = []

    def extract(images: torch.Tensor) -> torch.Tensor:
        network.eval()
        x0 = images.to(task.device) * 2 - 1
        t = torch.full((len(x0),), timestep, device=task.device, dtype=torch.long)
        noise = torch.randn(x0.shape, generator=generator).to(task.device)
        handle = network.mid2.register_forward_hook(lambda module, inputs, output: captured.append(output))
        try:
            network(task.diffusion.q_sample(x0, t, noise), t)
        finally:
            handle.remove()
        return captured.pop()

    return extract


def principal_components(train: torch.Tensor, test: torch.Tensor, dimension: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Both feature sets projected on the first `dimension` principal axes of the standardized training
    features: representations compared at one feature dimension. Features with fewer dimensions pass unchanged."""
    if train.shape[1] <= dimension:
        return train, test
    mean, std = train.mean(0), train.std(0).clamp_min(1e-6)
    train_x, test_x = (train - mean) / std, (test - mean) / std
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)  # the randomized low-rank solver's draws
        _, _, axes = torch.pca_lowrank(train_x, q=dimension, center=False, niter=6)
    return train_x @ axes, test_x @ axes


def balanced_subset(labels: torch.Tensor, per_class: int, seed: int) -> torch.Tensor:
    """Indices of `per_class` randomly chosen examples of each label."""
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for digit in labels.unique():
        members = (labels == digit).nonzero().squeeze(1)
        chosen.append(members[torch.randperm(len(members), generator=generator)[:per_class]])
    return torch.cat(chosen)


def _fit_logistic_regression(
    features: torch.Tensor, labels: torch.Tensor, weight_decay: float, iterations: int = 100
) -> torch.nn.Linear:
    torch.manual_seed(0)
    classifier = torch.nn.Linear(features.shape[1], 10)
    torch.nn.init.zeros_(classifier.weight)
    torch.nn.init.zeros_(classifier.bias)
    optimizer = torch.optim.LBFGS(classifier.parameters(), max_iter=iterations, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(classifier(features), labels) + weight_decay * classifier.weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return classifier


def _correct(classifier: torch.nn.Linear, features: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return (classifier(features).argmax(1) == labels).float()


def _accuracy(classifier: torch.nn.Linear, features: torch.Tensor, labels: torch.Tensor) -> float:
    return float(_correct(classifier, features, labels).mean())


def probe_accuracy(
    train_features: torch.Tensor,
    train_labels: torch.Tensor,
    test_features: torch.Tensor,
    test_labels: torch.Tensor,
    seed: int = 0,
) -> dict[str, float]:
    """Test accuracy of a logistic regression on standardized features.

    The L2 weight decay is picked from WEIGHT_DECAYS on a held-out tenth of the training
    features; the probe is then refitted on all of them.
    """
    mean, std = train_features.mean(0), train_features.std(0).clamp_min(1e-6)
    train_x, test_x = (train_features - mean) / std, (test_features - mean) / std
    order = torch.randperm(len(train_x), generator=torch.Generator().manual_seed(seed))
    held_out, fitted = order[: max(1, len(order) // 10)], order[max(1, len(order) // 10) :]
    validation = {
        decay: _accuracy(
            _fit_logistic_regression(train_x[fitted], train_labels[fitted], decay),
            train_x[held_out],
            train_labels[held_out],
        )
        for decay in WEIGHT_DECAYS
    }
    best = max(validation, key=validation.get)
    classifier = _fit_logistic_regression(train_x, train_labels, best)
    correct = _correct(classifier, test_x, test_labels)
    return {
        "test_accuracy": float(correct.mean()),
        "interval": mean_interval(correct, seed),  # a bootstrap over the test images
        "weight_decay": best,
        "feature_dim": train_features.shape[1],
        "train_examples": len(train_x),
        "test_examples": len(test_x),
    }
