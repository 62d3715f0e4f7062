"""Export FideDiff-Tiny's stages as separate ONNX graphs (opset 17, dynamic H and W) wired by
tensor name, plus manifest.json (src/shared/model-manifest.ts) with a sha256 per file.

    /usr/bin/python3 -m training.export_onnx [--checkpoint training/checkpoints/fidediff-tiny.pt]
        [--out resources/models/fidediff-tiny] [--config training/configs/fidediff_tiny.yaml]
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import inspect
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch
import torch.nn as nn

from training.archs.fidediff_tiny import T_NORMALIZED, T_VALUES, FideDiffTiny
from training.archs.noise_schedule import BETA_END, BETA_START, TRAIN_STEPS
from training.checkpointing import load_weights
from training.config import load_config

OPSET = 17
UPSCALE = 2
TILE = {"size": 512, "overlap": 64, "multiple": 32}  # multiple: ×8 VAE, then ×4 in the UNet
PIXEL_SCALE = 2


class EncoderStage(nn.Module):
    def __init__(self, model: FideDiffTiny) -> None:
        super().__init__()
        self.encoder = model.vae.encoder

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, _, skip = self.encoder(image)
        assert skip is not None, "the shipped VAE has a skip path"
        return mean, skip


class DecoderStage(nn.Module):
    def __init__(self, model: FideDiffTiny) -> None:
        super().__init__()
        self.decoder = model.vae.decoder

    def forward(self, latent: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.decoder(latent, skip).clamp(0, 1)


def f32(name: str, *shape: int | str) -> dict[str, Any]:
    return {"name": name, "dtype": "float32", "shape": list(shape)}


def stage_table(model: FideDiffTiny) -> list[dict[str, Any]]:
    """(id, role, module, example inputs, input specs, output specs) per stage."""
    c = model.cfg.vae.latent_channels
    s = model.cfg.vae.skip_channels
    m2 = model.cfg.kernel.kernel_size ** 2
    img = torch.rand(1, 3, 64, 96)
    lat, k = torch.rand(1, c, 8, 12), torch.softmax(torch.rand(1, m2, 8, 12), 1)
    return [
        dict(id="encoder", role="encode", module=EncoderStage(model), args=(img,),
             inputs=[f32("image", 1, 3, "H", "W")],
             outputs=[f32("latent", 1, c, "H/8", "W/8"), f32("encoder_skip", 1, s, "H/4", "W/4")]),
        dict(id="kernel_estimator", role="estimate_kernel", module=model.kernel_estimator, args=(img,),
             inputs=[f32("image", 1, 3, "H", "W")], outputs=[f32("kernel_map", 1, m2, "H/8", "W/8")]),
        dict(id="time_predictor", role="predict_timestep", module=model.time_predictor, args=(k,),
             inputs=[f32("kernel_map", 1, m2, "H/8", "W/8")], outputs=[f32("timestep_norm", 1, 1)]),
        dict(id="restorer", role="restore", module=model.restorer, args=(lat, k, torch.tensor([200.0])),
             inputs=[f32("latent", 1, c, "H/8", "W/8"), f32("kernel_map", 1, m2, "H/8", "W/8"), f32("timestep", 1)],
             outputs=[f32("latent_restored", 1, c, "H/8", "W/8")]),
        dict(id="decoder", role="decode", module=DecoderStage(model),
             args=(lat, torch.rand(1, s, 16, 24)),
             inputs=[f32("latent_restored", 1, c, "H/8", "W/8"), f32("encoder_skip", 1, s, "H/4", "W/4")],
             outputs=[f32("restored", 1, 3, "H", "W")]),
    ]


def export_stage(stage: dict[str, Any], path: Path) -> None:
    dynamic: dict[str, dict[int, str]] = {}
    for spec in stage["inputs"] + stage["outputs"]:
        axes = {i: d for i, d in enumerate(spec["shape"]) if isinstance(d, str)}
        if axes:
            dynamic[spec["name"]] = {i: d.replace("/", "_") for i, d in axes.items()}
    kwargs: dict[str, Any] = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # torch ≥ 2.5: keep the TorchScript exporter (stable dynamic axes, opset 17)
    torch.onnx.export(stage["module"].eval(), stage["args"], str(path), opset_version=OPSET,
                      input_names=[s["name"] for s in stage["inputs"]],
                      output_names=[s["name"] for s in stage["outputs"]],
                      dynamic_axes=dynamic, do_constant_folding=True, **kwargs)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_model(model: FideDiffTiny, out: Path, provenance: str, progress: dict[str, int]) -> dict[str, Any]:
    """Write every stage and manifest.json into `out` (built in a temp folder, then swapped in)."""
    model = model.eval()
    model.restorer.use_control = True
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-"))
    tmp.chmod(0o755)  # mkdtemp makes it private; the app and packaging must read it
    try:
        stages = []
        with torch.no_grad():
            for st in stage_table(model):
                file = f"{st['id']}.onnx"
                export_stage(st, tmp / file)
                stages.append({"id": st["id"], "role": st["role"], "file": file, "sha256": sha256_of(tmp / file),
                               "inputs": st["inputs"], "outputs": st["outputs"]})
        manifest = build_manifest(model, stages, provenance, progress)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        if out.exists():
            for keep in ("MODEL_CARD.md",):
                if (out / keep).exists():
                    shutil.copy2(out / keep, tmp / keep)
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return manifest


def build_manifest(model: FideDiffTiny, stages: list[dict[str, Any]], provenance: str,
                   progress: dict[str, int]) -> dict[str, Any]:
    steps = ", ".join(f"{k} {v}" for k, v in progress.items()) or "untrained"
    return {
        "schemaVersion": 1, "id": "fidediff-tiny", "name": "FideDiff-Tiny", "version": "0.9.0",
        "kind": "fidediff",
        "description": ("One-step diffusion motion deblurring (FideDiff pipeline at laptop size): VAE d = 8 on ×2 input, "
                        "kernel estimator M (19×19 per-pixel kernels, row-major taps, correlation form), "
                        "time predictor T, Kernel ControlNet + one-step UNet."),
        "license": {"spdx": "GPL-3.0-or-later",
                    "attribution": ("Trained by FideDiff Studio on photos from Debian packages (GCompris, OpenCV, "
                                    "Hugin, Tux Paint, MATE, KDE Plasma, Lomiri, scikit-image and others; "
                                    "see MODEL_CARD.md)")},
        "provenance": {"source": f"{provenance} (training steps: {steps})",
                       "data": "480 photos of shared/data/photos.tsv (429 train / 51 val) with synthesized camera shake",
                       "createdAt": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
        "upscale": {"factor": UPSCALE}, "tile": dict(TILE),
        "vae": {"factor": 8, "latentChannels": model.cfg.vae.latent_channels},
        "kernel": {"size": model.cfg.kernel.kernel_size, "pixelScale": PIXEL_SCALE},
        "timestep": {"values": list(T_VALUES), "normalized": list(T_NORMALIZED), "default": 200, "min": 0, "max": 999},
        "noiseSchedule": {"type": "scaled_linear", "betaStart": BETA_START, "betaEnd": BETA_END,
                          "trainSteps": TRAIN_STEPS},
        "stages": stages,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="Export FideDiff-Tiny to ONNX + manifest.json")
    ap.add_argument("--config", type=Path, default=Path("training/configs/fidediff_tiny.yaml"))
    ap.add_argument("--checkpoint", type=Path, default=Path("training/checkpoints/fidediff-tiny.pt"))
    ap.add_argument("--out", type=Path, default=Path("resources/models/fidediff-tiny"))
    args = ap.parse_args()
    if not args.checkpoint.exists():
        raise SystemExit(f"{args.checkpoint}: no checkpoint; train first (python3 -m training.train)")
    cfg = load_config(args.config)
    model = FideDiffTiny(cfg.model)
    progress, _ = load_weights(args.checkpoint, model)
    manifest = export_model(model, args.out, f"training/train.py --config {args.config}", progress)
    total = sum((args.out / s["file"]).stat().st_size for s in manifest["stages"])
    print(f"exported {len(manifest['stages'])} stages to {args.out} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
