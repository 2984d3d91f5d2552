"""Data checks on tiny IDX files written by the tests themselves."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from genreport.data import prepare_mnist, raw_dir
from genreport.errors import DataError

NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def tiny_idx(name: str) -> bytes:
    """A valid IDX header with a few bytes of payload (2 images of 2x2, or 2 labels)."""
    if "images" in name:
        return bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2]) + bytes(range(8))
    return bytes([0, 0, 8, 1, 0, 0, 0, 2]) + bytes([3, 7])


@pytest.fixture
def source(tmp_path):
    directory = tmp_path / "source"
    directory.mkdir()
    expected = {}
    for name in NAMES:
        content = tiny_idx(name)
        (directory / f"{name}.gz").write_bytes(gzip.compress(content))
        expected[name] = (len(content), hashlib.sha256(content).hexdigest())
    return directory, expected


def test_good_files_pass(tmp_path, source):
    directory, expected = source
    out = prepare_mnist(tmp_path / "data", directory, expected)
    assert out == raw_dir(tmp_path / "data")
    for name in NAMES:
        assert (out / name).read_bytes() == tiny_idx(name)
    assert not list(out.glob("*.partial"))


def _expect_error(tmp_path, directory, expected, *fragments):
    with pytest.raises(DataError) as caught:
        prepare_mnist(tmp_path / "data", directory, expected)
    message = str(caught.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message
    assert not list(raw_dir(tmp_path / "data").glob("*.partial")), "a half-written file was left behind"
    return message


@pytest.mark.fault
def test_missing_file_names_the_file(tmp_path, source):
    directory, expected = source
    (directory / "t10k-labels-idx1-ubyte.gz").unlink()
    _expect_error(tmp_path, directory, expected, "t10k-labels-idx1-ubyte.gz", "not found")


@pytest.mark.fault
def test_truncated_archive_is_refused(tmp_path, source):
    directory, expected = source
    path = directory / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-10])
    _expect_error(tmp_path, directory, expected, "train-images-idx3-ubyte.gz", "truncated or corrupt")
    assert not (raw_dir(tmp_path / "data") / "train-images-idx3-ubyte").exists()


@pytest.mark.fault
def test_corrupt_archive_is_refused(tmp_path, source):
    directory, expected = source
    (directory / "train-labels-idx1-ubyte.gz").write_bytes(b"this is not gzip data at all")
    _expect_error(tmp_path, directory, expected, "train-labels-idx1-ubyte.gz", "fresh copy")


@pytest.mark.fault
def test_wrong_checksum_is_refused(tmp_path, source):
    directory, expected = source
    content = bytearray(tiny_idx("t10k-images-idx3-ubyte"))
    content[-1] ^= 0xFF  # same size, different bytes
    (directory / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(bytes(content)))
    message = _expect_error(tmp_path, directory, expected, "t10k-images-idx3-ubyte", "SHA-256", "expected")
    assert expected["t10k-images-idx3-ubyte"][1] in message


@pytest.mark.fault
def test_wrong_size_is_refused(tmp_path, source):
    directory, expected = source
    (directory / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(tiny_idx("t10k-images-idx3-ubyte")[:-3]))
    _expect_error(tmp_path, directory, expected, "t10k-images-idx3-ubyte", "bytes, expected")


@pytest.mark.fault
def test_wrong_offline_path_is_refused(tmp_path, source):
    _, expected = source
    _expect_error(tmp_path, tmp_path / "no-such-dir", expected, "no-such-dir", "does not exist")


@pytest.mark.fault
def test_data_command_exits_with_one_line(tmp_path, source, capsys):
    from genreport.cli.data import main

    with pytest.raises(SystemExit) as caught:
        main(
            [
                "--data-dir",
                str(tmp_path / "data"),
                "--source",
                str(tmp_path / "missing"),
                "--stamp",
                str(tmp_path / "stamp.json"),
            ]
        )
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    assert not (tmp_path / "stamp.json").exists()


@pytest.mark.fault
def test_a_data_folder_that_cannot_be_written_is_named_as_such_not_as_a_damaged_archive(tmp_path, source):
    from genreport.errors import OutputWriteError

    directory, expected = source
    blocked = tmp_path / "a file"
    blocked.write_text("")
    with pytest.raises(OutputWriteError) as caught:  # the data folder cannot be made
        prepare_mnist(blocked / "data", directory, expected)
    message = str(caught.value)
    assert "\n" not in message and "cannot write the MNIST files" in message and "corrupt" not in message
    # A place the decompressed file cannot go (a folder in its way: permissions do not bind root, this does).
    raw_dir(tmp_path / "data").mkdir(parents=True)
    (raw_dir(tmp_path / "data") / f"{NAMES[0]}.partial").mkdir()
    with pytest.raises(OutputWriteError) as caught:
        prepare_mnist(tmp_path / "data", directory, expected)
    message = str(caught.value)
    assert "\n" not in message and str(raw_dir(tmp_path / "data")) in message and "corrupt" not in message
