"""Quality against compute: each model's sample quality at every sampled epoch, by training seconds.

A curve is a list of points {"epoch", "train_seconds", "fid", "mean_top_probability", ...}, oldest
first; `train_seconds` counts training steps only (not the time spent drawing the snapshots).
"""

from __future__ import annotations

import itertools
from typing import Any

Curve = list[dict[str, Any]]


def seconds_by_epoch(training: dict[str, Any]) -> dict[int, float]:
    """Cumulative training seconds at the end of each epoch of a training record."""
    total, seconds = 0.0, {}
    for entry in training["epochs"]:
        total += entry["wall_time_s"]
        seconds[entry["epoch"]] = total
    return seconds


def common_budget(curves: dict[str, Curve]) -> float:
    """The largest number of training seconds every model reached: the shortest run's total."""
    return min(curve[-1]["train_seconds"] for curve in curves.values())


def point_at(curve: Curve, seconds: float) -> dict[str, Any] | None:
    """The last point measured within `seconds` of training (None if the first came later)."""
    reached = [point for point in curve if point["train_seconds"] <= seconds]
    return reached[-1] if reached else None


def ranking(points: dict[str, dict[str, Any] | None]) -> list[str]:
    """Models with a point, best FID first."""
    return sorted((model for model, point in points.items() if point is not None), key=lambda m: points[m]["fid"])


def rankings_over_time(curves: dict[str, Curve]) -> list[dict[str, Any]]:
    """The FID ranking at each time a model was measured, from the first time all models had a point.

    Each entry: {"train_seconds", "order"}; consecutive duplicates are kept so callers can say when
    the order changed."""
    start = max(curve[0]["train_seconds"] for curve in curves.values())
    times = sorted(
        {point["train_seconds"] for curve in curves.values() for point in curve if point["train_seconds"] >= start}
    )
    return [
        {"train_seconds": time, "order": ranking({m: point_at(c, time) for m, c in curves.items()})} for time in times
    ]


def summary(curves: dict[str, Curve]) -> dict[str, Any]:
    """The rankings the report states: at the end of training, at the common budget, and over time."""
    budget = common_budget(curves)
    at_budget = {model: point_at(curve, budget) for model, curve in curves.items()}
    over_time = rankings_over_time(curves)
    orders = [tuple(entry["order"]) for entry in over_time]
    return {
        "final_order": ranking({model: curve[-1] for model, curve in curves.items()}),
        "common_budget_s": budget,
        "at_common_budget": {
            model: None
            if point is None
            else {k: point[k] for k in ("epoch", "train_seconds", "fid", "mean_top_probability")}
            for model, point in at_budget.items()
        },
        "order_at_common_budget": ranking(at_budget),
        "unmeasured_at_common_budget": sorted(model for model, point in at_budget.items() if point is None),
        "orders_over_time": over_time,
        "order_changes": sum(1 for before, after in itertools.pairwise(orders) if before != after),
    }
