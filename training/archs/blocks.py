"""Small building blocks shared by the FideDiff-Tiny stages (all ONNX-exportable, opset 17)."""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def zero_module(m: nn.Module) -> nn.Module:
    for p in m.parameters():
        nn.init.zeros_(p)
    return m


class ResBlock(nn.Module):
    """conv-SiLU-conv residual block, optionally conditioned on a time embedding (shift)."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int = 0) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.emb = nn.Linear(emb_dim, c_out) if emb_dim else None
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, x: torch.Tensor, emb: torch.Tensor | None = None) -> torch.Tensor:
        h = self.conv1(F.silu(x))
        if self.emb is not None and emb is not None:
            h = h + self.emb(emb)[:, :, None, None]
        return self.skip(x) + self.conv2(F.silu(h))


class Down(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class Up(nn.Module):
    """Nearest ×2 then conv (no checkerboard from transposed convs)."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of t [B] (float timesteps) → [B, dim], as in DDPM/SD."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float().view(-1, 1) * freqs.view(1, -1)
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


def adaptive_avg_pool(x: torch.Tensor, out: int) -> torch.Tensor:
    """nn.AdaptiveAvgPool2d(out) written as two averaging matmuls so it exports with dynamic H, W.

    Bin i covers [floor(i·N/out), ceil((i+1)·N/out)) exactly like PyTorch's adaptive pooling;
    positions come from a cumulative sum so the traced graph keeps N symbolic.
    """
    def matrix(line: torch.Tensor) -> torch.Tensor:
        pos = (torch.cumsum(torch.ones_like(line), 0) - 1).view(1, -1)
        n = pos[:, -1:] + 1
        i = torch.arange(out, device=x.device, dtype=x.dtype).view(-1, 1)
        start = torch.floor(i * n / out)
        end = torch.ceil((i + 1) * n / out)
        mask = ((pos >= start) & (pos < end)).to(x.dtype)
        return mask / mask.sum(1, keepdim=True)

    return matrix(x[0, 0, :, 0]) @ x @ matrix(x[0, 0, 0, :]).transpose(0, 1)
