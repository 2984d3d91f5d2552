"""Sample arrays on disk: uint8 images [N, 28, 28] with what made them, in one .npz format.

Written by the sample step and by training (its fixed-noise snapshots); every reader goes through
`load_samples`, which never unpickles and refuses anything but that format in one line.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SampleFileError
from .files import atomic_write

IMAGE_SHAPE = (28, 28)

# What each metadata field holds; load_samples checks a field's kind and returns it as a Python value
# (per-image fields as an array of length N).
FIELD_KINDS = {
    "seed_of_image": "per-image integers",
    "epoch": "integer",
    "batch_size": "integer",
    "sampler": "text",
    "sampler_setting": "text",
    "model": "text",
    "checkpoint": "text",
    "seconds_per_sample": "number",
}


def save_samples(path: Path, images: np.ndarray, **fields: Any) -> None:
    """Write images (uint8 [N, 28, 28]) and metadata fields (see FIELD_KINDS) as one .npz, atomically."""
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"sample images must be uint8 [N, 28, 28], got {images.dtype} {list(images.shape)}")
    atomic_write(path, lambda handle: np.savez_compressed(handle, images=images, **fields))


def rebuild_hint(path: Path) -> str:
    return f"rebuild it with `snakemake --cores 4 --force {path}`"


def load_samples(
    path: Path, minimum: int = 1, fields: tuple[str, ...] = (), remedy: str | None = None
) -> dict[str, Any]:
    """The images (uint8 [N, 28, 28]) and the named metadata fields of a sample file, checked.

    `minimum`: the fewest images the caller's metric can use; with `seed_of_image` among the fields,
    each sampling seed's share must hold that many (the metrics are also computed per seed).
    Anything else raises a SampleFileError naming the file, the problem and `remedy` (by default,
    the command that rebuilds it)."""
    path = Path(path)
    remedy = remedy or rebuild_hint(path)

    def refuse(problem: str) -> SampleFileError:
        return SampleFileError(f"{path} {problem}: {remedy}")

    if not path.is_file():
        raise refuse("is missing")
    if not zipfile.is_zipfile(path):
        raise refuse("is not an .npz archive (truncated, or not written by this pipeline)")
    wanted = ("images", *fields)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in wanted if name in archive.files}
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise refuse("holds pickled Python objects, which are never loaded") from None
        raise refuse("is damaged (an array cannot be read)") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error):
        raise refuse("is damaged (an array cannot be read)") from None
    missing = [name for name in wanted if name not in arrays]
    if missing:
        raise refuse(f"has no {', '.join(missing)} array")

    images = arrays.pop("images")
    if images.dtype != np.uint8:
        raise refuse(f"holds {images.dtype} images, expected uint8 pixels (0 to 255)")
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise refuse(f"holds images of shape {list(images.shape)}, expected [N, 28, 28]")
    record = {"images": images}
    for name, array in arrays.items():
        record[name] = field_value(array, FIELD_KINDS[name], len(images))
        if record[name] is None:
            raise refuse(f"has a '{name}' of {array.dtype} {list(array.shape)}, expected {FIELD_KINDS[name]}")
    counts = {"": len(images)}
    if "seed_of_image" in record:
        seeds, per_seed = np.unique(record["seed_of_image"], return_counts=True)
        counts.update({f" from seed {seed}": int(count) for seed, count in zip(seeds, per_seed, strict=True)})
    for source, count in counts.items():
        if count < minimum:
            drawn = " (evaluation.samples in the preset sets how many are drawn)" if minimum > 1 else ""
            noun = "image" if count == 1 else "images"
            raise refuse(f"holds {count} {noun}{source}, fewer than the {minimum} the metrics need{drawn}")
    return record


def training_snapshots(train_dir: Path, minimum: int = 1) -> list[dict[str, Any]]:
    """The fixed-noise samples training saved in train_dir/samples/ (images and epoch), oldest first;
    each must hold at least `minimum` images."""
    retrain = f"retrain the model with `snakemake --cores 4 --force {Path(train_dir) / 'checkpoint.pt'}`"
    return [
        load_samples(path, minimum, fields=("epoch",), remedy=retrain)
        for path in sorted((Path(train_dir) / "samples").glob("epoch_*.npz"))
    ]


def field_value(array: np.ndarray, kind: str, count: int) -> Any:
    """A metadata array as the Python value its kind says; None if it is not of that kind."""
    scalar = array.ndim == 0
    if kind == "per-image integers" and array.shape == (count,) and np.issubdtype(array.dtype, np.integer):
        return array
    if kind == "integer" and scalar and np.issubdtype(array.dtype, np.integer):
        return int(array)
    if kind == "number" and scalar and np.issubdtype(array.dtype, np.number) and np.isfinite(array):
        return float(array)
    if kind == "text" and scalar and array.dtype.kind == "U":
        return str(array)
    return None
