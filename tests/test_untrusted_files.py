"""Files a user or an earlier step hands over: nothing they hold runs code, ends in a traceback or scores wrong.

Each refusal is one line that names the file and says what to do.
"""

from __future__ import annotations

import errno
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from genreport.errors import CheckpointError, OutputWriteError, ResultFileError, SampleFileError
from genreport.measure.evaluation import fid_and_kid, minimum_images, precision_recall
from genreport.store.checkpoint import load_checkpoint, save_checkpoint
from genreport.store.files import atomic_write, read_json, write_json
from genreport.store.samples import load_samples, save_samples

pytestmark = pytest.mark.fault


class Payload:
    """Unpickling this creates the marker file: proof that a loader ran code from the file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def no_pytorch_advice(message: str) -> bool:
    """PyTorch's own text suggests retrying with weights_only=False, which runs the file's code."""
    return "weights only" not in message.lower().replace("_", " ")


def assert_one_line_naming(error: Exception, path) -> str:
    message = str(error)
    assert "\n" not in message and str(path) in message
    return message


def digits(count: int = 8) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(count, 28, 28), dtype=np.uint8)


def good_fields(count: int = 8) -> dict:
    """Metadata as the sample step writes it: the first half of the images from seed 7, the rest from seed 8."""
    return {
        "seed_of_image": np.array([7] * (count - count // 2) + [8] * (count // 2)),
        "sampler": "one network pass",
        "sampler_setting": "",
        "batch_size": 500,
        "model": "vae",
    }


FIELDS = ("seed_of_image", "sampler", "sampler_setting", "batch_size")


# Sample files


def test_sample_file_round_trip(tmp_path):
    path = tmp_path / "vae.npz"
    save_samples(path, digits(), **good_fields())
    loaded = load_samples(path, minimum_images(), fields=FIELDS)
    assert np.array_equal(loaded["images"], digits())
    assert loaded["sampler"] == "one network pass" and loaded["sampler_setting"] == "" and loaded["batch_size"] == 500
    assert list(loaded["seed_of_image"]) == [7] * 4 + [8] * 4
    assert not list(tmp_path.glob(".*.tmp"))


def test_writer_refuses_images_that_are_not_uint8_digits(tmp_path):
    with pytest.raises(ValueError, match="uint8"):
        save_samples(tmp_path / "x.npz", digits().astype(np.float32) / 255)


@pytest.mark.parametrize("field", ["images", "sampler"])
def test_pickled_object_in_a_sample_file_is_refused_and_not_run(tmp_path, field):
    marker = tmp_path / "payload-ran"
    path = tmp_path / "evil.npz"
    arrays = {"images": digits(), **good_fields()}
    arrays[field] = np.array([Payload(marker)], dtype=object)
    np.savez(path, **arrays)
    with pytest.raises(SampleFileError) as caught:
        load_samples(path, minimum_images(), fields=FIELDS)
    assert "pickled" in assert_one_line_naming(caught.value, path)
    assert not marker.exists()


def truncated(path):
    save_samples(path, digits(), **good_fields())
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda p: np.savez(p, images=digits()[:, :14], **good_fields()), "shape [8, 14, 28]"),
        (lambda p: np.savez(p, images=digits()[0], **good_fields()), "shape [28, 28]"),
        # Right shape, pixels in [0, 1]: once scored as if they were 0-255, silently wrong.
        (lambda p: np.savez(p, images=digits().astype(np.float32) / 255, **good_fields()), "float32 images"),
        (lambda p: np.savez(p, images=digits(3), **good_fields(3)), "holds 3 images, fewer than the 4"),
        # Enough in all, too few from one of the two sampling seeds the ranking is checked under.
        (
            lambda p: np.savez(p, images=digits(6), **{**good_fields(6), "seed_of_image": np.array([7] * 5 + [8])}),
            "holds 1 image from seed 8",
        ),
        (lambda p: np.savez(p, pixels=digits(), **good_fields()), "has no images array"),
        (lambda p: np.savez(p, images=digits(), **{**good_fields(), "sampler": 3}), "'sampler' of int64"),
        (
            lambda p: np.savez(p, images=digits(), **{**good_fields(), "seed_of_image": np.zeros(3, int)}),
            "'seed_of_image'",
        ),
        (lambda p: p.write_bytes(b"not an archive"), "not an .npz archive"),
        (truncated, "not an .npz archive"),
        (lambda p: None, "is missing"),
    ],
    ids=[
        "narrow",
        "one-image",
        "float",
        "too-few",
        "too-few-per-seed",
        "no-images",
        "bad-field",
        "bad-seeds",
        "garbage",
        "truncated",
        "missing",
    ],
)
def test_bad_sample_file_is_one_line_naming_it_and_its_remedy(tmp_path, make, problem):
    path = tmp_path / "samples.npz"
    make(path)
    with pytest.raises(SampleFileError) as caught:
        load_samples(path, minimum_images(), fields=FIELDS)
    message = assert_one_line_naming(caught.value, path)
    assert problem in message and f"snakemake --cores 4 --force {path}" in message


def test_minimum_images_is_what_the_metrics_need():
    generator = torch.Generator().manual_seed(0)
    real = torch.randn(200, 16, generator=generator)
    fewest = torch.randn(minimum_images(), 16, generator=generator)
    fid_and_kid(real, fewest)
    precision_recall(real, fewest)
    with pytest.raises(RuntimeError):
        precision_recall(real, fewest[:-1])


@pytest.mark.parametrize(
    "module, arguments",
    [
        (
            "genreport.cli.evaluate",
            lambda bad, good: [
                "--samples",
                f"vae={good}",
                "--samples",
                f"gan={bad}",
                "--samples",
                f"ddpm={good}",
                "--checkpoint",
                "vae=missing.pt",
                "--checkpoint",
                "ddpm=missing.pt",
            ],
        ),
        ("genreport.cli.samplers", lambda bad, good: ["--samples", str(bad), "--checkpoint", "ddpm=missing.pt"]),
    ],
)
def test_entry_points_refuse_a_bad_sample_file_in_one_line(tmp_path, module, arguments):
    good, bad = tmp_path / "good.npz", tmp_path / "bad.npz"
    save_samples(good, digits(), **good_fields())
    np.savez(bad, images=digits().astype(np.float32) / 255, **good_fields())
    command = [
        sys.executable,
        "-m",
        module,
        "--settings",
        # The sampler experiment's declared settings (the evaluation reads its own later).
        json.dumps({"seed": 0, "device": "cpu", "sampler_images": 8, "precision_images": 8}),
        "--evaluator",
        "missing.pt",
        "--out",
        str(tmp_path / "out.json"),
        *arguments(bad, good),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(bad) in errors[0] and "float32 images" in errors[0]


def test_the_evaluation_refuses_samples_of_another_model_in_one_line(tmp_path):
    from genreport.errors import SampleFileError
    from genreport.measure.scoring import score_run

    files = {}
    for model in ("vae", "gan", "ddpm"):
        files[model] = tmp_path / f"{model}.npz"
        fields = {**good_fields(minimum_images() * 2), "model": "gan" if model == "ddpm" else model}
        save_samples(files[model], digits(minimum_images() * 2), **fields)  # the GAN's samples in the DDPM's place
    with pytest.raises(SampleFileError) as caught:
        score_run({"seed": 0, "device": "cpu"}, files, {}, tmp_path / "missing.pt", None, tmp_path)
    message = str(caught.value)
    assert str(files["ddpm"]) in message and "samples of the 'gan' model where the ddpm's belong" in message
    assert "\n" not in message


# Writing and reading back


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "metrics.json"
    write_json(path, {"old": 1})

    def half_then_fail(handle):
        handle.write(b'{"new": ')
        raise ValueError("writer failed")

    with pytest.raises(ValueError):
        atomic_write(path, half_then_fail)
    assert read_json(path) == {"old": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]


@pytest.mark.parametrize(
    "failing, error",
    [
        ("fsync", OSError(errno.ENOSPC, "No space left on device")),
        ("replace", OSError(errno.EROFS, "Read-only file system")),
    ],
)
def test_os_error_while_writing_is_one_line_naming_the_path(tmp_path, monkeypatch, failing, error):
    import genreport.store.files

    path = tmp_path / "out" / "metrics.json"
    write_json(path, {"old": 1})

    def fail(*args):
        raise error

    monkeypatch.setattr(genreport.store.files.os, failing, fail)
    with pytest.raises(OutputWriteError) as caught:
        write_json(path, {"new": 2})
    message = assert_one_line_naming(caught.value, path)
    assert error.strerror in message and "rerun snakemake" in message
    monkeypatch.undo()
    assert read_json(path) == {"old": 1} and [p.name for p in path.parent.iterdir()] == ["metrics.json"]


def test_figures_go_through_the_atomic_writer(tmp_path, monkeypatch):
    import genreport.store.files
    from genreport.figures.plotting import figure_of_grid, save_sample_grid

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(genreport.store.files.os, "fsync", full)
    images = torch.rand(4, 1, 28, 28)
    for draw, path in (
        (lambda p: save_sample_grid(images, p), tmp_path / "grid.png"),
        (lambda p: figure_of_grid(images, 2, "samples", p), tmp_path / "figure.png"),
    ):
        with pytest.raises(OutputWriteError, match="No space left on device"):
            draw(path)
        assert not path.exists()
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "content, problem",
    [
        (b'{"fid": 1.0, "kid"', "truncated or not JSON"),
        (b"\xff\xfe garbage", "truncated or not JSON"),
        (b"[1, 2]", "does not hold a JSON object"),
        (None, "is missing"),
    ],
)
def test_bad_json_is_one_line_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "metrics.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ResultFileError) as caught:
        read_json(path)
    assert problem in assert_one_line_naming(caught.value, path)


def test_report_step_names_a_corrupt_measurement_file(tmp_path, capsys):
    from genreport.cli.report import main

    results = tmp_path / "results" / "cpu"
    (results / "train" / "vae").mkdir(parents=True)
    (results / "measurements").mkdir()
    write_json(results / "train" / "vae" / "metrics.json", {"epochs": []})
    broken = results / "measurements" / "vae.json"
    broken.write_text('{"sharpness_samples": 0.')
    with pytest.raises(SystemExit) as caught:
        main(["--results-dir", str(results), "--out", str(tmp_path / "report.md")])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and str(broken) in err
    assert not (tmp_path / "report.md").exists()


# Checkpoints


def evil_checkpoint(path, marker, zipped=True):
    with path.open("wb") as handle:
        torch.save(
            {"model": "vae", "extra": Payload(marker)},
            handle,
            pickle_module=pickle,
            _use_new_zipfile_serialization=zipped,
        )


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda path, marker: evil_checkpoint(path, marker), "refused to load"),
        (lambda path, marker: evil_checkpoint(path, marker, zipped=False), "not a readable checkpoint"),
        (lambda path, marker: path.write_bytes(b"garbage, not a checkpoint"), "not a readable checkpoint"),
        (lambda path, marker: path.write_bytes(b"\x80\x02garbage"), "not a readable checkpoint"),
    ],
    ids=["pickled", "pickled-legacy-format", "garbage", "pickle-like-garbage"],
)
def test_unsafe_or_garbage_checkpoint_never_advises_unsafe_loading(tmp_path, make, reason):
    marker, path = tmp_path / "payload-ran", tmp_path / "checkpoint.pt"
    make(path, marker)
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(path)
    message = assert_one_line_naming(caught.value, path)
    assert reason in message and no_pytorch_advice(message) and "rerun snakemake" in message
    assert not marker.exists()


def test_a_checkpoint_written_to_a_full_disk_is_one_line_and_leaves_no_file(tmp_path, monkeypatch):
    import io

    from genreport.errors import OutputWriteError

    class NearlyFullDisk(io.FileIO):
        """A file on a disk with 64 KiB left: the header fits, the weights do not."""

        room = 64 * 1024

        def write(self, data):
            if len(data) > self.room:
                raise OSError(errno.ENOSPC, "No space left on device")
            self.room -= len(data)
            return super().write(data)

    opened = Path.open

    def on_a_full_disk(self, mode="r", *args, **kwargs):  # the temporary file beside the checkpoint
        if self.name.endswith(".tmp"):
            return io.BufferedWriter(NearlyFullDisk(str(self), mode.replace("b", "")))
        return opened(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", on_a_full_disk)
    path = tmp_path / "checkpoint.pt"
    with pytest.raises(OutputWriteError) as caught:
        save_checkpoint(path, {"model": "vae", "weights": torch.ones(1_000_000)})
    message = assert_one_line_naming(caught.value, path)
    assert "full disk" in message and "free disk space" in message and "inline_container" not in message
    assert list(tmp_path.iterdir()) == []


def test_truncated_checkpoint_is_one_line(tmp_path):
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, {"model": "vae", "weights": torch.ones(1000)})
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(path)
    message = assert_one_line_naming(caught.value, path)
    assert "not a readable checkpoint" in message and no_pytorch_advice(message)


def test_checkpoint_naming_no_model_of_the_pipeline_is_refused(tmp_path):
    from genreport.tasks.loading import load_task

    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, {"model": "base", "config": {}})
    with pytest.raises(CheckpointError, match="names no model of this pipeline"):
        load_task(path, "cpu")


def test_strings_from_a_run_s_files_are_made_inert_for_markdown_and_html():
    from genreport.report.results import inert

    record = {"sampler": "<script>x</script>", "rows": [{"[a](javascript:b)": "`c` & d"}], "count": 3}
    assert inert(record) == {
        "sampler": "&lt;script&gt;x&lt;/script&gt;",
        "rows": [{"&#91;a&#93;(javascript:b)": "&#96;c&#96; &amp; d"}],
        "count": 3,
    }
