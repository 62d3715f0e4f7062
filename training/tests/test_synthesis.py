"""Blur synthesis (seed §D): if these fail, the kernels the app draws and the blur it learns to
remove no longer match the camera shake in the training data."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from training.data.batches import DataConfig, n_distribution, synthesize
from training.data.blur_synthesis import (ShakeConfig, blur, kernel_grid_points, kernel_map, linear_to_srgb,
                                          seed_d_n_weights, srgb_to_linear)
from training.data.degradations import jpeg
from training.data.resampling import downsample, upsample
from training.losses.restoration import apply_kernels
from training.tests.helpers import straight_trajectory, textured_image

CFG = ShakeConfig()


def test_a_straight_horizontal_shake_gives_a_horizontal_line_kernel() -> None:
    traj = straight_trajectory(5, (2.0, 0.0))  # 2 px per frame = 1 kernel tap at pixel scale 2
    k = kernel_map(traj, kernel_grid_points(16, 4, 1, torch.device("cpu")), CFG).view(1, 19, 19, -1)
    expected = torch.zeros(19, 19)
    expected[9, 7:12] = 0.2
    assert torch.allclose(k[0, :, :, 0], expected, atol=1e-6)
    assert torch.allclose(k[0, :, :, -1], expected, atol=1e-6), "a pure translation blurs every pixel alike"


def test_a_diagonal_shake_between_taps_spreads_weight_bilinearly() -> None:
    traj = straight_trajectory(3, (1.0, 1.0))  # half a tap per frame in x and y
    k = kernel_map(traj, kernel_grid_points(8, 4, 1, torch.device("cpu")), CFG).view(19, 19, -1)[..., 0]
    assert abs(k[9, 9].item() - (1 / 3 + 2 * (1 / 3) * 0.25)) < 1e-6
    assert abs(k[10, 10].item() - (1 / 3) * 0.25) < 1e-6 and abs(k[8, 8].item() - (1 / 3) * 0.25) < 1e-6
    assert abs(k.sum().item() - 1) < 1e-6


def test_reblurring_the_sharp_image_with_the_true_kernels_reproduces_the_blur() -> None:
    margin, size = 24, 64
    sharp_big = textured_image(size + 2 * margin)
    traj = straight_trajectory(9, (2.0, -2.0))
    blurry = blur(sharp_big, traj, margin)
    sharp = sharp_big[..., margin:-margin, margin:-margin]
    k = kernel_map(traj, kernel_grid_points(size, 4, 1, torch.device("cpu")), CFG).view(1, 361, 16, 16)
    reblurred = apply_kernels(sharp, k, 2)[..., 10:-10, 10:-10]  # interior: the crop border lacks context
    target = F.avg_pool2d(srgb_to_linear(blurry), 2)[..., 10:-10, 10:-10]
    assert (reblurred - target).abs().max().item() < 1e-4
    identity = F.avg_pool2d(srgb_to_linear(sharp), 2)[..., 10:-10, 10:-10]
    assert (identity - target).abs().mean().item() > 0.01, "the test image must actually blur"


def test_blur_is_averaged_in_linear_light() -> None:
    big = torch.zeros(1, 3, 40, 40)
    big[..., :, 20:] = 1.0  # a black/white edge
    out = blur(big, straight_trajectory(3, (3.0, 0.0)), margin=10)
    # at the edge one of three frames sees white: sRGB of 1/3 linear, not 1/3
    assert abs(out[0, 0, 5, 9].item() - linear_to_srgb(torch.tensor(1 / 3)).item()) < 1e-4


def test_blur_length_grows_with_the_frame_count() -> None:
    """Otherwise t = (n − 1) × 20 could not be told from the image (T's whole job)."""
    cfg = DataConfig()
    big = textured_image(32 + 2 * cfg.margin).expand(48, -1, -1, -1).contiguous()
    gen = torch.Generator().manual_seed(3)
    n = torch.tensor([5, 7, 9, 11, 13, 15]).repeat_interleave(8)
    batch = synthesize(big, cfg, gen, n=n, degrade=False)
    taps = torch.arange(19, dtype=torch.float32) - 9
    radius2 = (taps.view(19, 1, 1) ** 2 + taps.view(1, 19, 1) ** 2)
    k = batch["kernel"].view(48, 19, 19, -1)
    spread = (k * radius2).sum((1, 2)).mean(1).view(6, 8).mean(1)
    assert all(a < b for a, b in zip(spread, spread[1:])), spread
    assert batch["t"].view(6, 8)[:, 0].tolist() == [80, 120, 160, 200, 240, 280]
    assert np.allclose(batch["t_norm"].view(6, 8)[:, 0].numpy(), [0.15, 0.29, 0.43, 0.57, 0.71, 0.85], atol=1e-6)
    assert k[:, [0, -1]].sum().item() + k[:, :, [0, -1]].sum().item() < 1e-3, "n = 15 must fit in 19 taps"


def test_every_blur_level_is_well_represented() -> None:
    w = seed_d_n_weights()
    assert abs(sum(w) - 1) < 1e-9 and w[3] == max(w)  # §D's mix peaks at n = 11
    dist = n_distribution(DataConfig())
    assert abs(dist.sum().item() - 1) < 1e-6 and dist[1:].min().item() > 0.07


def test_jpeg_artefacts_grow_as_quality_drops() -> None:
    img = textured_image(64)
    err = [(jpeg(img, torch.tensor([q], dtype=torch.float32)) - img).abs().mean().item() for q in (95, 60, 15)]
    assert err[0] < err[1] < err[2] and err[0] < 0.02


def test_upsampling_matches_the_engine_formula() -> None:
    x = torch.rand(1, 1, 5, 6)
    y = upsample(x, 2)
    assert y.shape == (1, 1, 10, 12) and torch.equal(downsample(y, 2), x)
    row = x[0, 0, 2].numpy()
    c = np.concatenate([[row[0]], row, [row[-1], row[-1]]])  # clamp: x[−1] = x[0], x[N], x[N+1] = x[N−1]
    mid = -c[0:6] / 16 + 9 * c[1:7] / 16 + 9 * c[2:8] / 16 - c[3:9] / 16  # Catmull-Rom at i + 1/2
    assert np.allclose(y[0, 0, 4, 1::2].numpy(), mid, atol=1e-6)
