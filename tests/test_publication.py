"""Publishing keeps one copy of each run: the top-level folders show one, report/<preset>/ the others."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from genreport.store.files import write_json
from genreport.store.publication import publish_run
from genreport.store.swap import roll_back


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


def published_state(root: Path) -> dict[str, str]:
    """Every published file, manifests included, by path, as a hash of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".writer.lock" and ".staging" not in path.parts
    }


def assert_consistent(root: Path, manifest: Path) -> None:
    for name, digest in json.loads(manifest.read_text())["files"].items():
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest, name


STOPPED_PUBLISH = """
import os, signal, sys
from pathlib import Path
from genreport.store import swap
from genreport.store.publication import publish_run

tmp, root, stage, after, sig = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
sys.path.insert(0, sys.argv[6])
from test_publication import fake_run

calls = [0]
def stopping(original):
    def call(*args, **kwargs):
        done = original(*args, **kwargs)
        calls[0] += 1
        if calls[0] == after:
            os.kill(os.getpid(), getattr(signal, sig))
        return done
    return call

if stage == "staging":
    swap.copy_file = stopping(swap.copy_file)
else:
    swap.rename = stopping(swap.rename)
run, figures, reports = fake_run(tmp, "gpu")
publish_run(run, "gpu", figures, reports, root)
"""


def stopped_publish(tmp_path: Path, root: Path, stage: str, after: int, signal_name: str) -> int:
    import subprocess
    import sys

    script = tmp_path / f"stop_{stage}_{after}.py"
    script.write_text(STOPPED_PUBLISH)
    tests = Path(__file__).parent
    return subprocess.run(
        [
            sys.executable,
            str(script),
            str(tmp_path / f"run_{stage}_{after}"),
            str(root),
            stage,
            str(after),
            signal_name,
            str(tests),
        ],
        capture_output=True,
    ).returncode


@pytest.mark.fault
def test_a_publish_killed_while_copying_leaves_the_previous_one_intact(tmp_path):
    root = tmp_path / "project"
    publish(tmp_path, root, "cpu")
    before = published_state(root)
    assert stopped_publish(tmp_path, root, "staging", 3, "SIGKILL") == -9
    assert published_state(root) == before  # the staged files are not among the published ones
    assert_consistent(root, root / "report" / "manifest.json")
    publish(tmp_path / "again", root, "gpu")  # the next publish clears the staged files and goes through
    assert not (root / ".staging").exists()
    assert json.loads((root / "report" / "manifest.json").read_text())["preset"] == "gpu"
    assert_consistent(root, root / "report" / "manifest.json")
    assert_consistent(root, root / "report" / "cpu" / "manifest.json")


@pytest.mark.fault
def test_a_publish_killed_while_swapping_is_rolled_back_by_the_next_one(tmp_path):
    root = tmp_path / "project"
    publish(tmp_path, root, "cpu")
    before = published_state(root)
    for after in (1, 3, 6):  # the manifest moved away; some files swapped; most swapped
        assert stopped_publish(tmp_path, root, "swapping", after, "SIGKILL") == -9
        assert not (root / "report" / "manifest.json").exists()  # a half-swapped folder never looks complete
        assert roll_back(root)
        assert published_state(root) == before, after
    assert stopped_publish(tmp_path, root, "swapping", 4, "SIGKILL") == -9
    publish(tmp_path / "again", root, "gpu")  # rolls the stopped swap back, then publishes
    assert_consistent(root, root / "report" / "manifest.json")
    assert_consistent(root, root / "report" / "cpu" / "manifest.json")
    assert json.loads((root / "report" / "cpu" / "manifest.json").read_text())["preset"] == "cpu"


@pytest.mark.fault
def test_a_publish_asked_to_stop_while_swapping_finishes_the_swap_first(tmp_path):
    root = tmp_path / "project"
    publish(tmp_path, root, "cpu")
    assert stopped_publish(tmp_path, root, "swapping", 2, "SIGTERM") == -15
    assert json.loads((root / "report" / "manifest.json").read_text())["preset"] == "gpu"
    assert_consistent(root, root / "report" / "manifest.json")
    assert_consistent(root, root / "report" / "cpu" / "manifest.json")
    assert not (root / ".staging").exists()
