"""Deterministic camera-shake benchmark pairs from the VAL photos only (issue 6, seed §D).

Each pair is a 512×512 sharp crop of a val photo (never upscaled: only photos whose short
side holds a full crop are used, optionally shrunk) and its blurry version made by the training
code's own synthesis (training.data.blur_synthesis via training.data.batches.synthesize): n
cycles through 5, 7, …, 15 so every blur level is equally represented; t = (n − 1) × 20. No
noise or JPEG: the pairs measure deblurring alone. Same seed → same bytes (PNG, fixed metadata).

    /usr/bin/python3 bench/make_pairs.py [--seed 6] [--count 42] [--out bench/.pairs/seed-6]
                                         [--cache /work/.cache/fidediff-data]

Writes OUT/NNN_nXX_blurry.png, OUT/NNN_nXX_sharp.png, OUT/NNN_nXX_kernels.bin (ground-truth
kernels per analysis region) and OUT/pairs.json (photo ids, licences, n, t), pairs.json last.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: `training` is a package

from training.data.batches import DataConfig, PhotoPool, synthesize  # noqa: E402
from training.data.blur_synthesis import FRAME_COUNTS  # noqa: E402

SIZE = 512
MIN_SCALE = 0.5  # shrink large photos by at most this much, so crops keep photographic detail
KERNEL_GRID = 8  # ground-truth kernels per region, as the analysis grid (8 along the long side)


def crop_slots(pool: PhotoPool, size: int) -> list[int]:
    """Photo indices, each once per whole crop it holds (big photos give more pairs)."""
    holds = [(img.shape[0] // size) * (img.shape[1] // size) for img in pool.images]
    # round-robin over photos, so consecutive pairs (and so every n) see different photos
    return [i for k in range(max(holds)) for i, h in enumerate(holds) if k < h]


def sharp_crop(img: np.ndarray, size: int, margin: int, rng: np.random.Generator) -> torch.Tensor:
    """A size² crop (random scale ≤ 1 and position) plus `margin` px around it for the warped
    frames: taken from the photo where it extends that far, reflected where it does not."""
    h, w = img.shape[:2]
    scale = rng.uniform(max(MIN_SCALE, size / min(h, w)), 1.0)
    photo = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1)[None].float() / 255
    if scale < 1.0:
        hs, ws = max(size, round(h * scale)), max(size, round(w * scale))
        photo = F.interpolate(photo, size=(hs, ws), mode="bilinear", align_corners=False, antialias=True)
    hs, ws = photo.shape[-2:]
    y, x = int(rng.integers(0, hs - size + 1)), int(rng.integers(0, ws - size + 1))
    y0, x0 = max(0, y - margin), max(0, x - margin)
    y1, x1 = min(hs, y + size + margin), min(ws, x + size + margin)
    patch = photo[..., y0:y1, x0:x1]
    pad = (x0 - (x - margin), (x + size + margin) - x1, y0 - (y - margin), (y + size + margin) - y1)
    if any(pad):
        patch = F.pad(patch, pad, mode="reflect")
    return patch.clamp(0, 1)


def to_png(t: torch.Tensor, path: Path) -> str:
    arr = (t.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    Image.fromarray(np.ascontiguousarray(arr), "RGB").save(path, format="PNG", optimize=False, compress_level=6)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def region_kernels(kernel_map: torch.Tensor, grid: int) -> bytes:
    """Ground-truth kernels averaged over grid×grid regions → float32 LE [grid, grid, m²] bytes
    (the same regions DeblurEngine's analysis uses for a square photo)."""
    pooled = F.adaptive_avg_pool2d(kernel_map[None], (grid, grid))[0]
    pooled = pooled / pooled.sum(0, keepdim=True).clamp_min(1e-12)
    return pooled.permute(1, 2, 0).contiguous().numpy().astype("<f4").tobytes()


def make_pairs(cache: Path, out: Path, seed: int, count: int) -> list[dict[str, object]]:
    if count < 1:
        raise ValueError(f"--count must be at least 1, got {count}")
    cfg = DataConfig(cache=str(cache))
    pool = PhotoPool(cache, "val", min_side=SIZE)
    slots = crop_slots(pool, SIZE)
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    out.mkdir(parents=True, exist_ok=True)
    pairs: list[dict[str, object]] = []
    for i in range(count):
        entry_index = slots[i % len(slots)]
        entry = pool.entries[entry_index]
        big = sharp_crop(pool.images[entry_index], SIZE, cfg.margin, rng)
        n = torch.tensor([FRAME_COUNTS[i % len(FRAME_COUNTS)]])
        batch = synthesize(big, cfg, gen, n=n, degrade=False)
        stem = f"{i:03d}_n{int(n):02d}"
        pairs.append({
            "id": stem, "photo": entry["id"], "package": entry["package"], "license": entry["license"],
            "n": int(n), "t": int(batch["t"][0]),
            "blurry": f"{stem}_blurry.png", "blurrySha256": to_png(batch["blurry"][0], out / f"{stem}_blurry.png"),
            "sharp": f"{stem}_sharp.png", "sharpSha256": to_png(batch["sharp"][0], out / f"{stem}_sharp.png"),
            "kernels": f"{stem}_kernels.bin",
        })
        (out / f"{stem}_kernels.bin").write_bytes(region_kernels(batch["kernel"][0], KERNEL_GRID))
    manifest = {"seed": seed, "count": count, "size": SIZE, "split": "val", "frameCounts": list(FRAME_COUNTS),
                "kernelGrid": KERNEL_GRID, "kernelSize": cfg.shake.kernel_size, "kernelPixelScale": cfg.shake.pixel_scale,
                "pairs": pairs}
    tmp = out / "pairs.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1) + "\n")
    tmp.replace(out / "pairs.json")  # written last: a pairs.json means the set is complete
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--count", type=int, default=42)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--cache", type=Path, default=Path(DataConfig().cache))
    args = ap.parse_args()
    out = args.out or Path(__file__).resolve().parent / ".pairs" / f"seed-{args.seed}"
    torch.set_num_threads(1)  # determinism does not depend on it, but the machine is shared
    try:
        pairs = make_pairs(args.cache, out, args.seed, args.count)
    except (FileNotFoundError, ValueError) as e:
        print(f"make_pairs: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"{len(pairs)} pairs ({SIZE}×{SIZE}, val split, seed {args.seed}) in {out}")


if __name__ == "__main__":
    main()
