"""The names the whole pipeline shares: its models, evaluators, detach variants and the real-data row.

Written once here; the workflow, the entry points and the report all read them from this module.
"""

from __future__ import annotations

MODELS = ("vae", "gan", "ddpm")  # the three generative models, in the report's order
# Sample metrics are read in two classifiers' feature spaces; both train as the `evaluator` task.
EVALUATORS = ("evaluator", "second_evaluator")
EVALUATOR_TASK = "evaluator"
# Question 2.3: how the discriminator step sees the fakes.
DETACH_VARIANTS = {
    "detached": "detached fakes (the usual step)",
    "attached": "no detach, generator gradients reset before its step",
    "attached_no_reset": "no detach, generator gradients not reset",
}
REAL_ROW = "real (training images)"  # the sample-metrics row of real digits: the floor every model is read against


def task_name(model: str) -> str:
    """The task that trains `model`: its own, except the second evaluator, which is an evaluator."""
    return EVALUATOR_TASK if model in EVALUATORS else model
