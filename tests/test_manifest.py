"""The manifest's git state: code changes count, the folders being published into do not."""

from __future__ import annotations

import subprocess

from genreport.store.manifest import published_folders
from genreport.store.provenance import git_state


def test_only_changes_outside_the_published_folders_count(tmp_path):
    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=tmp_path, check=True, capture_output=True
        )

    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "fig.png").write_bytes(b"old")
    (tmp_path / "code.py").write_text("x = 1\n")
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "start")

    (tmp_path / "figures" / "fig.png").write_bytes(b"new")
    folders = published_folders({"figures/fig.png": "its hash"})
    assert folders == ("figures",)
    assert git_state(tmp_path, folders)["uncommitted_changes"] is False
    assert git_state(tmp_path)["uncommitted_changes"] is True

    (tmp_path / "code.py").write_text("x = 2\n")
    assert git_state(tmp_path, folders)["uncommitted_changes"] is True
