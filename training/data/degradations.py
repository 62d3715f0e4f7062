"""Sensor noise and JPEG on torch tensors (so they run on the GPU with the blur synthesis).

JPEG is the baseline codec's lossy core: RGB → YCbCr, 4:2:0 chroma, 8×8 DCT, quantisation
with the IJG tables scaled by quality, and back. Not bit-exact with libjpeg, but it makes the
same block and ringing artefacts the app's users' photos carry.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

_LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
         14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
         49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
_CHROMA = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
           47, 66, 99, 99, 99, 99, 99, 99] + [99] * 32


def _dct_matrix(device: torch.device) -> torch.Tensor:
    k = torch.arange(8, device=device, dtype=torch.float32)
    m = torch.cos((2 * k[None, :] + 1) * k[:, None] * math.pi / 16) * math.sqrt(2 / 8)
    m[0] /= math.sqrt(2)
    return m


def _quant_table(base: list[int], quality: torch.Tensor) -> torch.Tensor:
    q = quality.clamp(1, 100)
    scale = torch.where(q < 50, 5000 / q, 200 - 2 * q)
    table = torch.tensor(base, dtype=torch.float32, device=q.device).view(1, 8, 8)
    return ((table * scale.view(-1, 1, 1) + 50) / 100).floor().clamp(1, 255)


def _code_plane(plane: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
    """plane [B,H,W] in 0..255, H and W multiples of 8; table [B,8,8]."""
    b, h, w = plane.shape
    m = _dct_matrix(plane.device)
    blocks = (plane - 128).view(b, h // 8, 8, w // 8, 8).permute(0, 1, 3, 2, 4)
    coef = m @ blocks @ m.T
    q = table[:, None, None]
    coef = torch.round(coef / q) * q
    out = (m.T @ coef @ m).permute(0, 1, 3, 2, 4).reshape(b, h, w)
    return out + 128


def jpeg(x: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
    """x [B,3,H,W] sRGB in [0,1], H and W multiples of 16; quality [B] in 1..100."""
    rgb = x.clamp(0, 1) * 255
    r, g, b = rgb.unbind(1)
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    y = _code_plane(y, _quant_table(_LUMA, quality))
    chroma = F.avg_pool2d(torch.stack([cb, cr], 1), 2)
    ct = _quant_table(_CHROMA, quality)
    chroma = torch.stack([_code_plane(chroma[:, i], ct) for i in range(2)], 1)
    cb, cr = F.interpolate(chroma, scale_factor=2, mode="bilinear", align_corners=False).unbind(1)
    r = y + 1.402 * (cr - 128)
    g = y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)
    b = y + 1.772 * (cb - 128)
    return (torch.stack([r, g, b], 1) / 255).clamp(0, 1)


def sensor_noise(x: torch.Tensor, shot: torch.Tensor, read: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
    """Heteroscedastic Gaussian noise, variance shot·x + read² (per sample), in sRGB [0,1]."""
    std = (shot.view(-1, 1, 1, 1) * x.clamp(0, 1) + read.view(-1, 1, 1, 1) ** 2).sqrt()
    noise = torch.randn(x.shape, generator=gen, device=x.device, dtype=x.dtype)
    return (x + std * noise).clamp(0, 1)
