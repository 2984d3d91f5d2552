"""Publishing keeps one copy of each run: the top-level folders show one, report/<preset>/ the others."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from genreport.store.files import write_json
from genreport.store.publication import publish_run


def fake_run(tmp_path: Path, preset: str) -> tuple[Path, list[Path], list[Path]]:
    run = tmp_path / "results" / preset
    (run / "figures").mkdir(parents=True)
    (run / "report").mkdir()
    (run / "benchmarks").mkdir()
    write_json(run / "metrics.json", {"made_by": preset})
    write_json(run / "experiments" / "detach.json", {"detach experiment of": preset})
    write_json(run / "train" / "vae" / "metrics.json", {"device": f"{preset} device"})
    figure = run / "figures" / "fig1.png"
    figure.write_bytes(f"png of {preset}".encode())
    report = run / "report" / "report.md"
    report.write_text(f"report of {preset}\n")
    return run, [figure], [report]


def publish(tmp_path: Path, root: Path, preset: str, top_level: bool = False) -> Path:
    run, figures, reports = fake_run(tmp_path / preset, preset)
    return publish_run(run, preset, figures, reports, root, top_level)


def contents(root: Path) -> dict[str, str]:
    """Every published file but the manifests, by path, as a hash of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "manifest.json"
    }


def test_each_run_is_published_once_and_the_top_moves_aside_for_the_gpu_run(tmp_path):
    root = tmp_path / "project"
    assert publish(tmp_path, root, "cpu") == root / "report" / "manifest.json"
    assert not (root / "report" / "cpu").exists()
    assert (root / "figures" / "fig1.png").read_bytes() == b"png of cpu"

    assert publish(tmp_path, root, "gpu") == root / "report" / "manifest.json"
    assert (root / "figures" / "fig1.png").read_bytes() == b"png of gpu"
    kept = json.loads((root / "report" / "cpu" / "manifest.json").read_text())
    assert kept["preset"] == "cpu" and set(kept["files"]) == {
        "report/cpu/figures/fig1.png",
        "report/cpu/report/report.md",
        "report/cpu/metrics.json",
        "report/cpu/experiments/detach.json",
    }
    for name, digest in kept["files"].items():
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest, name

    assert publish(tmp_path / "again", root, "cpu") == root / "report" / "cpu" / "manifest.json"
    assert (root / "figures" / "fig1.png").read_bytes() == b"png of gpu"
    published = contents(root)
    assert len(set(published.values())) == len(published), published  # no file is published twice


def test_a_preset_shown_at_the_top_leaves_no_older_copy_of_itself(tmp_path):
    root = tmp_path / "project"
    publish(tmp_path, root, "cpu")
    # Another preset than the main ones goes beside the top-level run, unless asked for explicitly.
    assert publish(tmp_path, root, "smoke") == root / "report" / "smoke" / "manifest.json"
    assert json.loads((root / "report" / "manifest.json").read_text())["preset"] == "cpu"
    publish(tmp_path / "top", root, "smoke", top_level=True)  # asked for: smoke takes the top, cpu moves aside
    assert json.loads((root / "report" / "cpu" / "manifest.json").read_text())["preset"] == "cpu"
    publish(tmp_path / "again", root, "cpu")
    assert json.loads((root / "report" / "manifest.json").read_text())["preset"] == "cpu"
    assert not (root / "report" / "cpu").exists()
    assert (root / "report" / "smoke" / "figures" / "fig1.png").read_bytes() == b"png of smoke"
