"""What a notebook opened by hand reads: the latest complete run of any preset, or one line saying how to make one."""

from __future__ import annotations

import json
import os

import pytest

from genreport.errors import ResultFileError
from genreport.notebook_support import latest_complete_run


def make_run(project, preset, finished, mtime=None):
    run = project / "results" / preset
    (run / "report").mkdir(parents=True)
    (run / "run.json").write_text(json.dumps({"preset": preset}))
    if finished:
        report = run / "report" / "report.md"
        report.write_text("x")
        if mtime is not None:
            os.utime(report, (mtime, mtime))
    return run


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "Snakefile").write_text("")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text("preset: auto\nresults_dir: results\ndata_dir: data\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_newest_finished_run_of_any_preset_is_read(project):
    make_run(project, "cpu", finished=True, mtime=1_000)
    smoke = make_run(project, "smoke", finished=True, mtime=2_000)
    make_run(project, "gpu", finished=False)  # started later, never finished its report
    assert latest_complete_run() == smoke


def test_without_a_finished_run_one_line_names_the_command_that_makes_one(project):
    make_run(project, "cpu", finished=False)
    with pytest.raises(ResultFileError) as error:
        latest_complete_run()
    assert "\n" not in str(error.value) and "`make smoke`" in str(error.value)
