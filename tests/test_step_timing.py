"""Repeated step timings: the spread over repeats and the paired ratios, on tasks of known cost (a fake clock)."""

from __future__ import annotations

import pytest
import torch

from genreport.measure import step_timing


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class CostlyTask:
    """A task whose step advances the clock by its cost, the n-th repeat's steps `slowdown[n]` times slower."""

    device = "cpu"

    def __init__(self, clock, cost, slowdowns):
        self.clock, self.cost, self.slowdowns, self.steps = clock, cost, slowdowns, 0
        self.training = False

    def train_mode(self, training):
        self.training = training

    def training_step(self, images):
        self.steps += 1
        repeat = max(0, (self.steps - 3) // 4)  # 2 warm-up steps, then 4 steps per repeat
        self.clock.now += self.cost * self.slowdowns[min(repeat, len(self.slowdowns) - 1)]


def test_the_paired_ratio_cancels_a_slow_spell_that_falls_on_every_task(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(step_timing.time, "perf_counter", clock)
    slowdowns = [1.0, 3.0, 1.0]  # the machine three times slower during the second repeat
    tasks = {"fast": CostlyTask(clock, 0.1, slowdowns), "slow": CostlyTask(clock, 0.2, slowdowns)}
    timing = step_timing.time_training_steps(tasks, torch.zeros(8, 1, 28, 28), steps=4, repeats=3)
    fast = timing["seconds_per_step"]["fast"]
    assert all(task.training for task in tasks.values())
    assert fast["median"] == pytest.approx(0.1) and fast["min"] == pytest.approx(0.1)
    assert fast["max"] == pytest.approx(0.3)
    ratio = timing["ratio_to_first"]["slow"]
    assert ratio["min"] == pytest.approx(2.0) and ratio["max"] == pytest.approx(2.0)  # unpaired: 0.2/0.3 .. 0.6/0.1
    assert timing["repeats"] == 3 and timing["steps"] == 4 and timing["batch_size"] == 8


def test_sampling_time_is_the_median_of_repeats_that_draw_the_same_samples(monkeypatch):
    from genreport.measure import analysis

    clock = Clock()
    monkeypatch.setattr(analysis.time, "perf_counter", clock)
    # The warm-up, then seven timed repeats of ten images, the first slowed by another process.
    costs = iter([0.0, 0.5, 0.010, 0.012, 0.011, 0.010, 0.013, 0.010])
    drawn = []

    class Task:
        device = torch.device("cpu")

        def noise(self, count, generator):
            return torch.randn(count, 4, generator=generator)

        def generate(self, noise, generator):
            clock.now += next(costs)
            images = noise + torch.randn(noise.shape, generator=generator)
            drawn.append(images)
            return images

    samples, seconds = analysis.time_sampling(Task(), 10, seed=3, budget_s=1.0, most=7)
    assert seconds == pytest.approx(0.011 / 10)  # the median: the slow repeat is outvoted
    assert len(drawn) == 8 and all(torch.equal(images, samples) for images in drawn[1:])
