"""Whether the running Python environment is the one requirements/report.lock pins."""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.utils import canonicalize_name
from packaging.version import Version

LOCK_FILE = "requirements/report.lock"


def locked_versions(text: str) -> dict[str, str]:
    """The pins of a lock file (`name==version ; marker` lines) that apply to this interpreter and platform."""
    pins = {}
    for line in text.splitlines():
        requirement, _, marker = line.partition(";")
        if "==" not in requirement or line.startswith((" ", "#")):
            continue
        if marker.strip() and not Marker(marker.strip()).evaluate():
            continue
        name, pinned = requirement.split("==", 1)
        pins[canonicalize_name(name.strip())] = pinned.strip()
    return pins


def installed_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def same_release(installed: str, locked: str) -> bool:
    """A local build of the locked version (torch 2.14.1+cpu for 2.14.1) counts as the locked version."""
    return Version(installed).public == Version(locked).public


def lock_state(root: Path) -> dict[str, Any]:
    """The lock file's hash and every pinned package whose installed version is another (None: not installed)."""
    path = root / LOCK_FILE
    if not path.is_file():
        return {"lock": LOCK_FILE, "sha256": None, "differs": {}}
    text = path.read_text()
    differs = {}
    for name, locked in sorted(locked_versions(text).items()):
        installed = installed_version(name)
        if installed is None or not same_release(installed, locked):
            differs[name] = {"locked": locked, "installed": installed}
    return {"lock": LOCK_FILE, "sha256": hashlib.sha256(text.encode()).hexdigest(), "differs": differs}
