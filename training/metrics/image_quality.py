"""PSNR and SSIM on [0,1] RGB tensors (SSIM: Gaussian window σ = 1.5, 11 taps, per channel)."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def psnr(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-image PSNR in dB, [B]."""
    mse = (x.clamp(0, 1) - y.clamp(0, 1)).pow(2).flatten(1).mean(1)
    return 10 * torch.log10(1 / mse.clamp_min(1e-10))


def _gauss(device: torch.device, size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    g = torch.exp(-((torch.arange(size, device=device) - size // 2) ** 2) / (2 * sigma**2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]


def ssim_map(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    c = x.shape[1]
    win = _gauss(x.device).expand(c, 1, -1, -1)

    def blur(v: torch.Tensor) -> torch.Tensor:
        return F.conv2d(v, win, groups=c)

    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx**2, blur(y * y) - my**2, blur(x * y) - mx * my
    c1, c2 = 0.01**2, 0.03**2
    return ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx**2 + my**2 + c1) * (sxx + syy + c2))


def ssim(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-image SSIM, [B]."""
    return ssim_map(x.clamp(0, 1), y.clamp(0, 1)).flatten(1).mean(1)
