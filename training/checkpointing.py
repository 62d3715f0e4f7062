"""Checkpoints: one weights-only file in git (training/checkpoints/fidediff-tiny.pt, replaced
in place, never accumulated) that every session resumes from, with the steps done per stage.
Optimizer moments are not kept (they would double the file); Adam re-warms in a few steps."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch


def atomic_save(obj: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def save_weights(path: Path, model: torch.nn.Module, progress: dict[str, int], experiment: str,
                 history: list[dict[str, Any]]) -> None:
    atomic_save({"model": model.state_dict(), "progress": progress, "experiment": experiment,
                 "history": history[-200:]}, path)


def read_checkpoint(path: Path) -> dict[str, Any]:
    blob = torch.load(path, map_location="cpu")
    if not isinstance(blob, dict) or "model" not in blob:
        raise ValueError(f"{path}: not a FideDiff-Tiny checkpoint (no 'model' entry)")
    return blob


def load_weights(path: Path, model: torch.nn.Module) -> tuple[dict[str, int], list[dict[str, Any]]]:
    if not path.exists():
        return {}, []
    blob = read_checkpoint(path)
    missing, unexpected = model.load_state_dict(blob["model"], strict=False)
    if unexpected or missing:
        raise ValueError(f"{path}: weights do not fit the configured model "
                         f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
    return dict(blob.get("progress", {})), list(blob.get("history", []))


def init_from(path: Path, model: torch.nn.Module, modules: list[str], stages: list[str]) -> dict[str, int]:
    """Copy the parameters under `modules` (name prefixes) from another checkpoint; the rest of
    the model keeps its fresh initialisation. Returns the steps of `stages` in that checkpoint."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no checkpoint to initialise from")
    blob = read_checkpoint(path)
    own = model.state_dict()
    taken = {k: v for k, v in blob["model"].items() if any(k.startswith(m) for m in modules)}
    if not taken or any(k not in own or own[k].shape != v.shape for k, v in taken.items()):
        raise ValueError(f"{path}: no weights under {modules} that fit the configured model")
    model.load_state_dict(taken, strict=False)
    return {s: int(blob.get("progress", {}).get(s, 0)) for s in stages}
