"""Tiny generated inputs shared by the tests (no dataset needed)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from training.archs.fidediff_tiny import ModelConfig
from training.archs.kernel_estimator import KernelEstimatorConfig
from training.archs.restorer import RestorerConfig
from training.archs.time_predictor import TimePredictorConfig
from training.archs.vae import VaeConfig
from training.data.blur_synthesis import Trajectory


def textured_image(size: int, seed: int = 0) -> torch.Tensor:
    """A photo-like test card: smooth shading, hard edges and fine stripes, [1,3,size,size]."""
    g = torch.Generator().manual_seed(seed)
    y, x = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    base = 0.3 + 0.4 * x * y
    stripes = 0.2 * torch.sin(40 * x + 25 * y)
    discs = ((x - 0.4) ** 2 + (y - 0.6) ** 2 < 0.05).float() * 0.3
    noise = torch.nn.functional.avg_pool2d(torch.rand(1, 3, size, size, generator=g), 3, 1, 1) * 0.2
    return (base + stripes + discs + noise).clamp(0, 1).expand(1, 3, size, size).contiguous()


def straight_trajectory(n: int, step_xy: tuple[float, float]) -> Trajectory:
    """Constant-velocity translation, no rotation or zoom, centred on the middle frame."""
    tau = torch.arange(15, dtype=torch.float32) - (n - 1) / 2
    shift = torch.stack([tau * step_xy[0], tau * step_xy[1]], -1)[None]
    weight = (torch.arange(15) < n).float()[None] / n
    return Trajectory(shift=shift, angle=torch.zeros(1, 15), zoom=torch.ones(1, 15),
                      centre=torch.zeros(1, 2), weight=weight, n=torch.tensor([n]))


def small_model_config() -> ModelConfig:
    return ModelConfig(vae=VaeConfig(channels=(8, 12, 16), latent_channels=4, skip_channels=8),
                       kernel=KernelEstimatorConfig(channels=(8, 12, 16)),
                       time=TimePredictorConfig(channels=4, hidden=16),
                       restorer=RestorerConfig(latent_channels=4, channels=(16, 16, 24), emb_dim=32, filter_groups=4,
                                               extra_mid_blocks=1, extra_dec_blocks=1))


def write_photo_cache(root: Path, count: int = 4, size: int = 160) -> Path:
    """A photo cache laid out like fetch_photos writes it, filled with generated images."""
    entries = []
    for i in range(count):
        split = "val" if i % 2 else "train"
        img = (textured_image(size, seed=i)[0].permute(1, 2, 0).numpy() * 255).astype(np.uint8)
        rel = f"photos/{split}/gen{i}.npy"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        np.save(root / rel, img)
        entries.append({"id": f"gen{i}", "package": "generated", "path": f"gen{i}", "license": "CC0-1.0",
                        "split": split, "width": size, "height": size, "npy": rel})
    (root / "photos" / "index.json").write_text(json.dumps(entries))
    return root
