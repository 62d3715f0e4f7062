"""Time prediction module T (seed §A, §C): k → linear → AdaptiveAvgPool2d(8×8) → flatten →
linear → ReLU → linear → sigmoid. The first "linear" acts per pixel on the m² kernel taps
(a 1×1 convolution). The taps are scaled by m² first (a uniform kernel reads 1, not 1/361);
a probe trained T on true kernels to a similar error at scales 1, 19 and 361 (runs.md), so
this is conditioning only."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from training.archs.blocks import adaptive_avg_pool


@dataclass
class TimePredictorConfig:
    kernel_size: int = 19
    channels: int = 16
    hidden: int = 128
    pool: int = 8


class TimePredictor(nn.Module):
    def __init__(self, cfg: TimePredictorConfig) -> None:
        super().__init__()
        self.pool = cfg.pool
        self.tap_scale = float(cfg.kernel_size**2)
        self.per_pixel = nn.Conv2d(cfg.kernel_size**2, cfg.channels, 1)
        self.fc1 = nn.Linear(cfg.channels * cfg.pool**2, cfg.hidden)
        self.fc2 = nn.Linear(cfg.hidden, 1)

    def forward(self, kernel_map: torch.Tensor) -> torch.Tensor:
        """kernel_map [B, m², h, w] → timestep_norm [B, 1] in [0, 1]."""
        x = adaptive_avg_pool(self.per_pixel(kernel_map * self.tap_scale), self.pool).flatten(1)
        return torch.sigmoid(self.fc2(torch.relu(self.fc1(x))))
