"""VAE with downsampling factor 8, run on ×2-upsampled input (effective d = 4; seed §A).

The first layer is a 2×2 pixel-unshuffle: on a ×2-upsampled image it is a lossless view of the
original grid, so no compute is spent at the doubled resolution. A skip path carries encoder
features at 1/4 of the input (half the original resolution) to the decoder (DESIGN.md
"Measured so far": a plain small VAE sat at 26 dB).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from training.archs.blocks import Down, ResBlock, Up


@dataclass
class VaeConfig:
    channels: tuple[int, int, int] = (32, 64, 96)  # at 1/2, 1/4, 1/8 of the input
    latent_channels: int = 16
    skip_channels: int = 32  # 0 = plain VAE


class Encoder(nn.Module):
    def __init__(self, cfg: VaeConfig) -> None:
        super().__init__()
        c1, c2, c3 = cfg.channels
        self.unshuffle = nn.PixelUnshuffle(2)
        self.stem = nn.Conv2d(12, c1, 3, padding=1)
        self.res1 = ResBlock(c1, c1)
        self.down2, self.res2 = Down(c1, c2), ResBlock(c2, c2)
        self.down3, self.res3 = Down(c2, c3), ResBlock(c3, c3)
        self.res3b = ResBlock(c3, c3)
        self.to_moments = nn.Conv2d(c3, 2 * cfg.latent_channels, 3, padding=1)
        self.to_skip = nn.Conv2d(c2, cfg.skip_channels, 3, padding=1) if cfg.skip_channels else None

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """image [B,3,H,W] → latent mean, log-variance [B,C,H/8,W/8], skip [B,S,H/4,W/4]."""
        x = self.res1(self.stem(self.unshuffle(image * 2 - 1)))
        x2 = self.res2(self.down2(x))
        x3 = self.res3b(self.res3(self.down3(x2)))
        mean, logvar = self.to_moments(x3).chunk(2, dim=1)
        skip = self.to_skip(x2) if self.to_skip is not None else None
        return mean, logvar.clamp(-20, 10), skip


class Decoder(nn.Module):
    def __init__(self, cfg: VaeConfig) -> None:
        super().__init__()
        c1, c2, c3 = cfg.channels
        self.stem = nn.Conv2d(cfg.latent_channels, c3, 3, padding=1)
        self.res3, self.res3b = ResBlock(c3, c3), ResBlock(c3, c3)
        self.up2 = Up(c3, c2)
        self.fuse = nn.Conv2d(c2 + cfg.skip_channels, c2, 1) if cfg.skip_channels else nn.Identity()
        self.res2 = ResBlock(c2, c2)
        self.up1, self.res1 = Up(c2, c1), ResBlock(c1, c1)
        self.out = nn.Conv2d(c1, 12, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, latent: torch.Tensor, skip: torch.Tensor | None) -> torch.Tensor:
        x = self.res3b(self.res3(self.stem(latent)))
        x = self.up2(x)
        if skip is not None:
            x = self.fuse(torch.cat([x, skip], dim=1))
        x = self.res1(self.up1(self.res2(x)))
        return (self.shuffle(self.out(x)) + 1) / 2


class Vae(nn.Module):
    def __init__(self, cfg: VaeConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)

    def forward(self, image: torch.Tensor, sample: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """Reconstruction (unclamped, for the loss) and the KL term."""
        mean, logvar, skip = self.encoder(image)
        z = mean + torch.randn_like(mean) * (0.5 * logvar).exp() if sample else mean
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).mean()
        return self.decoder(z, skip), kl
