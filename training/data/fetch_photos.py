"""Fetch the photos listed in shared/data/photos.tsv from Debian packages (DESIGN.md "Data").

apt-get download each package (cached outside git), read only the listed files out of the
.deb's data tarball (GCompris photos out of Qt .rcc files), verify width/height against the
tsv, downscale low-bitrate GCompris WebP, and cache every photo as an RGB uint8 .npy under
CACHE/photos/<split>/ with an index.json. Re-running reuses what is cached.

    /usr/bin/python3 -m training.data.fetch_photos [--cache DIR] [--tsv PATH]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import tarfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from training.data.qt_rcc import QtResourceFile

DEFAULT_TSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "photos.tsv"
DEFAULT_CACHE = Path("/work/.cache/fidediff-data")
GCOMPRIS_SCALE = 0.5  # low-bitrate WebP: halving hides the codec's smearing (DESIGN.md "Data")
MAX_LONG_SIDE = 2048  # wallpapers up to 16 MP: cap to keep the cache and crops affordable


@dataclass
class PhotoEntry:
    id: str
    package: str
    path: str
    license: str
    split: str
    width: int
    height: int
    npy: str


def read_tsv(tsv: Path) -> list[dict[str, str]]:
    with tsv.open(newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def download(package: str, version: str, debs: Path) -> Path:
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(debs.glob(f"{package}_*.deb"))
    if found:
        return found[0]
    for spec in (f"{package}={version}", package):
        if subprocess.run(["apt-get", "download", spec], cwd=debs).returncode == 0:
            found = sorted(debs.glob(f"{package}_*.deb"))
            if found:
                return found[0]
    raise RuntimeError(f"{package}: apt-get download failed for {version} and for the current version")


def read_members(deb: Path, wanted: set[str]) -> dict[str, bytes]:
    """Only the listed files from the .deb's data tarball (paths as dpkg -x lays them out)."""
    proc = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True)
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            if name in wanted and member.isfile():
                f = tar.extractfile(member)
                if f is not None:
                    out[name] = f.read()
    missing = wanted - out.keys()
    if missing:
        raise RuntimeError(f"{deb.name}: listed files not in the package: {sorted(missing)[:3]}")
    return out


def decode(blob: bytes, origin: str, width: int, height: int, gcompris: bool) -> np.ndarray:
    img = Image.open(io.BytesIO(blob))
    img.load()
    if img.size != (width, height):
        raise ValueError(f"{origin}: is {img.size[0]}x{img.size[1]}, photos.tsv says {width}x{height}")
    img = img.convert("RGB")
    scale = GCOMPRIS_SCALE if gcompris else 1.0
    scale = min(scale, MAX_LONG_SIDE / max(width, height))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        img = img.resize(size, Image.LANCZOS, reducing_gap=3.0)
    return np.asarray(img, dtype=np.uint8)


def fetch(tsv: Path, cache: Path) -> list[PhotoEntry]:
    rows = read_tsv(tsv)
    by_package: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_package[(row["package"], row["version"])].append(row)
    entries: list[PhotoEntry] = []
    for (package, version), group in sorted(by_package.items()):
        outer = {r["path"].split("::")[0] for r in group}
        todo = [r for r in group if not (cache / "photos" / r["split"] / f"{photo_id(r)}.npy").exists()]
        files = read_members(download(package, version, cache / "debs"), outer) if todo else {}
        rcc = {p: QtResourceFile(b, p) for p, b in files.items() if p.endswith(".rcc")}
        for row in group:
            npy = cache / "photos" / row["split"] / f"{photo_id(row)}.npy"
            origin = f"{package}:{row['path']}"
            if not npy.exists():
                outer_path, _, inner = row["path"].partition("::")
                blob = rcc[outer_path].read(inner) if inner else files[outer_path]
                arr = decode(blob, origin, int(row["width"]), int(row["height"]), bool(inner))
                npy.parent.mkdir(parents=True, exist_ok=True)
                tmp = npy.with_suffix(".tmp.npy")
                np.save(tmp, arr)
                tmp.replace(npy)
            h, w = np.load(npy, mmap_mode="r").shape[:2]
            entries.append(PhotoEntry(photo_id(row), package, row["path"], row["license"], row["split"], w, h,
                                      str(npy.relative_to(cache))))
        print(f"{package}: {len(group)} photos", flush=True)
    index = cache / "photos" / "index.json"
    index.write_text(json.dumps([asdict(e) for e in entries], indent=1))
    return entries


def photo_id(row: dict[str, str]) -> str:
    stem = row["path"].replace("::", "/").replace("/", "_").replace(".", "_")
    return f"{row['package']}__{stem}"[-120:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tsv", type=Path, default=DEFAULT_TSV)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args()
    entries = fetch(args.tsv, args.cache)
    for split in ("train", "val"):
        sel = [e for e in entries if e.split == split]
        print(f"{split}: {len(sel)} photos, {sum(e.width * e.height for e in sel) / 1e6:.1f} MP cached")


if __name__ == "__main__":
    main()
