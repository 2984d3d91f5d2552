"""MNIST classifiers used only to evaluate generated images.

Two architectures, so that a verdict read in one classifier's feature space can be checked in
another's: `vgg` (3×3 convolutions with batch norm) and `lenet` (5×5 convolutions, no normalization).
"""

from __future__ import annotations

import torch
from torch import nn


class Classifier(nn.Module):
    """A body that ends in the 128-unit penultimate layer (the sample metrics' feature space) and a linear head."""

    feature_dim = 128
    body: nn.Module
    head: nn.Module

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate activations for images in [0, 1], shape [N, 128]."""
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class DigitClassifier(Classifier):
    """The `vgg` evaluator: two conv blocks and a 128-unit penultimate layer, the feature space of the "
    "sample metrics."""

    def __init__(self, channels: int = 32):
        super().__init__()
        c = channels
        self.body = nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1),
            nn.BatchNorm2d(c),
            nn.ReLU(),
            nn.Conv2d(c, c, 3, padding=1),
            nn.BatchNorm2d(c),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 14x14
            nn.Conv2d(c, 2 * c, 3, padding=1),
            nn.BatchNorm2d(2 * c),
            nn.ReLU(),
            nn.Conv2d(2 * c, 2 * c, 3, padding=1),
            nn.BatchNorm2d(2 * c),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 7x7
            nn.Flatten(),
            nn.Dropout(0.3),
            nn.Linear(2 * c * 7 * 7, self.feature_dim),
            nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(self.feature_dim, 10))


class LeNetClassifier(Classifier):
    """The `lenet` evaluator: two 5×5 convolutions without padding or normalization, max pooling, and a
    128-unit penultimate layer (the same feature size as `DigitClassifier`, a different feature space)."""

    def __init__(self, channels: int = 32):
        super().__init__()
        c = channels
        self.body = nn.Sequential(
            nn.Conv2d(1, c, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 24 -> 12
            nn.Conv2d(c, 2 * c, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 8 -> 4
            nn.Flatten(),
            nn.Linear(2 * c * 4 * 4, self.feature_dim),
            nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Dropout(0.5), nn.Linear(self.feature_dim, 10))


ARCHITECTURES = {"vgg": DigitClassifier, "lenet": LeNetClassifier}


def build_classifier(architecture: str, channels: int) -> Classifier:
    return ARCHITECTURES[architecture](channels)
