"""The evaluator task: the MNIST classifier whose features the sample metrics use."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..config import with_recorded_defaults
from ..models.classifier import build_classifier
from .base import Task


class EvaluatorTask(Task):
    """The MNIST classifier behind the sample metrics; trained on real images only."""

    name = "evaluator"
    generates = False

    def __init__(self, config, device):
        config = with_recorded_defaults(self.name, config)
        super().__init__(config, device)
        self.model = build_classifier(config["architecture"], config["channels"]).to(device)
        self.modules = {"model": self.model}
        self.optimizers = {"model": torch.optim.Adam(self.model.parameters(), lr=config["lr"])}

    def training_step(self, images, labels):
        logits = self.model(images)
        loss = F.cross_entropy(logits, labels)
        optimizer = self.optimizers["model"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return {"loss": loss.detach(), "accuracy": (logits.argmax(1) == labels).float().mean().detach()}
