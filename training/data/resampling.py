"""The engine's sample-aligned ×f resampling, reproduced exactly (and differentiably) in torch.

U (upsample): separable; U(x)[f·i + r] is Catmull-Rom (a = −0.5) interpolation of x at
position i + r/f from x[i−1..i+2] with edge clamping, so U(x)[f·i] = x[i] and the output
has f·N samples. D (downsample back): D(y)[i] = y[f·i]. Seed §A: the model runs on U(x).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

A = -0.5


def cubic_weight(d: float) -> float:
    d = abs(d)
    if d <= 1:
        return (A + 2) * d**3 - (A + 3) * d**2 + 1
    if d < 2:
        return A * d**3 - 5 * A * d**2 + 8 * A * d - 4 * A
    return 0.0


def tap_weights(factor: int) -> list[tuple[float, float, float, float]]:
    """Weights of x[i−1], x[i], x[i+1], x[i+2] for each phase r = 0..f−1."""
    return [(cubic_weight(1 + s), cubic_weight(s), cubic_weight(1 - s), cubic_weight(2 - s))
            for s in (r / factor for r in range(factor))]


def _upsample_last_axis(x: torch.Tensor, factor: int) -> torch.Tensor:
    n = x.shape[-1]
    lead = x.shape[:-1]
    padded = F.pad(x.reshape(-1, 1, n), (1, 2), mode="replicate").reshape(*lead, n + 3)
    taps = [padded[..., k:k + n] for k in range(4)]
    phases = [sum(w * t for w, t in zip(ws, taps)) for ws in tap_weights(factor)]
    return torch.stack(phases, dim=-1).reshape(*lead, n * factor)


def upsample(x: torch.Tensor, factor: int = 2) -> torch.Tensor:
    """U: [..., H, W] → [..., f·H, f·W]."""
    if factor == 1:
        return x
    y = _upsample_last_axis(x, factor)
    return _upsample_last_axis(y.transpose(-1, -2), factor).transpose(-1, -2)


def downsample(y: torch.Tensor, factor: int = 2) -> torch.Tensor:
    """D: keeps the samples that sit on the original grid."""
    return y[..., ::factor, ::factor]
