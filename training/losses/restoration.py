"""Losses of the training stages (seed §A):
- pixel L1 (λ1 = 1) + structural 1 − SSIM (λ2). LPIPS and DISTS weights cannot be obtained
  here (no network access to their VGG/AlexNet weights), so SSIM stands in as the structural term;
- reblur loss L1(k ⊛ I_HQ, I_LQ) (λ3 = 0.1) at the kernel's pixel scale, in linear light;
- direct kernel supervision: L1 to the ground-truth kernel map (synthetic data has it), plus
  L1 between the kernels' second moments. Under L1 alone M predicted one small blob for every
  blur level (a per-tap median over the headings it cannot tell apart); the moments carry the
  blur's extent, which any edge shows whatever its direction (runs.md, sessions 2, 3 and 5);
- time loss: L2 between T's sigmoid output and the mapped target (λ4 = 1).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from training.data.blur_synthesis import srgb_to_linear
from training.metrics.image_quality import ssim_map


def pixel_structural(pred: torch.Tensor, target: torch.Tensor, ssim_weight: float) -> torch.Tensor:
    loss = (pred - target).abs().mean()
    if ssim_weight:
        loss = loss + ssim_weight * (1 - ssim_map(pred, target).mean())
    return loss


def apply_kernels(sharp: torch.Tensor, kernel_map: torch.Tensor, pixel_scale: int) -> torch.Tensor:
    """Per-pixel kernels (correlation form, see blur_synthesis) at 1/pixel_scale of `sharp`'s
    resolution, in linear light; the map is nearest-upsampled to that resolution."""
    lin = F.avg_pool2d(srgb_to_linear(sharp), pixel_scale)
    b, c, h, w = lin.shape
    m2 = kernel_map.shape[1]
    m = int(round(m2**0.5))
    k = F.interpolate(kernel_map, size=(h, w), mode="nearest")
    patches = F.unfold(lin, m, padding=m // 2).view(b, c, m2, h, w)
    return (patches * k[:, None]).sum(2)


def reblur_loss(sharp: torch.Tensor, blurry: torch.Tensor, kernel_map: torch.Tensor, pixel_scale: int) -> torch.Tensor:
    target = F.avg_pool2d(srgb_to_linear(blurry), pixel_scale)
    return (apply_kernels(sharp, kernel_map, pixel_scale) - target).abs().mean()


def kernel_l1(pred: torch.Tensor, truth: torch.Tensor) -> torch.Tensor:
    """Sum over the m² taps, mean over pixels: 0 = identical, 2 = disjoint kernels."""
    return (pred - truth).abs().sum(1).mean()


def kernel_moments(kernel_map: torch.Tensor) -> torch.Tensor:
    """Σk·x², Σk·y², Σk·xy per pixel, in taps from the kernel's centre: [B, m², h, w] → [B, 3, h, w]."""
    m = int(round(kernel_map.shape[1] ** 0.5))
    c = torch.arange(m, device=kernel_map.device, dtype=kernel_map.dtype) - m // 2
    y, x = torch.meshgrid(c, c, indexing="ij")
    x, y = x.reshape(1, -1, 1, 1), y.reshape(1, -1, 1, 1)
    return torch.stack([(kernel_map * x * x).sum(1), (kernel_map * y * y).sum(1), (kernel_map * x * y).sum(1)], 1)


def moment_l1(pred: torch.Tensor, truth: torch.Tensor) -> torch.Tensor:
    return (kernel_moments(pred) - kernel_moments(truth)).abs().mean()


def time_loss(pred_norm: torch.Tensor, target_norm: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(pred_norm.view(-1), target_norm.view(-1))
