"""FideDiff-Tiny: every part the seed and DESIGN.md name, at a size that trains on a CPU.

Pipeline on an already ×2-upsampled image (seed §A): VAE encode (d = 8) → kernel map (M) →
t̂ (T) → Kernel ControlNet + one-step UNet at t̂ → VAE decode.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn as nn

from training.archs.kernel_estimator import KernelEstimator, KernelEstimatorConfig
from training.archs.restorer import Restorer, RestorerConfig
from training.archs.time_predictor import TimePredictor, TimePredictorConfig
from training.archs.vae import Vae, VaeConfig

T_VALUES = (80, 120, 160, 200, 240, 280)
T_NORMALIZED = (0.15, 0.29, 0.43, 0.57, 0.71, 0.85)


def timestep_from_normalized(p: torch.Tensor) -> torch.Tensor:
    """Seed §A: scale T's output back to a timestep (the manifest's line through the pairs)."""
    return T_VALUES[0] + (p - T_NORMALIZED[0]) * (T_VALUES[-1] - T_VALUES[0]) / (T_NORMALIZED[-1] - T_NORMALIZED[0])


@dataclass
class ModelConfig:
    vae: VaeConfig = field(default_factory=VaeConfig)
    kernel: KernelEstimatorConfig = field(default_factory=KernelEstimatorConfig)
    time: TimePredictorConfig = field(default_factory=TimePredictorConfig)
    restorer: RestorerConfig = field(default_factory=RestorerConfig)


class FideDiffTiny(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.vae = Vae(cfg.vae)
        self.kernel_estimator = KernelEstimator(cfg.kernel)
        self.time_predictor = TimePredictor(cfg.time)
        self.restorer = Restorer(cfg.restorer)

    def forward(self, image: torch.Tensor, timestep: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """image: U(photo) [B,3,H,W]; timestep [B] or None for t̂. Returns every stage's output."""
        mean, _, skip = self.vae.encoder(image)
        kernel_map = self.kernel_estimator(image)
        t_norm = self.time_predictor(kernel_map)
        t_hat = timestep_from_normalized(t_norm.view(-1))
        t = t_hat.round() if timestep is None else timestep
        latent_restored = self.restorer(mean, kernel_map, t)
        restored = self.vae.decoder(latent_restored, skip)
        return {"latent": mean, "skip": skip if skip is not None else mean, "kernel_map": kernel_map,
                "timestep_norm": t_norm, "t_hat": t_hat, "latent_restored": latent_restored,
                "restored": restored}
