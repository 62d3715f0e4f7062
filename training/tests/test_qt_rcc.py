"""GCompris keeps 280 of the 480 training photos inside Qt .rcc files: if the reader breaks,
the training set silently loses most of its photos."""
from __future__ import annotations

import struct
import zlib

import pytest

from training.data.qt_rcc import QtResourceFile, RccError


def build_rcc(files: dict[str, tuple[bytes, bool]]) -> bytes:
    """A version-2 .rcc with one folder 'photos' holding `files` (name → (bytes, zlib?))."""
    names = b""
    name_off: dict[str, int] = {}
    for n in ["photos", *files]:
        name_off[n] = len(names)
        names += struct.pack(">HI", len(n), 0) + n.encode("utf-16-be")
    data = b""
    data_off: dict[str, int] = {}
    for n, (blob, packed) in files.items():
        payload = struct.pack(">I", len(blob)) + zlib.compress(blob) if packed else blob
        data_off[n] = len(data)
        data += struct.pack(">I", len(payload)) + payload
    tree = struct.pack(">IHIIQ", 0, 2, 1, 1, 0)  # root: 1 child starting at node 1
    tree += struct.pack(">IHIIQ", name_off["photos"], 2, len(files), 2, 0)
    for n, (_, packed) in files.items():
        tree += struct.pack(">IHHHIQ", name_off[n], 1 if packed else 0, 0, 0, data_off[n], 0)
    header = 20
    return (b"qres" + struct.pack(">IIII", 2, header, header + len(tree) + len(names), header + len(tree))
            + tree + names + data)


def test_reads_compressed_and_plain_entries_by_path() -> None:
    photo = bytes(range(256)) * 40
    rcc = QtResourceFile(build_rcc({"dog.webp": (photo, True), "cat.jpg": (b"plain bytes", False)}), "test.rcc")
    assert rcc.read("/photos/dog.webp") == photo
    assert rcc.read("/photos/cat.jpg") == b"plain bytes"
    assert sorted(rcc.walk()) == ["/photos/cat.jpg", "/photos/dog.webp"]


def test_a_missing_entry_or_a_wrong_file_is_a_clear_error() -> None:
    rcc = QtResourceFile(build_rcc({"dog.webp": (b"x", False)}), "erase.rcc")
    with pytest.raises(RccError, match=r"erase.rcc: no entry '/photos/horse.webp'"):
        rcc.read("/photos/horse.webp")
    with pytest.raises(RccError, match="not a Qt resource file"):
        QtResourceFile(b"\x89PNG....................", "photo.png")
