"""The MODEL_CARD measurements on the val split (evaluate.py prints them)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from training.archs.fidediff_tiny import FideDiffTiny, timestep_from_normalized
from training.data.batches import DataConfig, PhotoPool, synthesize
from training.data.blur_synthesis import FRAME_COUNTS, linear_to_srgb, srgb_to_linear
from training.data.resampling import downsample, upsample
from training.losses.restoration import apply_kernels, kernel_l1, kernel_moments
from training.metrics.image_quality import psnr, ssim


LATENT_CEILING = "ceiling: sharp latent, blurry skip"


@dataclass
class ValSample:
    photo: str
    sharp: torch.Tensor  # [1,3,S,S]
    blurry: torch.Tensor
    kernel: torch.Tensor
    n: int
    t: float


def val_samples(pool: PhotoPool, cfg: DataConfig, max_size: int = 512, min_size: int = 64,
                seed: int = 2026) -> list[ValSample]:
    """One crop per val photo at the photo's own scale: the centred S×S crop with S the largest
    multiple of 32 ≤ 512 that leaves the blur margin; n cycles through the six levels."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for i, (entry, img) in enumerate(zip(pool.entries, pool.images)):
        h, w = img.shape[:2]
        size = min(max_size, (min(h, w) - 2 * cfg.margin) // 32 * 32)
        if size < min_size:
            continue
        big = size + 2 * cfg.margin
        y, x = (h - big) // 2, (w - big) // 2
        crop = torch.from_numpy(np.ascontiguousarray(img[y:y + big, x:x + big])).permute(2, 0, 1)[None].float() / 255
        n = FRAME_COUNTS[len(out) % len(FRAME_COUNTS)]
        b = synthesize(crop, cfg, gen, n=torch.tensor([n]), degrade=False)
        out.append(ValSample(entry["id"], b["sharp"], b["blurry"], b["kernel"], n, float(b["t"][0])))
    return out


def _mean(xs: list[float]) -> float:
    return float(np.mean(xs)) if xs else float("nan")


def kernel_radius(kernel_map: torch.Tensor) -> float:
    """Mean RMS radius of the kernels in taps (√(Σk·x² + Σk·y²)): the blur extent M must read."""
    return kernel_moments(kernel_map)[:, :2].sum(1).sqrt().mean().item()


@torch.no_grad()
def restoration_table(model: FideDiffTiny, samples: list[ValSample], fixed_ts: tuple[float, ...],
                      control: bool = True, ceiling: bool = False) -> dict:
    """PSNR/SSIM of the blurry input and of the model at t̂, the true t, and fixed t; per n too.
    control=False measures the base model (seed stage 1: the one-step UNet without ControlNet).
    ceiling=True adds what a perfect latent restorer would give: the sharp photo's latent decoded
    with the blurry photo's skip features (the decoder's share of the limit, not the restorer's)."""
    model.restorer.use_control = control
    rows: dict[str, dict[int, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    t_err: dict[int, list[float]] = defaultdict(list)
    t_hats: dict[int, list[float]] = defaultdict(list)
    radius: dict[str, dict[int, list[float]]] = {"estimated": defaultdict(list), "true": defaultdict(list)}
    kern: dict[str, list[float]] = defaultdict(list)
    for s in samples:
        up = upsample(s.blurry)
        res = model(up)
        t_hat = float(res["t_hat"].round()[0])
        t_err[s.n].append(abs(t_hat - s.t))
        t_hats[s.n].append(t_hat)
        rows["blurry input"][s.n].append((psnr(s.blurry, s.sharp).item(), ssim(s.blurry, s.sharp).item()))
        variants = {"model at t̂": res["restored"]}
        variants["model at true t"] = model(up, torch.tensor([s.t]))["restored"]
        for t in fixed_ts:
            variants[f"model at t = {t:g}"] = model(up, torch.tensor([t]))["restored"]
        if ceiling:
            sharp_latent, _, _ = model.vae.encoder(upsample(s.sharp))
            _, _, blurry_skip = model.vae.encoder(up)
            variants[LATENT_CEILING] = model.vae.decoder(sharp_latent, blurry_skip)
        for name, img in variants.items():
            r = downsample(img)
            rows[name][s.n].append((psnr(r, s.sharp).item(), ssim(r, s.sharp).item()))
        k = res["kernel_map"]
        kern["kernel L1 (estimated)"].append(kernel_l1(k, s.kernel).item())
        target = F.avg_pool2d(srgb_to_linear(s.blurry), 2)
        for name, kk in (("estimated", k), ("true", s.kernel)):
            radius[name][s.n].append(kernel_radius(kk))
            reblur = linear_to_srgb(apply_kernels(s.sharp, kk, 2))
            kern[f"reblur PSNR ({name} kernels)"].append(psnr(reblur, linear_to_srgb(target)).item())
        kern["reblur PSNR (no blur: sharp vs blurry)"].append(
            psnr(linear_to_srgb(F.avg_pool2d(srgb_to_linear(s.sharp), 2)), linear_to_srgb(target)).item())
    table = {name: {n: (_mean([a for a, _ in v]), _mean([b for _, b in v])) for n, v in per_n.items()}
             for name, per_n in rows.items()}
    overall = {name: (_mean([a for v in per_n.values() for a, _ in v]), _mean([b for v in per_n.values() for _, b in v]))
               for name, per_n in rows.items()}
    return {"per_n": table, "overall": overall, "t_mae": {n: _mean(v) for n, v in t_err.items()},
            "t_mae_all": _mean([e for v in t_err.values() for e in v]), "t_hat_mean": {n: _mean(v) for n, v in t_hats.items()},
            "kernel_radius": {name: {n: _mean(v) for n, v in per_n.items()} for name, per_n in radius.items()},
            "kernels": {k: _mean(v) for k, v in kern.items()},
            "count": {n: len(v) for n, v in t_err.items()}}


@torch.no_grad()
def vae_table(model: FideDiffTiny, samples: list[ValSample], factors: tuple[int, ...] = (1, 2, 3)) -> dict:
    """Seed Table 1 for our VAE: reconstruction PSNR of blurry and sharp crops at ×1, ×2, ×3."""
    out: dict[str, dict[int, float]] = {"blurry (low quality)": {}, "sharp (high quality)": {}}
    for f in factors:
        for name, attr in (("blurry (low quality)", "blurry"), ("sharp (high quality)", "sharp")):
            vals = []
            for s in samples:
                img = getattr(s, attr)
                recon, _ = model.vae(upsample(img, f))
                vals.append(psnr(downsample(recon, f), img).item())
            out[name][f] = _mean(vals)
    return out


@torch.no_grad()
def do_no_harm(model: FideDiffTiny, samples: list[ValSample]) -> dict[str, float]:
    """An already-sharp photo in, at t̂: PSNR against itself, and the t̂ it gets."""
    ps, ts = [], []
    for s in samples:
        res = model(upsample(s.sharp))
        ps.append(psnr(downsample(res["restored"]), s.sharp).item())
        ts.append(float(timestep_from_normalized(res["timestep_norm"].view(-1))[0]))
    return {"psnr": _mean(ps), "min_psnr": float(np.min(ps)), "mean_t_hat": _mean(ts)}
