"""The lock file: consistent with the declared ranges, and what a run says of the environment it trained in."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from support import results

from genreport.environment import LOCK_FILE, lock_state, locked_versions
from genreport.report.words import about

LOCKS = {"requirements/report.lock": None, "requirements/test.lock": "test", "requirements/cluster.lock": "cluster"}


def declared(project_root, extra):
    project = tomllib.loads((project_root / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"] + project["optional-dependencies"].get(extra, [])]


def test_every_lock_pins_each_declared_package_within_its_range(project_root):
    for lock, extra in LOCKS.items():
        pins = locked_versions((project_root / lock).read_text())
        for requirement in declared(project_root, extra):
            name = requirement.name.replace("_", "-").lower()
            assert name in pins, f"{lock} does not pin {name}: run `make lock`"
            assert requirement.specifier.contains(pins[name], prereleases=True), (lock, name, pins[name])


def test_the_locks_agree_on_every_package_they_share(project_root):
    report = locked_versions((project_root / LOCK_FILE).read_text())
    for lock in LOCKS:
        pins = locked_versions((project_root / lock).read_text())
        assert {n: v for n, v in pins.items() if n in report} == report, lock


def test_each_lock_records_the_command_that_makes_it_and_the_makefile_runs_that_command(project_root):
    makefile = (project_root / "Makefile").read_text().replace("\\\n", " ")
    flags = re.search(r"LOCK_FLAGS := (.+)", makefile).group(1).strip()
    for lock in LOCKS:
        command = (project_root / lock).read_text().splitlines()[1].lstrip("# ").strip()
        made = command.replace(" --quiet", "").replace("uv pip compile ", "")
        options = made.replace(flags.replace(" --quiet", ""), "$(LOCK_FLAGS)")
        assert re.sub(r"\s+", " ", f"$(BIN)/uv pip compile {options}") in re.sub(r"\s+", " ", makefile), command


def test_pins_apply_only_where_their_markers_hold():
    text = "a==1.0\n    # via b\nb==2.0 ; python_full_version < '3.0'\nc==3.0 ; sys_platform == 'nowhere'\nd==4\n"
    assert locked_versions(text) == {"a": "1.0", "d": "4"}


def test_a_package_other_than_locked_is_named(tmp_path):
    (tmp_path / "requirements").mkdir()
    (tmp_path / LOCK_FILE).write_text("pyyaml==0.0.1\nno-such-package-here==1.0\nTorch==" + "1.0\n")
    state = lock_state(tmp_path)
    assert state["differs"]["pyyaml"]["locked"] == "0.0.1" and state["differs"]["pyyaml"]["installed"]
    assert state["differs"]["no-such-package-here"] == {"locked": "1.0", "installed": None}
    assert len(state["sha256"]) == 64


def test_the_report_says_whether_the_models_trained_in_the_locked_environment():
    run = results()
    for m in run["models"].values():
        m.update(train_benchmark=None, notebook_benchmark=None)
        m["environment"] = {"lock": LOCK_FILE, "sha256": "ab" * 32, "differs": {}}
    assert f"The training environment matched `{LOCK_FILE}` (sha256 abababababab)." in about(run)
    differs = {f"p{i}": {"locked": "1", "installed": "2"} for i in range(5)}
    for m in run["models"].values():
        m["environment"]["differs"] = differs
    text = " ".join(about(run).split())
    assert "differed from `requirements/report.lock` (sha256 abababababab) in 5 packages: p0 2 (locked 1)" in text
    assert "p2 2 (locked 1), …." in text and "p3" not in text


def test_the_report_names_the_values_set_on_the_command_line():
    run = results()
    for m in run["models"].values():
        m.update(train_benchmark=None, notebook_benchmark=None)
    run["changed_settings"] = {"ddpm.epochs": 3, "device": "cpu"}
    text = " ".join(about(run).split())
    assert 'Preset `test` with `ddpm.epochs=3`, `device="cpu"` set on the command line (`--config set`), seed 0' in text
    run["changed_settings"] = {}
    assert "command line" not in about(run)
