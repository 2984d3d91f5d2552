"""Quality against compute: the budget arithmetic and the rankings the report reads off the curves."""

from __future__ import annotations

import pytest

from genreport.measure.quality_curves import common_budget, point_at, seconds_by_epoch, summary
from genreport.report import readings
from genreport.report.words import sentence


def curve(*points):
    return [
        {"epoch": epoch, "train_seconds": seconds, "images": 500, "fid": fid, "mean_top_probability": 0.9}
        for epoch, seconds, fid in points
    ]


def crossing_curves():
    """The GAN leads early, the DDPM overtakes it at 900 s; the VAE stops first, at 500 s."""
    return {
        "vae": curve((1, 50, 200.0), (5, 250, 150.0), (10, 500, 140.0)),
        "gan": curve((1, 100, 120.0), (5, 500, 90.0), (10, 1000, 80.0)),
        "ddpm": curve((1, 400, 160.0), (2, 900, 70.0), (3, 1300, 40.0)),
    }


def test_seconds_add_up_epoch_by_epoch():
    training = {
        "epochs": [
            {"epoch": 1, "wall_time_s": 10.0},
            {"epoch": 2, "wall_time_s": 12.5},
            {"epoch": 3, "wall_time_s": 11.0},
        ]
    }
    assert seconds_by_epoch(training) == {1: 10.0, 2: 22.5, 3: 33.5}


def test_the_common_budget_is_the_shortest_run_and_each_model_is_read_at_its_last_epoch_within_it():
    curves = crossing_curves()
    assert common_budget(curves) == 500
    assert point_at(curves["gan"], 500)["epoch"] == 5
    assert point_at(curves["ddpm"], 500)["epoch"] == 1
    assert point_at(curves["ddpm"], 399) is None


def test_rankings_at_the_end_at_the_budget_and_over_time():
    result = summary(crossing_curves())
    assert result["final_order"] == ["ddpm", "gan", "vae"]
    assert result["order_at_common_budget"] == ["gan", "vae", "ddpm"]
    assert result["unmeasured_at_common_budget"] == []
    # From 400 s (all three measured): GAN < VAE < DDPM until the DDPM's 900 s point, DDPM first after.
    assert [entry["order"][0] for entry in result["orders_over_time"]] == ["gan", "gan", "ddpm", "ddpm", "ddpm"]
    assert result["orders_over_time"][0]["order"] == ["gan", "vae", "ddpm"]
    assert result["order_changes"] == 1


def test_a_model_with_no_epoch_within_the_budget_is_named_not_ranked():
    curves = crossing_curves()
    curves["vae"] = curve((1, 50, 200.0), (2, 300, 150.0))
    result = summary(curves)
    assert result["common_budget_s"] == 300
    assert result["unmeasured_at_common_budget"] == ["ddpm"]
    assert result["order_at_common_budget"] == ["gan", "vae"]


@pytest.mark.parametrize(
    "curves, words",
    [
        (
            crossing_curves(),
            "changed 1 time, so which model is ahead depends on the training budget: GAN < VAE < DDPM "
            "from 6.7 min, then DDPM < GAN < VAE from 15.0 min.",
        ),
        (
            {
                m: curve((1, 100, fid), (2, 200, fid - 10))
                for m, fid in (("vae", 150.0), ("gan", 100.0), ("ddpm", 50.0))
            },
            "never changed",
        ),
    ],
)
def test_the_report_says_whether_the_ranking_depends_on_the_budget(curves, words):
    text = sentence(
        "budget_full", readings.budget_ranking({"experiments": {"curves": summary(curves) | {"curves": curves}}})
    )
    assert words in text
    assert "largest budget all three reached" in text


def test_no_curves_no_sentence():
    assert readings.budget_ranking({"experiments": {"curves": None}}) is None
    assert sentence("budget_full", None) == ""


def test_a_fresh_training_run_keeps_only_its_own_snapshots(tmp_path):
    import torch

    from genreport.config import load_preset
    from genreport.store.samples import training_snapshots
    from genreport.tasks import build_task
    from genreport.training.loop import train

    images = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(0))

    def run(sample_epochs):
        task = build_task("vae", load_preset("smoke")["vae"], torch.device("cpu"))
        train(
            task,
            images,
            tmp_path,
            epochs=3,
            batch_size=16,
            seed=0,
            sample_epochs=sample_epochs,
            sample_count=4,
            run_info={},
            progress=False,
        )
        return [snapshot["epoch"] for snapshot in training_snapshots(tmp_path)]

    assert run([1, 2]) == [1, 2, 3]
    assert run([1]) == [1, 3]  # the first run's epoch 2 is gone
