"""Training/validation batches: random crops of the cached photos, camera shake synthesised
on the training device (seed §D), noise and JPEG on some inputs."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from training.data.blur_synthesis import (FRAME_COUNTS, ShakeConfig, blur, kernel_grid_points, kernel_map,
                                          normalized_of, random_trajectory, seed_d_n_weights, timestep_of)
from training.data.degradations import jpeg, sensor_noise


@dataclass
class DataConfig:
    cache: str = "/work/.cache/fidediff-data"
    margin: int = 24  # original px around each crop so warped frames never leave the photo
    uniform_mix: float = 0.5  # mix of seed §D's n distribution with a uniform one (n = 5 is rare in §D)
    sharp_fraction: float = 0.05  # n = 1 (no blur, t = 0): teaches "do no harm"
    noise_prob: float = 0.4
    jpeg_prob: float = 0.3
    min_scale: float = 0.5  # random downscale of large photos before cropping
    # photos a crop would enlarge by more than this are skipped: a third of the train photos are
    # downscaled GCompris pictures (60–175 px); blown up to the crop they are soft "sharp" targets
    # whose own blur hides the blur level, and evaluate.py never shows such crops
    max_upscale: float = 1.0
    kernel_stride: int = 4  # original px per kernel-map cell (= latent resolution with f = 2, d = 8)
    shake: ShakeConfig = field(default_factory=ShakeConfig)


class PhotoPool:
    """All photos of one split, in memory as uint8 HWC arrays."""

    def __init__(self, cache: Path, split: str, min_side: int = 0) -> None:
        self.cache = cache
        index = cache / "photos" / "index.json"
        if not index.exists():
            raise FileNotFoundError(f"{index}: no photo cache; run python3 -m training.data.fetch_photos")
        entries = [e for e in json.loads(index.read_text()) if e["split"] == split]
        self.entries = [e for e in entries if min(e["width"], e["height"]) >= min_side]
        self.images = [load_photo(cache / e["npy"]) for e in self.entries]
        if not self.images:
            raise ValueError(f"{index}: no '{split}' photos of at least {min_side} px")
        self.short_sides = np.array([min(img.shape[:2]) for img in self.images])

    def __len__(self) -> int:
        return len(self.images)

    def at_least(self, side: float) -> np.ndarray:
        """Indices of the photos whose shorter side is ≥ `side` px."""
        eligible = np.flatnonzero(self.short_sides >= side)
        if eligible.size == 0:
            raise ValueError(f"{self.cache}: no photo has a shorter side of {side:.0f} px or more "
                             "(lower the patch size or raise data.max_upscale)")
        return eligible


def load_photo(path: Path) -> np.ndarray:
    """RGB uint8 HWC from the .npy cache or a packed JPEG (pack_photos.py)."""
    if path.suffix == ".npy":
        return np.load(path)
    from PIL import Image

    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"), dtype=np.uint8)


def n_distribution(cfg: DataConfig) -> torch.Tensor:
    seed = torch.tensor(seed_d_n_weights())
    mixed = (1 - cfg.uniform_mix) * seed + cfg.uniform_mix / len(FRAME_COUNTS)
    return torch.cat([torch.tensor([cfg.sharp_fraction]), mixed * (1 - cfg.sharp_fraction)])


def random_crops(pool: PhotoPool, batch: int, size: int, cfg: DataConfig, rng: np.random.Generator,
                 device: torch.device) -> torch.Tensor:
    big = size + 2 * cfg.margin
    eligible = pool.at_least(big / cfg.max_upscale)
    out = []
    for _ in range(batch):
        img = pool.images[eligible[rng.integers(len(eligible))]]
        h, w = img.shape[:2]
        scale = rng.uniform(max(cfg.min_scale, big / min(h, w)), 1.0) if min(h, w) > big else big / min(h, w)
        src = int(np.ceil(big / scale))
        y, x = rng.integers(0, max(1, h - src + 1)), rng.integers(0, max(1, w - src + 1))
        patch = torch.from_numpy(np.ascontiguousarray(img[y:y + src, x:x + src])).to(device)
        patch = patch.permute(2, 0, 1)[None].float() / 255
        if patch.shape[-1] != big or patch.shape[-2] != big:
            patch = F.interpolate(patch, size=(big, big), mode="bilinear", align_corners=False,
                                  antialias=patch.shape[-1] > big)
        k = int(rng.integers(4))
        patch = torch.rot90(patch, k, (2, 3))
        out.append(patch.flip(3) if rng.random() < 0.5 else patch)
    return torch.cat(out).clamp(0, 1)


def synthesize(sharp_big: torch.Tensor, cfg: DataConfig, gen: torch.Generator, n: torch.Tensor | None = None,
               degrade: bool = True) -> dict[str, torch.Tensor]:
    """Shake a batch of sharp crops (with margin). Returns sRGB [0,1] crops, n, t, t_norm, kernels."""
    dev = sharp_big.device
    b = sharp_big.shape[0]
    size = sharp_big.shape[-1] - 2 * cfg.margin
    if n is None:
        levels = torch.tensor((1,) + FRAME_COUNTS, device=dev)
        n = levels[torch.multinomial(n_distribution(cfg).to(dev), b, replacement=True, generator=gen)]
    traj = random_trajectory(n, size, cfg.shake, gen)
    blurry = blur(sharp_big, traj, cfg.margin)
    sharp = sharp_big[..., cfg.margin:cfg.margin + size, cfg.margin:cfg.margin + size]
    pts = kernel_grid_points(size, cfg.kernel_stride, b, dev)
    kernels = kernel_map(traj, pts, cfg.shake).view(b, -1, size // cfg.kernel_stride, size // cfg.kernel_stride)
    if degrade:
        u = torch.rand(b, 4, generator=gen, device=dev)
        noisy = sensor_noise(blurry, u[:, 1] * 4e-4, u[:, 2] * 0.01, gen)
        blurry = torch.where((u[:, 0] < cfg.noise_prob).view(-1, 1, 1, 1), noisy, blurry)
        if size % 16 == 0:
            coded = jpeg(blurry, 60 + 35 * u[:, 3])
            pick = torch.rand(b, generator=gen, device=dev) < cfg.jpeg_prob
            blurry = torch.where(pick.view(-1, 1, 1, 1), coded, blurry)
    t = timestep_of(n).float()
    return {"blurry": blurry, "sharp": sharp, "n": n, "t": t,
            "t_norm": normalized_of(t).clamp(0, 1), "kernel": kernels}


def fixed_val_batch(pool: PhotoPool, count: int, size: int, cfg: DataConfig, device: torch.device,
                    seed: int = 1234, degrade: bool = False) -> dict[str, torch.Tensor]:
    """Deterministic val crops: the centre of the first `count` val photos (reused cyclically),
    n cycling through the six levels so each is equally represented."""
    big = size + 2 * cfg.margin
    crops = []
    for i in range(count):
        img = pool.images[i % len(pool)]
        h, w = img.shape[:2]
        s = min(h, w)
        y, x = (h - s) // 2, (w - s) // 2
        patch = torch.from_numpy(np.ascontiguousarray(img[y:y + s, x:x + s])).permute(2, 0, 1)[None].float() / 255
        if s >= 2 * big:  # a centred region at the photo's own scale, not the whole photo shrunk
            o = (s - big) // 2
            patch = patch[..., o:o + big, o:o + big]
        else:
            patch = F.interpolate(patch, size=(big, big), mode="bilinear", align_corners=False, antialias=s > big)
        crops.append(patch)
    sharp_big = torch.cat(crops).clamp(0, 1).to(device)
    levels = torch.tensor(FRAME_COUNTS, device=device)
    n = levels[torch.arange(count, device=device) % len(FRAME_COUNTS)]
    gen = torch.Generator(device=device).manual_seed(seed)
    return synthesize(sharp_big, cfg, gen, n=n, degrade=degrade)
