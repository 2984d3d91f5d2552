"""Fault injection: killed, interrupted and diverging training runs lose nothing and explain themselves."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from support import assert_same_run, mnist_source

from genreport.config import load_preset
from genreport.errors import TrainingError, TrainingInterrupted
from genreport.tasks import build_task
from genreport.training.loop import train
from genreport.training.resume import STATE_FILE

pytestmark = pytest.mark.fault
SOURCE = mnist_source()
needs_mnist = pytest.mark.skipif(SOURCE is None, reason="no offline MNIST copy: set GENREPORT_MNIST_DIR")
EPOCHS = {"vae": 4, "gan": 4, "ddpm": 3}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("data")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "genreport.cli.data",
            "--data-dir",
            str(directory),
            "--source",
            str(SOURCE),
            "--stamp",
            str(directory / "stamp.json"),
        ],
        check=True,
        capture_output=True,
    )
    return directory


def train_command(model: str, out: Path, data_dir: Path) -> list[str]:
    """The command the training rule runs, with the smoke preset's settings on a smaller subset."""
    smoke = load_preset("smoke")
    settings = {
        "preset": "smoke",
        "seed": smoke["seed"],
        "device": smoke["device"],
        "train_subset": 1024,
        "model": {**smoke[model], "epochs": EPOCHS[model], **({"sample_epochs": []} if model == "ddpm" else {})},
    }
    return [
        sys.executable,
        "-m",
        "genreport.cli.train",
        model,
        "--settings",
        json.dumps(settings),
        "--out",
        str(out),
        "--data-dir",
        str(data_dir),
        "--no-progress",
    ]


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, "training ended before the fault could be injected"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def uninterrupted(data_dir, tmp_path_factory):
    """One complete run per model: what every interrupted run must end up identical to."""
    runs = {}
    for model in EPOCHS:
        out = tmp_path_factory.mktemp(f"reference_{model}")
        subprocess.run(train_command(model, out, data_dir), check=True, capture_output=True)
        runs[model] = out
    return runs


@pytest.mark.slow
@needs_mnist
@pytest.mark.parametrize("model", list(EPOCHS))
def test_sigkill_at_a_random_point_then_resume_gives_the_uninterrupted_result(model, data_dir, uninterrupted, tmp_path):
    process = subprocess.Popen(
        train_command(model, tmp_path, data_dir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    wait_for(tmp_path / STATE_FILE, process)  # the first epoch's state is on disk
    time.sleep(random.Random().uniform(0.0, 0.5))
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it was killed"
    assert not (tmp_path / "checkpoint.pt").exists(), "a killed run must not leave a complete-looking checkpoint"

    resumed = subprocess.run(train_command(model, tmp_path, data_dir), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resuming at epoch" in resumed.stdout
    assert not (tmp_path / STATE_FILE).exists(), "the resume state is removed once training is complete"
    assert_same_run(tmp_path, uninterrupted[model])


@pytest.mark.slow
@needs_mnist
def test_sigterm_mid_epoch_saves_state_and_explains_in_one_line(data_dir, uninterrupted, tmp_path):
    process = subprocess.Popen(
        train_command("gan", tmp_path, data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    wait_for(tmp_path / STATE_FILE, process)
    time.sleep(0.3)  # into the second epoch
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "stopped by SIGTERM" in lines[0] and "rerun" in lines[0]
    resumed = subprocess.run(train_command("gan", tmp_path, data_dir), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert_same_run(tmp_path, uninterrupted["gan"])


def tiny_run(tmp_path, task, epochs=2, **settings):
    images = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    return train(
        task,
        images,
        tmp_path,
        epochs=epochs,
        batch_size=16,
        seed=0,
        sample_epochs=[],
        sample_count=4,
        run_info={},
        progress=False,
        **settings,
    )


def interrupted_after_one_epoch(tmp_path, code_digest):
    """A two-epoch VAE run stopped in its second epoch, its state after the first kept."""
    task = build_task("vae", load_preset("smoke")["vae"], torch.device("cpu"))
    original, calls = task.training_step, {"n": 0}

    def stopped(images):
        calls["n"] += 1
        if calls["n"] > 5:
            raise KeyboardInterrupt
        return original(images)

    task.training_step = stopped
    with pytest.raises(KeyboardInterrupt):
        tiny_run(tmp_path, task, code_digest=code_digest)
    assert (tmp_path / STATE_FILE).is_file()


@pytest.mark.parametrize("code, resumed", [("edited", False), ("the same", True)])
def test_a_state_made_by_other_code_is_not_resumed(tmp_path, capsys, code, resumed):
    interrupted_after_one_epoch(tmp_path, code_digest="the same")
    capsys.readouterr()
    tiny_run(tmp_path, build_task("vae", load_preset("smoke")["vae"], torch.device("cpu")), code_digest=code)
    out = capsys.readouterr().out
    assert ("made by another version of the code; starting over" in out) != resumed, out
    assert ("resuming at epoch 2" in out) == resumed, out


def test_a_checkpoint_of_another_model_or_with_non_finite_weights_is_refused(tmp_path):
    from genreport.errors import CheckpointError
    from genreport.tasks.loading import load_task

    tiny_run(tmp_path, build_task("gan", load_preset("smoke")["gan"], torch.device("cpu")), epochs=1)
    checkpoint = tmp_path / "checkpoint.pt"
    assert load_task(checkpoint, "cpu", expected="gan")[0].name == "gan"
    with pytest.raises(CheckpointError, match=r"holds a gan model where the ddpm belongs"):
        load_task(checkpoint, "cpu", expected="ddpm")  # a GAN copied into the DDPM's place
    smoke = load_preset("smoke")["gan"]
    wider = {**smoke, "channels": smoke["channels"] * 2}  # a checkpoint copied from a preset with wider networks
    with pytest.raises(CheckpointError, match=rf"other settings than this preset's gan: channels {smoke['channels']} "):
        load_task(checkpoint, "cpu", expected="gan", expected_config=wider)
    payload = torch.load(checkpoint, weights_only=True)
    weights = payload["modules"]["generator"]
    first = next(name for name, tensor in weights.items() if tensor.is_floating_point())
    weights[first].fill_(float("nan"))
    torch.save(payload, checkpoint)
    with pytest.raises(CheckpointError, match=rf"holds non-finite weights \(generator\.{re.escape(first)}"):
        load_task(checkpoint, "cpu")


def test_a_second_writer_into_a_training_folder_is_refused_while_the_first_lives(tmp_path):
    from genreport.errors import OutputWriteError
    from genreport.store.files import sole_writer

    task = build_task("vae", load_preset("smoke")["vae"], torch.device("cpu"))
    refused = pytest.raises(OutputWriteError, match=rf"{re.escape(str(tmp_path))} is being written by process \d+")
    with sole_writer(tmp_path, "training vae"), refused:  # the live first writer, and a second one
        tiny_run(tmp_path, task, epochs=1)
    tiny_run(tmp_path, task, epochs=1)  # once it is gone, the folder is free
    assert (tmp_path / "checkpoint.pt").is_file()


def test_nan_loss_stops_naming_epoch_step_and_term_and_keeps_the_last_good_state(tmp_path):
    task = build_task("vae", load_preset("smoke")["vae"], torch.device("cpu"))
    original = task.training_step
    calls = {"n": 0}

    def poisoned(images):
        calls["n"] += 1
        terms = original(images)
        if calls["n"] >= 6:  # the second step of epoch 2
            terms["kl"] = torch.tensor(float("nan"))
        return terms

    task.training_step = poisoned
    with pytest.raises(TrainingError) as caught:
        tiny_run(tmp_path, task)
    message = str(caught.value)
    assert "'kl'" in message and "epoch 2" in message and "learning rate" in message and "\n" not in message
    assert (tmp_path / STATE_FILE).is_file(), "the state after epoch 1 is kept"
    assert not (tmp_path / "checkpoint.pt").exists()


def test_gpu_out_of_memory_names_the_setting_to_lower(tmp_path):
    task = build_task("gan", load_preset("smoke")["gan"], torch.device("cpu"))

    def out_of_memory(images):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    task.training_step = out_of_memory
    with pytest.raises(TrainingError, match=r"ran out of memory .* lower gan.batch_size \(now 16\)"):
        tiny_run(tmp_path, task)


def test_state_made_with_other_settings_is_not_resumed(tmp_path, capsys):
    smoke = load_preset("smoke")
    tiny_run(tmp_path, build_task("vae", smoke["vae"], torch.device("cpu")), epochs=1)
    # Leave a state behind as an interrupted run would, then change a setting.
    first = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    torch.save({"model": "vae", "identity": {"config": "another"}, **first}, tmp_path / STATE_FILE)
    tiny_run(tmp_path, build_task("vae", {**smoke["vae"], "lr": 5e-4}, torch.device("cpu")), epochs=1)
    assert "made with other settings; starting over" in capsys.readouterr().out


def test_time_per_step_after_a_mid_epoch_stop_matches_the_uninterrupted_run(tmp_path, monkeypatch):
    """Every step takes one second of a fake clock, so the per-step time must be exactly 1 s however the run is cut."""
    clock = {"now": 0.0}
    monkeypatch.setattr(time, "perf_counter", lambda: clock["now"])
    smoke = load_preset("smoke")

    def timed_task(stop_at_step=None):
        task = build_task("vae", smoke["vae"], torch.device("cpu"))
        original, calls = task.training_step, {"n": 0}

        def step(images):
            calls["n"] += 1
            clock["now"] += 1.0
            if calls["n"] == stop_at_step:
                os.kill(os.getpid(), signal.SIGTERM)  # the loop saves after this step and stops
            return original(images)

        task.training_step = step
        return task

    reference = tiny_run(tmp_path / "reference", timed_task())
    with pytest.raises(TrainingInterrupted):
        tiny_run(tmp_path / "cut", timed_task(stop_at_step=6))  # epoch 2 of 2, 4 steps per epoch
    resumed = tiny_run(tmp_path / "cut", timed_task())
    assert reference["seconds_per_step"] == resumed["seconds_per_step"] == 1.0
    assert [e["wall_time_s"] for e in resumed["epochs"]] == [4.0, 4.0]
    assert [(s["first_step"], s["steps"], s["wall_time_s"]) for s in resumed["segments"]] == [(0, 6, 6.0), (6, 2, 2.0)]
    assert resumed["resumed_at"] == [{"epoch": 2, "step": 6}]


def test_a_run_stopped_mid_schedule_resumes_with_the_same_rates_and_weights(tmp_path):
    """The learning rate and the KL weight are functions of the step, so a stop and resume changes neither."""
    config = {**load_preset("smoke")["vae"], "lr_schedule": "warmup_cosine", "lr_warmup_steps": 3, "kl_warmup_steps": 5}

    def recording_task(stop_at_step=None):
        torch.manual_seed(0)  # the same initial weights in every run
        task = build_task("vae", config, torch.device("cpu"))
        original, calls, rates = task.training_step, {"n": 0}, []

        def step(images):
            calls["n"] += 1
            rates.append((task.optimizers["model"].param_groups[0]["lr"], task.kl_weight()))
            if calls["n"] == stop_at_step:
                os.kill(os.getpid(), signal.SIGTERM)  # the loop saves after this step and stops
            return original(images)

        task.training_step = step
        return task, rates

    reference, reference_rates = recording_task()
    tiny_run(tmp_path / "reference", reference)
    cut, cut_rates = recording_task(stop_at_step=6)
    with pytest.raises(TrainingInterrupted):
        tiny_run(tmp_path / "cut", cut)  # epoch 2 of 2, 4 steps per epoch
    resumed, resumed_rates = recording_task()
    tiny_run(tmp_path / "cut", resumed)
    assert cut_rates + resumed_rates == reference_rates
    assert reference_rates[0] == pytest.approx((config["lr"] / 3, 1 / 5)) and reference_rates[-1][1] == 1.0
    assert_same_run(tmp_path / "cut", tmp_path / "reference")
