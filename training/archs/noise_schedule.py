"""Stable Diffusion's scaled-linear noise schedule (β from 0.00085 to 0.012 over 1000 steps)."""
from __future__ import annotations

import torch
import torch.nn as nn

BETA_START, BETA_END, TRAIN_STEPS = 0.00085, 0.012, 1000


def alphas_cumprod() -> torch.Tensor:
    betas = torch.linspace(BETA_START**0.5, BETA_END**0.5, TRAIN_STEPS, dtype=torch.float64) ** 2
    return torch.cumprod(1 - betas, 0).float()


class ScaledLinearSchedule(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("table", alphas_cumprod(), persistent=False)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        """ᾱ at float timesteps t [B] (linear between integer steps, clamped to 0..999)."""
        tc = t.float().clamp(0, TRAIN_STEPS - 1)
        i0 = tc.floor()
        i1 = (i0 + 1).clamp(max=TRAIN_STEPS - 1)
        w = tc - i0
        return self.table[i0.long()] * (1 - w) + self.table[i1.long()] * w
