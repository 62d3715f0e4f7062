"""Camera-shake synthesis on torch tensors (seed §D, adapted to still photos; DESIGN.md "Data").

A smooth random trajectory (translation along a gently curving path at a speed kept in a band,
plus small rotation and zoom about a random centre) gives every sub-frame j an affine map
A_j(p) relative to the middle frame. The blurry image is the mean of the n warped frames in
linear light; the middle frame (A = identity) is the sharp target; t = (n − 1) × 20. Because
the per-frame speed stays in a band, the blur length grows with n, so t is identifiable from
the image. The ground-truth kernel at p is the histogram of the offsets A_j(p) − p, rasterised
bilinearly into m × m taps of `pixel_scale` original pixels each, so that
    blurry(p) ≈ Σ_{ky,kx} k_p[ky, kx] · sharp(p + pixel_scale · (ky − c, kx − c)),  c = m // 2.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

FRAME_COUNTS = (5, 7, 9, 11, 13, 15)


def timestep_of(n: torch.Tensor) -> torch.Tensor:
    """Seed §A: g(n) = (n − 1) × 20."""
    return (n - 1) * 20


def normalized_of(t: torch.Tensor) -> torch.Tensor:
    """Seed §A: t ∈ {80..280} ↦ {0.15..0.85}, linearly (0.14 per 40 steps)."""
    return 0.15 + (t - 80) * (0.7 / 200)


def seed_d_n_weights() -> list[float]:
    """Seed §D's frame-count distribution, from an equal mix of 7-, 11- and 13-frame sources.

    7 → {7, 9, 11}; 13 → {13, 15, 11}; 11 → {11, 13, 9|15 (0.3/0.7), 9|7|5 (0.1/0.45/0.45)}.
    Per source triple: n=5: 0.45, 7: 1.45, 9: 1.4, 11: 3, 13: 2, 15: 1.7 (of 10).
    """
    counts = {5: 0.45, 7: 1.45, 9: 1.4, 11: 3.0, 13: 2.0, 15: 1.7}
    return [counts[n] / 10.0 for n in FRAME_COUNTS]


def srgb_to_linear(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(0, 1)
    return torch.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(0, 1)
    return torch.where(x <= 0.0031308, x * 12.92, 1.055 * x.clamp_min(1e-8) ** (1 / 2.4) - 0.055)


@dataclass
class Trajectory:
    """Per sample b and frame j (frames beyond n_b are padding with weight 0)."""
    shift: torch.Tensor  # [B, J, 2] translation (x, y) in original px
    angle: torch.Tensor  # [B, J] rotation in radians
    zoom: torch.Tensor  # [B, J] scale factor
    centre: torch.Tensor  # [B, 2] rotation/zoom centre (x, y) in crop px
    weight: torch.Tensor  # [B, J] 1/n for the n real frames, else 0
    n: torch.Tensor  # [B] frame count


@dataclass
class ShakeConfig:
    speed: tuple[float, float] = (1.7, 2.1)  # px per frame along the path: a narrow band keeps n identifiable
    turn: float = 0.06  # max heading change per frame (radians): gently curved paths
    rotation: float = 6e-4  # max rotation per frame (radians)
    zoom: float = 6e-4  # max relative zoom per frame
    kernel_size: int = 19
    pixel_scale: float = 2.0


def random_trajectory(n: torch.Tensor, size: int, cfg: ShakeConfig, gen: torch.Generator | None) -> Trajectory:
    dev = n.device
    b, jmax = n.shape[0], int(max(FRAME_COUNTS))

    def u(*shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=gen, device=dev)

    tau = torch.arange(jmax, device=dev, dtype=torch.float32)[None] - (n[:, None].float() - 1) / 2  # frame − middle
    speed = cfg.speed[0] + (cfg.speed[1] - cfg.speed[0]) * u(b, 1)
    heading0 = u(b, 1) * 6.2832
    curv = (u(b, 1) * 2 - 1) * cfg.turn
    # heading at mid-step between frames; integrate outward from the middle frame
    mid = tau + 0.5
    heading = heading0 + curv * mid
    step = torch.stack([heading.cos(), heading.sin()], -1) * speed[..., None]  # [B,J,2] step j→j+1
    forward = torch.cumsum(step * (mid > 0)[..., None], 1)  # sums steps between middle and j (j > middle)
    fwd_at = torch.cat([torch.zeros_like(forward[:, :1]), forward[:, :-1]], 1)
    backward = torch.flip(torch.cumsum(torch.flip(step * (mid < 0)[..., None], [1]), 1), [1])
    shift = torch.where((tau > 0)[..., None], fwd_at, -backward)
    angle = (u(b, 1) * 2 - 1) * cfg.rotation * tau
    zoom = 1 + (u(b, 1) * 2 - 1) * cfg.zoom * tau
    centre = (u(b, 2) * 1.5 - 0.25) * size
    real = torch.arange(jmax, device=dev)[None] < n[:, None]
    weight = real.float() / n[:, None].float()
    return Trajectory(shift, angle, zoom, centre, weight, n)


def sample_positions(traj: Trajectory, points: torch.Tensor) -> torch.Tensor:
    """A_j(p) for points [B,P,2] (x, y) → [B,J,P,2]."""
    rel = points[:, None] - traj.centre[:, None, None]
    cos, sin = traj.angle.cos()[..., None], traj.angle.sin()[..., None]
    rx = cos * rel[..., 0] - sin * rel[..., 1]
    ry = sin * rel[..., 0] + cos * rel[..., 1]
    rot = torch.stack([rx, ry], -1) * traj.zoom[..., None, None]
    return rot + traj.centre[:, None, None] + traj.shift[:, :, None]


def blur(sharp_big: torch.Tensor, traj: Trajectory, margin: int) -> torch.Tensor:
    """Average the warped frames in linear light; crop coordinates exclude the margin."""
    b, _, hb, wb = sharp_big.shape
    h, w = hb - 2 * margin, wb - 2 * margin
    ys, xs = torch.meshgrid(torch.arange(h, device=sharp_big.device, dtype=torch.float32),
                            torch.arange(w, device=sharp_big.device, dtype=torch.float32), indexing="ij")
    pts = torch.stack([xs, ys], -1).view(1, -1, 2).expand(b, -1, -1)
    pos = sample_positions(traj, pts) + margin  # [B,J,P,2] in big-image px
    grid = torch.stack([pos[..., 0] / (wb - 1), pos[..., 1] / (hb - 1)], -1) * 2 - 1
    lin = srgb_to_linear(sharp_big)
    acc = torch.zeros(b, 3, h * w, device=sharp_big.device)
    for j in range(traj.shift.shape[1]):
        if traj.weight[:, j].max() == 0:
            continue
        frame = F.grid_sample(lin, grid[:, j].view(b, h, w, 2), mode="bilinear", padding_mode="border",
                              align_corners=True)
        acc = acc + frame.view(b, 3, -1) * traj.weight[:, j].view(b, 1, 1)
    return linear_to_srgb(acc.view(b, 3, h, w))


def kernel_map(traj: Trajectory, points: torch.Tensor, cfg: ShakeConfig) -> torch.Tensor:
    """Ground-truth kernels at points [B,P,2] (crop px) → [B, m², P], bilinear rasterisation."""
    m, c = cfg.kernel_size, cfg.kernel_size // 2
    off = (sample_positions(traj, points) - points[:, None]) / cfg.pixel_scale  # [B,J,P,2] taps
    off = off.clamp(-c, c)
    x0, y0 = off[..., 0].floor(), off[..., 1].floor()
    fx, fy = off[..., 0] - x0, off[..., 1] - y0
    b, j, p = off.shape[:3]
    out = torch.zeros(b, m * m, p, device=points.device)
    wj = traj.weight[:, :, None]
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            ky = (y0 + dy + c).clamp(0, m - 1).long()
            kx = (x0 + dx + c).clamp(0, m - 1).long()
            idx = (ky * m + kx).permute(0, 2, 1)  # [B,P,J]
            val = (wy * wx * wj).permute(0, 2, 1)
            out.scatter_add_(1, idx.permute(0, 2, 1), val.permute(0, 2, 1))
    return out / out.sum(1, keepdim=True).clamp_min(1e-8)


def kernel_grid_points(size: int, stride: int, batch: int, device: torch.device) -> torch.Tensor:
    """Centres of the kernel-map cells (stride original px each), as [B,P,2] (x, y)."""
    c = torch.arange(size // stride, device=device, dtype=torch.float32) * stride + (stride - 1) / 2
    ys, xs = torch.meshgrid(c, c, indexing="ij")
    return torch.stack([xs, ys], -1).view(1, -1, 2).expand(batch, -1, -1)
