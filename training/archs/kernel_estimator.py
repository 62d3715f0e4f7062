"""Kernel estimation module M (seed §C): a conv UNet with two stride-2 encoding blocks, two
deconvolution decoding blocks with skip concatenation and a centre of 5 conv+ReLU layers,
ending in a per-pixel m×m kernel (m = 19), softmax-normalised.

Pixel scale (DESIGN.md): M looks at the image at half the original resolution (a 4×4
pixel-unshuffle of the ×2 input), so one kernel tap = 2 original px and 19 taps span 38 px.
The kernel map comes out at latent resolution (1/8 of the input), where the Kernel ControlNet
uses it.

Activation: leaky ReLU (slope 0.1) where the seed has ReLU. With ReLU, 30–60 % of the channels of
enc2 and the centre were dead (zero on every val crop) after the first kernel stages, leaving M
without the context it needs to tell blur extents apart (runs.md, session 5).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass
class KernelEstimatorConfig:
    channels: tuple[int, int, int] = (32, 48, 64)
    kernel_size: int = 19


class KernelEstimator(nn.Module):
    def __init__(self, cfg: KernelEstimatorConfig) -> None:
        super().__init__()
        c0, c1, c2 = cfg.channels
        self.kernel_size = cfg.kernel_size
        def act() -> nn.Module:
            return nn.LeakyReLU(0.1)

        self.stem = nn.Sequential(nn.PixelUnshuffle(4), nn.Conv2d(48, c0, 3, padding=1), act())
        self.enc1 = nn.Sequential(nn.Conv2d(c0, c1, 3, stride=2, padding=1), act())
        self.enc2 = nn.Sequential(nn.Conv2d(c1, c2, 3, stride=2, padding=1), act())
        self.centre = nn.Sequential(*[m for _ in range(5) for m in (nn.Conv2d(c2, c2, 3, padding=1), act())])
        self.dec2 = nn.Sequential(nn.ConvTranspose2d(c2, c1, 2, stride=2), act())
        self.merge2 = nn.Sequential(nn.Conv2d(2 * c1, c1, 3, padding=1), act())
        self.dec1 = nn.Sequential(nn.ConvTranspose2d(c1, c0, 2, stride=2), act())
        self.merge1 = nn.Sequential(nn.Conv2d(2 * c0, c0, 3, padding=1), act())
        self.head = nn.Conv2d(c0, cfg.kernel_size**2, 3, stride=2, padding=1)

    def logits(self, image: torch.Tensor) -> torch.Tensor:
        s = self.stem(image * 2 - 1)
        e1 = self.enc1(s)
        e2 = self.centre(self.enc2(e1))
        d2 = self.merge2(torch.cat([self.dec2(e2), e1], 1))
        d1 = self.merge1(torch.cat([self.dec1(d2), s], 1))
        return self.head(d1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        """image [B,3,H,W] (×2 input) → kernel_map [B, m², H/8, W/8], each kernel sums to 1."""
        return torch.softmax(self.logits(image), dim=1)
