"""A set of file changes that becomes visible all at once: staged beside its place, then swapped in.

Every new file is first copied into a staging folder under the same root (the slow part, where a stop leaves
the old files untouched). A journal then lists the changes, and the swap is a handful of renames with the
usual stop signals held back, the files named `last` (the manifests) going in last. A swap stopped anyway
(SIGKILL, power loss) leaves its journal, and the next change rolls it back first, so the files are either
all old or all new.
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ResultFileError
from .files import copy_file, read_json, remove_tree, write_json

STAGING = ".staging"
JOURNAL = "journal.json"
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def rename(source: Path, target: Path) -> None:
    os.replace(source, target)


@contextmanager
def stop_signals_held():
    """Hold back SIGINT, SIGTERM and SIGHUP (delivered when the block ends) in the main thread."""
    held = hasattr(signal, "pthread_sigmask")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS) if held else None
    try:
        yield
    finally:
        if held:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class StagedChange:
    """File changes under `root` (paths relative to it) made visible together by `commit`."""

    def __init__(self, root: Path, staging: str = STAGING):
        self.root = Path(root)
        self.staging = self.root / staging
        roll_back(self.root, staging)
        self.installs: list[str] = []
        self.removals: list[str] = []

    def staged(self, name: str) -> Path:
        return self.staging / "new" / name

    def install(self, name: str, source: Path) -> None:
        copy_file(source, self.staged(name))
        self.installs.append(name)

    def install_json(self, name: str, record: Any) -> None:
        write_json(self.staged(name), record)
        self.installs.append(name)

    def remove(self, name: str) -> None:
        if name not in self.installs and (self.root / name).exists():
            self.removals.append(name)

    def commit(self, last: tuple[str, ...] = ()) -> None:
        """Swap every staged file in; the files in `last` (in that order) go in after all the others and leave
        first, so a folder never shows a new manifest beside old files or an old one beside new files."""
        first = [name for name in self.installs if name not in last]
        write_json(self.staging / JOURNAL, {"install": self.installs, "remove": self.removals})
        with stop_signals_held():
            for name in last:
                move_away(self.root, self.staging, name)
            for name in self.removals:
                move_away(self.root, self.staging, name)
            for name in [*first, *last]:
                move_away(self.root, self.staging, name)
                target = self.root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                rename(self.staged(name), target)
            (self.staging / JOURNAL).unlink()
            remove_tree(self.staging)
            for name in self.removals:
                prune_empty_folders(self.root, (self.root / name).parent)


def move_away(root: Path, staging: Path, name: str) -> None:
    """Move the file now at `name` into the staging folder's old/ (once), so a roll-back can restore it."""
    current, kept = root / name, staging / "old" / name
    if current.exists() and not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        rename(current, kept)


def roll_back(root: Path, staging: str = STAGING) -> bool:
    """Undo a swap that was stopped midway (its journal is still there) and drop any staged files; True when
    there was a swap to undo."""
    folder = Path(root) / staging
    journal = folder / JOURNAL
    if not journal.is_file():
        remove_tree(folder)
        return False
    try:
        changes = read_json(journal)
    except ResultFileError:  # a journal cut short was never acted on: the renames start after it is written
        changes = {"install": [], "remove": []}
    for name in [*changes.get("install", []), *changes.get("remove", [])]:
        target, new, old = Path(root) / name, folder / "new" / name, folder / "old" / name
        if old.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            rename(old, target)
        elif not new.exists() and name in changes.get("install", []) and target.exists():
            target.unlink()  # installed where there was nothing before
    remove_tree(folder)
    return True


def prune_empty_folders(root: Path, folder: Path) -> None:
    root = Path(root).resolve()
    folder = Path(folder).resolve()
    while folder != root and folder.is_relative_to(root) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
