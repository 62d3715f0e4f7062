"""Parameters and multiply-accumulates per stage (counted with forward hooks on the layers
that carry the compute: convolutions and linear layers). GFLOPs = 2 × GMACs."""
from __future__ import annotations

import torch
import torch.nn as nn


def count_macs(module: nn.Module, *inputs: torch.Tensor) -> int:
    total = 0

    def hook(layer: nn.Module, args: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        nonlocal total
        if isinstance(layer, nn.Conv2d):
            k = layer.kernel_size[0] * layer.kernel_size[1] * layer.in_channels // layer.groups
            total += out.numel() * k
        elif isinstance(layer, nn.ConvTranspose2d):
            total += args[0].numel() * layer.out_channels * layer.kernel_size[0] * layer.kernel_size[1]
        elif isinstance(layer, nn.Linear):
            total += out.numel() * layer.in_features

    handles = [m.register_forward_hook(hook) for m in module.modules()
               if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    try:
        with torch.no_grad():
            module(*inputs)
    finally:
        for h in handles:
            h.remove()
    return total


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
