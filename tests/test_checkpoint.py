"""Checkpoints load as weights only; anything else is refused."""

from __future__ import annotations

import pickle

import pytest
import torch

from genreport.errors import CheckpointError
from genreport.store.checkpoint import load_checkpoint, save_checkpoint


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_round_trip(tmp_path):
    path = tmp_path / "ok.pt"
    save_checkpoint(path, {"model": "vae", "step": 3, "weights": {"w": torch.ones(2)}})
    loaded = load_checkpoint(path, expected_model="vae")
    assert loaded["step"] == 3 and torch.equal(loaded["weights"]["w"], torch.ones(2))
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.fault
def test_pickled_payload_is_refused_and_not_run(tmp_path):
    marker = tmp_path / "payload-ran"
    path = tmp_path / "evil.pt"
    with path.open("wb") as handle:
        torch.save({"model": "vae", "extra": Payload(marker)}, handle, pickle_module=pickle)
    with pytest.raises(CheckpointError, match="refused"):
        load_checkpoint(path)
    assert not marker.exists()


@pytest.mark.fault
def test_wrong_model_is_refused(tmp_path):
    path = tmp_path / "gan.pt"
    save_checkpoint(path, {"model": "gan"})
    with pytest.raises(CheckpointError, match="holds a 'gan' model, expected 'vae'"):
        load_checkpoint(path, expected_model="vae")


@pytest.mark.fault
def test_missing_checkpoint_names_the_snakemake_target(tmp_path):
    with pytest.raises(CheckpointError, match="snakemake --cores 4"):
        load_checkpoint(tmp_path / "results" / "cpu" / "train" / "vae" / "checkpoint.pt")


@pytest.mark.fault
def test_notebooks_name_the_target_that_makes_a_missing_checkpoint(project_root):
    from genreport.tasks.loading import require_checkpoint

    missing = project_root / "results" / "nosuchpreset" / "train" / "gan" / "checkpoint.pt"
    with pytest.raises(CheckpointError) as caught:
        require_checkpoint(missing)
    assert "snakemake --cores 4 results/nosuchpreset/train/gan/checkpoint.pt" in str(caught.value)


@pytest.mark.fault
def test_checkpoint_whose_weights_do_not_fit_its_config_is_refused(tmp_path):
    from genreport.config import load_preset
    from genreport.tasks import build_task
    from genreport.tasks.loading import load_task

    config = load_preset("smoke")["vae"]
    task = build_task("vae", config, torch.device("cpu"))
    path = tmp_path / "vae.pt"
    # Weights of a model twice as wide saved under the narrower config.
    wider = build_task("vae", {**config, "channels": 2 * config["channels"]}, torch.device("cpu"))
    save_checkpoint(path, {"model": "vae", "config": task.config, **wider.state()})
    with pytest.raises(CheckpointError, match="does not match the vae model"):
        load_task(path, "cpu")


@pytest.mark.fault
def test_failing_notebook_reports_one_line_and_leaves_no_copy(tmp_path, capsys):
    import nbformat

    from genreport.cli.notebook import main

    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("raise ValueError('checkpoint is broken')"),
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source, executed = tmp_path / "bad.ipynb", tmp_path / "out" / "bad.ipynb"
    nbformat.write(notebook, source)
    with pytest.raises(SystemExit) as caught:
        main([str(source), str(executed)])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("error: bad.ipynb failed in cell") and "ValueError: checkpoint is broken" in err
    assert not executed.exists()
