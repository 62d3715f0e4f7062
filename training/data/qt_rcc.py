"""Reader for Qt binary resource files (.rcc), where GCompris keeps its photos.

Layout (qtbase src/corelib/io/qresource.cpp): a 20-byte big-endian header
"qres", version, tree offset, data offset, names offset (+ flags from version 3),
then a flat tree of nodes (14 bytes each, 22 from version 2 with a modification
time), a name table (u16 length, u32 hash, UTF-16BE) and a data table (u32 size
+ payload). Payloads may be zlib (qCompress: u32 length + zlib stream) or zstd.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

FLAG_COMPRESSED = 0x01
FLAG_DIRECTORY = 0x02
FLAG_COMPRESSED_ZSTD = 0x04


class RccError(ValueError):
    pass


class QtResourceFile:
    def __init__(self, blob: bytes, origin: str = "<rcc>") -> None:
        self.blob = blob
        self.origin = origin
        if len(blob) < 20 or blob[:4] != b"qres":
            raise RccError(f"{origin}: not a Qt resource file (no 'qres' magic)")
        self.version, self.tree, self.data, self.names = struct.unpack(">IIII", blob[4:20])
        if self.version not in (1, 2, 3):
            raise RccError(f"{origin}: unsupported rcc version {self.version}")
        self.node_size = 14 if self.version == 1 else 22

    @classmethod
    def open(cls, path: Path) -> "QtResourceFile":
        return cls(path.read_bytes(), str(path))

    def _name(self, node: int) -> str:
        off = self.names + struct.unpack(">I", self._node_bytes(node)[:4])[0]
        (length,) = struct.unpack(">H", self.blob[off:off + 2])
        return self.blob[off + 6:off + 6 + 2 * length].decode("utf-16-be")

    def _node_bytes(self, node: int) -> bytes:
        start = self.tree + node * self.node_size
        if start + self.node_size > len(self.blob):
            raise RccError(f"{self.origin}: tree node {node} lies outside the file")
        return self.blob[start:start + self.node_size]

    def _flags(self, node: int) -> int:
        return struct.unpack(">H", self._node_bytes(node)[4:6])[0]

    def _children(self, node: int) -> range:
        count, first = struct.unpack(">II", self._node_bytes(node)[6:14])
        return range(first, first + count)

    def find(self, path: str) -> int:
        node = 0  # the root directory
        for part in [p for p in path.split("/") if p]:
            if not self._flags(node) & FLAG_DIRECTORY:
                raise RccError(f"{self.origin}: '{path}': '{part}' is under a file")
            match = [c for c in self._children(node) if self._name(c) == part]
            if not match:
                raise RccError(f"{self.origin}: no entry '{path}' (missing '{part}')")
            node = match[0]
        return node

    def read(self, path: str) -> bytes:
        node = self.find(path)
        flags = self._flags(node)
        if flags & FLAG_DIRECTORY:
            raise RccError(f"{self.origin}: '{path}' is a directory")
        (offset,) = struct.unpack(">I", self._node_bytes(node)[10:14])
        start = self.data + offset
        (size,) = struct.unpack(">I", self.blob[start:start + 4])
        payload = self.blob[start + 4:start + 4 + size]
        if len(payload) != size:
            raise RccError(f"{self.origin}: '{path}' is truncated")
        if flags & FLAG_COMPRESSED:
            (expected,) = struct.unpack(">I", payload[:4])
            out = zlib.decompress(payload[4:])
            if len(out) != expected:
                raise RccError(f"{self.origin}: '{path}' inflated to {len(out)} bytes, expected {expected}")
            return out
        if flags & FLAG_COMPRESSED_ZSTD:
            import zstandard  # Debian python3-zstandard; only needed for zstd entries

            return zstandard.ZstdDecompressor().decompress(payload, max_output_size=1 << 30)
        return payload

    def walk(self, node: int = 0, prefix: str = "") -> list[str]:
        out: list[str] = []
        for c in self._children(node):
            name = f"{prefix}/{self._name(c)}"
            out.extend(self.walk(c, name) if self._flags(c) & FLAG_DIRECTORY else [name])
        return out
