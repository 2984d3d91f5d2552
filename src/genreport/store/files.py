"""Writing and reading the files the pipeline makes: writes are atomic, and every failure is one line."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..errors import OutputWriteError, ResultFileError


def write_failed(path: Path, error: OSError) -> OutputWriteError:
    return OutputWriteError(
        f"could not write {path}: {error.strerror or error}; "
        f"free disk space or check the permissions of {Path(path).parent}, then rerun snakemake"
    )


def atomic_write(path: Path, write: Callable[[IO[bytes]], Any]) -> None:
    """Call write(handle) on a temporary file beside `path`, fsync it, then rename it over `path`.

    Readers see the old file or the complete new one, never a partial one; the temporary file is
    removed on any failure, and an OSError (disk full, no permission) becomes an OutputWriteError."""
    path = Path(path)
    # A unique name, so two jobs writing the same file cannot write into one temporary file.
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("xb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        raise write_failed(path, error) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda handle: handle.write(text.encode()))


def write_json(path: Path, record: Any) -> None:
    write_text(path, json.dumps(record, indent=2) + "\n")


def write_png(path: Path, save: Callable[..., Any], **options: Any) -> None:
    """Write a PNG through save(handle, format="png", **options): `fig.savefig` or `partial(save_image, images)`."""
    atomic_write(path, lambda handle: save(handle, format="png", **options))


def copy_file(source: Path, target: Path) -> None:
    """Copy `source` to `target` atomically."""
    try:
        reader = Path(source).open("rb")  # noqa: SIM115 (a failed open is a read error, not a write error)
    except OSError as error:
        raise ResultFileError(
            f"cannot read {source}: {error.strerror or error}; rerun snakemake to rebuild it"
        ) from None
    with reader:
        atomic_write(target, lambda handle: shutil.copyfileobj(reader, handle))


def remove_file(path: Path) -> None:
    try:
        Path(path).unlink(missing_ok=True)
    except OSError as error:
        raise OutputWriteError(
            f"could not remove {path}: {error.strerror or error}; "
            f"check the permissions of {Path(path).parent}, then rerun snakemake"
        ) from None


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object that an earlier step wrote; a missing, truncated or corrupt file is one line naming it."""
    path = Path(path)
    try:
        record = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ResultFileError(f"{path} is missing: rerun snakemake, which rebuilds it") from None
    except OSError as error:
        raise ResultFileError(f"cannot read {path}: {error.strerror or error}; check its permissions") from None
    except ValueError as error:  # JSONDecodeError, or bytes that are not UTF-8
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8 text"
        raise ResultFileError(
            f"{path} is truncated or not JSON ({reason}): delete it and rerun snakemake, which rebuilds it"
        ) from None
    if not isinstance(record, dict):
        raise ResultFileError(f"{path} does not hold a JSON object: delete it and rerun snakemake, which rebuilds it")
    return record


def remove_tree(path: Path) -> None:
    """Remove a folder and what it holds, if it exists."""
    try:
        shutil.rmtree(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise OutputWriteError(
            f"could not remove {path}: {error.strerror or error}; check its permissions, then rerun snakemake"
        ) from None


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_benchmark(path: Path) -> dict[str, float] | None:
    """Snakemake's benchmark file: wall seconds (s) and peak resident memory (max_rss, MB)."""
    if not Path(path).is_file():
        return None
    try:
        with Path(path).open() as handle:
            row = next(csv.DictReader(handle, delimiter="\t"))
        max_rss = row.get("max_rss")
        return {"s": float(row["s"]), "max_rss_mb": float(max_rss) if max_rss not in (None, "-", "NA") else None}
    except (OSError, StopIteration, KeyError, ValueError, csv.Error):
        raise ResultFileError(
            f"{path} is not a readable benchmark file (truncated or damaged): "
            "delete it and rerun snakemake, which rebuilds it"
        ) from None


@contextlib.contextmanager
def sole_writer(folder: Path, what: str):
    """Hold the lock of `folder` while writing `what` into it: a second writer (a job started beside a live one,
    say after `snakemake --unlock`) is refused with one line. The operating system releases the lock when the
    process ends, however it ends, so a killed job never leaves a stale lock behind."""
    import fcntl

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".writer.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputWriteError(
                f"{folder} is being written by {holder}: wait for it to finish (or stop it) before starting "
                f"{what} again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()} ({what})")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
