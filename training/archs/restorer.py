"""One-step UNet conditioned on t, with the Kernel ControlNet (main paper; DESIGN.md).

The blurry latent is x_t at t (seed §A). The UNet predicts ε and the restored latent is the
one-step estimate x̂_0 = (x_t − √(1−ᾱ_t)·ε)/√ᾱ_t under SD's scaled-linear schedule. ε is
written as ε_net + c(t)·x_t with c(t) = (1 − √ᾱ_t)/√(1−ᾱ_t), so a zero ε_net returns x_t
unchanged: training starts from "do no harm".

Kernel ControlNet: z1 = conv_in(x_t); z2 = Conv(z1); W = Conv(Cat(k, z2)); O = W ⊗ z2
(per-pixel 3×3 dynamic filter, one per channel group); z_out = z1 + ZeroConv(O); z_out runs
through a copy of the UNet encoder whose features enter the UNet through zero convolutions.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.archs.blocks import Down, ResBlock, Up, timestep_embedding, zero_module
from training.archs.noise_schedule import ScaledLinearSchedule


@dataclass
class RestorerConfig:
    latent_channels: int = 16
    channels: tuple[int, int, int] = (64, 96, 128)  # at latent resolution, /2, /4
    emb_dim: int = 128
    kernel_size: int = 19
    filter_groups: int = 8
    # Depth beyond the first UNet (one ResBlock per level): ResBlocks added at the bottom (/4)
    # and after each decoder level. New blocks start as the identity (ResBlock zero-inits its
    # last conv), so a trained restorer grows without losing what it has learnt.
    extra_mid_blocks: int = 0
    extra_dec_blocks: int = 0


class UNetEncoder(nn.Module):
    def __init__(self, cfg: RestorerConfig) -> None:
        super().__init__()
        c0, c1, c2 = cfg.channels
        self.conv_in = nn.Conv2d(cfg.latent_channels, c0, 3, padding=1)
        self.res0 = ResBlock(c0, c0, cfg.emb_dim)
        self.down1, self.res1 = Down(c0, c1), ResBlock(c1, c1, cfg.emb_dim)
        self.down2, self.res2 = Down(c1, c2), ResBlock(c2, c2, cfg.emb_dim)

    def features(self, h: torch.Tensor, emb: torch.Tensor) -> list[torch.Tensor]:
        f0 = self.res0(h, emb)
        f1 = self.res1(self.down1(f0), emb)
        f2 = self.res2(self.down2(f1), emb)
        return [f0, f1, f2]


class KernelFilter(nn.Module):
    """The kernel map enters as a per-pixel filter, not as an added feature."""

    def __init__(self, cfg: RestorerConfig) -> None:
        super().__init__()
        c0 = cfg.channels[0]
        self.groups = cfg.filter_groups
        self.z2 = nn.Conv2d(c0, c0, 3, padding=1)
        self.weights = nn.Sequential(nn.Conv2d(cfg.kernel_size**2 + c0, c0, 1), nn.SiLU(),
                                     nn.Conv2d(c0, 9 * cfg.filter_groups, 3, padding=1))
        self.zero = zero_module(nn.Conv2d(c0, c0, 1))

    def forward(self, z1: torch.Tensor, kernel_map: torch.Tensor) -> torch.Tensor:
        z2 = self.z2(z1)
        w = self.weights(torch.cat([kernel_map, z2], 1))  # [B, 9·G, h, w]
        b, c, h, wd = z2.shape
        pad = F.pad(z2, (1, 1, 1, 1))
        taps = torch.stack([pad[:, :, dy:dy + h, dx:dx + wd] for dy in range(3) for dx in range(3)], 2)
        taps = taps.reshape(b, self.groups, c // self.groups, 9, h, wd)
        o = (taps * w.reshape(b, self.groups, 1, 9, h, wd)).sum(3).reshape(b, c, h, wd)
        return z1 + self.zero(o)


class Restorer(nn.Module):
    def __init__(self, cfg: RestorerConfig) -> None:
        super().__init__()
        c0, c1, c2 = cfg.channels
        self.emb_dim = cfg.emb_dim
        self.time_mlp = nn.Sequential(nn.Linear(cfg.emb_dim, cfg.emb_dim), nn.SiLU(), nn.Linear(cfg.emb_dim, cfg.emb_dim))
        self.schedule = ScaledLinearSchedule()
        self.encoder = UNetEncoder(cfg)
        self.mid = ResBlock(c2, c2, cfg.emb_dim)
        self.mid_extra = nn.ModuleList([ResBlock(c2, c2, cfg.emb_dim) for _ in range(cfg.extra_mid_blocks)])
        self.up2, self.dec1 = Up(c2, c1), ResBlock(2 * c1, c1, cfg.emb_dim)
        self.dec1_extra = nn.ModuleList([ResBlock(c1, c1, cfg.emb_dim) for _ in range(cfg.extra_dec_blocks)])
        self.up1, self.dec0 = Up(c1, c0), ResBlock(2 * c0, c0, cfg.emb_dim)
        self.dec0_extra = nn.ModuleList([ResBlock(c0, c0, cfg.emb_dim) for _ in range(cfg.extra_dec_blocks)])
        self.conv_out = zero_module(nn.Conv2d(c0, cfg.latent_channels, 3, padding=1))
        # Kernel ControlNet: encoder copy (initialised from the UNet's at stage 3) + zero convs
        self.control = UNetEncoder(cfg)
        self.kernel_filter = KernelFilter(cfg)
        self.control_out = nn.ModuleList([zero_module(nn.Conv2d(c, c, 1)) for c in cfg.channels])
        self.use_control = True

    def init_control_from_unet(self) -> None:
        self.control.load_state_dict(self.encoder.state_dict())

    def forward(self, latent: torch.Tensor, kernel_map: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        """latent x_t [B,C,h,w], kernel_map [B,m²,h,w], timestep [B] or [1] → restored latent x̂_0."""
        t = timestep.float().reshape(-1)
        emb = self.time_mlp(timestep_embedding(t, self.emb_dim))
        feats = self.encoder.features(self.encoder.conv_in(latent), emb)
        if self.use_control:
            z = self.kernel_filter(self.control.conv_in(latent), kernel_map)
            feats = [f + zc(g) for f, zc, g in zip(feats, self.control_out, self.control.features(z, emb))]
        f0, f1, f2 = feats
        def through(blocks: nn.ModuleList, h: torch.Tensor) -> torch.Tensor:
            for block in blocks:
                h = block(h, emb)
            return h

        h = through(self.mid_extra, self.mid(f2, emb))
        h = through(self.dec1_extra, self.dec1(torch.cat([self.up2(h), f1], 1), emb))
        h = through(self.dec0_extra, self.dec0(torch.cat([self.up1(h), f0], 1), emb))
        eps_net = self.conv_out(F.silu(h))
        abar = self.schedule(t).view(-1, 1, 1, 1)
        sa, s1 = abar.sqrt(), (1 - abar).sqrt()
        eps = eps_net + (1 - sa) / s1.clamp_min(1e-4) * latent
        return (latent - s1 * eps) / sa
