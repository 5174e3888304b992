"""Only regular files are read, and never more than asked: the one door every read goes
through (#18 A). Real FIFOs and devices, not mocks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.core.files import UnreadableFileError, check_regular, read_regular


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * 1000)
    assert read_regular(path, 1000) == b"x" * 1000


def test_a_fifo_is_named_and_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.csv"
    os.mkfifo(fifo)  # no writer: a plain open() would wait forever
    with pytest.raises(UnreadableFileError, match="is a FIFO, not a file"):
        read_regular(fifo, 100)
    with pytest.raises(UnreadableFileError, match="is a FIFO"):
        check_regular(fifo)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_named_and_not_read(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    with pytest.raises(UnreadableFileError, match="is a character device, not a file"):
        read_regular(device, 100)


def test_a_directory_and_a_missing_file_are_named(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="is a directory"):
        read_regular(tmp_path, 100)
    with pytest.raises(UnreadableFileError, match="file not found"):
        read_regular(tmp_path / "nope.yaml", 100)


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as out:  # sparse: 1 GB on paper, nothing on disk
        out.truncate(1 << 30)
    with pytest.raises(UnreadableFileError, match="over the limit of 1000"):
        read_regular(path, 1000)


def test_a_symlink_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.csv").write_bytes(b"1,2\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    assert read_regular(tmp_path / "link.csv", 100) == b"1,2\n"
