"""Pack the photo cache small enough to travel to a GPU machine that cannot reach Debian's
archive (the device tool carries ≤ 64 MiB of ignored paths): every photo re-encoded as a
4:4:4 JPEG at quality 95 with the long side capped, plus index.json. PhotoPool reads a pack
exactly like the .npy cache (--cache training/.data/photo-pack).

    /usr/bin/python3 -m training.data.pack_photos [--cache DIR] [--out training/.data/photo-pack]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from training.data.fetch_photos import DEFAULT_CACHE


def pack(cache: Path, out: Path, long_side: int, quality: int) -> int:
    entries = json.loads((cache / "photos" / "index.json").read_text())
    packed = []
    for e in entries:
        img = Image.fromarray(np.load(cache / e["npy"]))
        scale = min(1.0, long_side / max(img.size))
        if scale < 1.0:
            img = img.resize((round(img.size[0] * scale), round(img.size[1] * scale)), Image.LANCZOS)
        rel = f"photos/{e['split']}/{e['id']}.jpg"
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        img.save(out / rel, quality=quality, subsampling=0)
        packed.append({**e, "npy": rel, "width": img.size[0], "height": img.size[1]})
    (out / "photos" / "index.json").write_text(json.dumps(packed, indent=1))
    return sum((out / p["npy"]).stat().st_size for p in packed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=Path("training/.data/photo-pack"))
    ap.add_argument("--long-side", type=int, default=1280)
    ap.add_argument("--quality", type=int, default=95)
    args = ap.parse_args()
    size = pack(args.cache, args.out, args.long_side, args.quality)
    print(f"packed into {args.out}: {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
