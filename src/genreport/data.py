"""MNIST through torchvision, from the internet or from an offline directory of IDX files.

Every decompressed file is checked against the published SHA-256 before use, so a
truncated download or a corrupt copy stops the run instead of training on garbage.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import torch
from torchvision.datasets import MNIST

from .errors import DataError, OutputWriteError
from .store.files import sha256_of, write_json

SOURCE_ENV_VAR = "GENREPORT_MNIST_DIR"

# Decompressed size and SHA-256 of each MNIST file.
EXPECTED_FILES: dict[str, tuple[int, str]] = {
    "train-images-idx3-ubyte": (47040016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    "train-labels-idx1-ubyte": (60008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "t10k-images-idx3-ubyte": (7840016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    "t10k-labels-idx1-ubyte": (10008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}


def raw_dir(data_dir: Path) -> Path:
    """Where torchvision's MNIST class looks for the decompressed files."""
    return Path(data_dir) / "MNIST" / "raw"


def offline_source(configured: str | os.PathLike | None) -> Path | None:
    """The offline directory from the config, else from the environment, else None."""
    value = configured or os.environ.get(SOURCE_ENV_VAR) or None
    return Path(value) if value else None


def verify_file(path: Path, expected: dict[str, tuple[int, str]] = EXPECTED_FILES, name: str | None = None) -> None:
    """Check size and SHA-256 of a decompressed MNIST file; `name` is its MNIST file name."""
    name = name or path.name
    size, sha = expected[name]
    if not path.is_file():
        raise DataError(f"{path} is missing: rerun the `data` rule (snakemake --cores 1 data)")
    actual_size = path.stat().st_size
    if actual_size != size:
        raise DataError(
            f"{name} has {actual_size} bytes, expected {size}: the file is truncated or wrong; "
            "replace it with a fresh copy of MNIST and rerun the `data` rule"
        )
    actual_sha = sha256_of(path)
    if actual_sha != sha:
        raise DataError(
            f"{name} has SHA-256 {actual_sha}, expected {sha}: the file is corrupt; "
            "replace it with a fresh copy of MNIST and rerun the `data` rule"
        )


def _decompress_verified(archive: Path, target: Path, expected: dict[str, tuple[int, str]]) -> None:
    """Decompress `archive` to `target` and verify it; nothing is left behind on failure."""
    if not archive.is_file():
        raise DataError(
            f"{archive} not found: put the four MNIST IDX .gz files in {archive.parent} "
            f"(or point mnist_source / {SOURCE_ENV_VAR} at the directory that holds them)"
        )
    partial = target.with_name(target.name + ".partial")
    try:
        sink = partial.open("wb")
    except OSError as error:
        raise unwritable(partial.parent, error) from None
    try:
        with gzip.open(archive, "rb") as source, sink:
            for block in iter(lambda: source.read(1 << 20), b""):
                try:
                    sink.write(block)
                except OSError as error:  # a full disk, not a damaged archive
                    raise unwritable(partial.parent, error) from None
        verify_file(partial, expected, name=target.name)
        partial.replace(target)
    except OutputWriteError:
        partial.unlink(missing_ok=True)
        raise
    except (EOFError, OSError, zlib.error) as error:
        partial.unlink(missing_ok=True)
        raise DataError(f"{archive} is truncated or corrupt ({error}); replace it with a fresh copy") from None
    except DataError as error:
        partial.unlink(missing_ok=True)
        raise DataError(f"{archive}: {error}") from None


def unwritable(folder: Path, error: OSError) -> OutputWriteError:
    return OutputWriteError(
        f"cannot write the MNIST files into {folder}: {error.strerror or error}; make it writable and free disk "
        "space, or set data_dir to a folder that is"
    )


def prepare_mnist(
    data_dir: Path,
    source: Path | None = None,
    expected: dict[str, tuple[int, str]] = EXPECTED_FILES,
) -> Path:
    """Make the verified MNIST files available under `data_dir` and return their directory.

    With `source` set, the files are taken from that directory and no network access is
    tried; otherwise torchvision downloads them.
    """
    directory = raw_dir(data_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise unwritable(directory, error) from None
    if source is not None:
        if not Path(source).is_dir():
            raise DataError(
                f"offline MNIST directory {source} does not exist: fix mnist_source / "
                f"{SOURCE_ENV_VAR}, or unset both to download"
            )
        for name in expected:
            _decompress_verified(Path(source) / f"{name}.gz", directory / name, expected)
    else:
        if not all((directory / name).is_file() for name in expected):
            try:
                MNIST(root=str(data_dir), train=True, download=True)
                MNIST(root=str(data_dir), train=False, download=True)
            except Exception as error:  # torchvision raises several kinds on network failure
                raise DataError(
                    f"downloading MNIST failed ({error.__class__.__name__}: {error}); "
                    f"set mnist_source or {SOURCE_ENV_VAR} to a directory holding the IDX .gz files"
                ) from None
        for name in expected:
            verify_file(directory / name, expected)
    return directory


def write_stamp(data_dir: Path, stamp: Path) -> None:
    """Record what was verified; the pipeline's later rules depend on this file."""
    directory = raw_dir(data_dir)
    record = {name: {"bytes": size, "sha256": sha} for name, (size, sha) in EXPECTED_FILES.items()}
    record["directory"] = str(directory)
    write_json(stamp, record)


def load_split(data_dir: Path, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Images as uint8 [N, 28, 28] and labels as int64 [N], through torchvision's MNIST."""
    try:
        dataset = MNIST(root=str(data_dir), train=train, download=False)
    except RuntimeError as error:
        raise DataError(f"MNIST not found under {data_dir} ({error}): run the `data` rule first") from None
    return dataset.data, dataset.targets


def to_unit_float(images: torch.Tensor) -> torch.Tensor:
    """uint8 [N, 28, 28] -> float [N, 1, 28, 28] in [0, 1]."""
    return images.unsqueeze(1).float().div_(255.0)


def load_test_images(data_dir: Path) -> torch.Tensor:
    """The 10,000 MNIST test images in [0, 1], [N, 1, 28, 28]."""
    return to_unit_float(load_split(data_dir, train=False)[0])
