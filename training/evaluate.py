"""Print the MODEL_CARD figures for FideDiff-Tiny on the val split (photos.tsv split = val).

    /usr/bin/python3 -m training.evaluate [--checkpoint training/checkpoints/fidediff-tiny.pt]
        [--no-ct-checkpoint PATH] [--onnx resources/models/fidediff-tiny] [--subset 12]

Crops: one per val photo, centred, at the photo's own scale, 512×512 where the photo allows
(smaller photos give the largest multiple of 32 that fits), camera shake synthesised with a
fixed seed, n cycling through {5..15}; no noise or JPEG, so the figures measure deblurring.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from training.archs.fidediff_tiny import FideDiffTiny
from training.checkpointing import load_weights
from training.config import load_config
from training.data.batches import PhotoPool
from training.metrics.complexity import count_macs, count_params
from training.metrics.evaluation import LATENT_CEILING, do_no_harm, restoration_table, vae_table, val_samples

SWEEP_TS = (40.0, 120.0, 200.0, 280.0, 400.0)


def complexity(model: FideDiffTiny) -> list[str]:
    img = torch.rand(1, 3, 512, 512)
    with torch.no_grad():
        mean, _, skip = model.vae.encoder(img)
        k = model.kernel_estimator(img)
    lat = torch.rand_like(mean)
    parts = [("encoder", model.vae.encoder, (img,)), ("kernel_estimator", model.kernel_estimator, (img,)),
             ("time_predictor", model.time_predictor, (k,)),
             ("restorer", model.restorer, (mean, k, torch.tensor([200.0]))),
             ("decoder", model.vae.decoder, (lat, skip))]
    lines = ["| stage | parameters | GFLOPs at a 512×512 tile |", "|---|---:|---:|"]
    tp = tf = 0.0
    for name, mod, args in parts:
        p, f = count_params(mod), 2 * count_macs(mod, *args) / 1e9
        tp, tf = tp + p, tf + f
        lines.append(f"| {name} | {p / 1e6:.2f} M | {f:.1f} |")
    lines.append(f"| total | {tp / 1e6:.2f} M | {tf:.1f} |")
    return lines


def onnx_speed(folder: Path, model: FideDiffTiny, threads: int = 2) -> list[str]:
    """ONNX Runtime (onnxruntime-node, the app's runtime) per 512×512 tile, and the 12 MP
    estimate: 4000×3000 → ×2 → 8000×6000 model-input px in 512-px tiles overlapping by 64."""
    from training.tools.ort_bridge import run_onnx

    img = torch.rand(1, 3, 512, 512)
    with torch.no_grad():
        out = model(img)
    feeds = {"image": img, "timestep": torch.tensor([200.0]), "latent": out["latent"], "encoder_skip": out["skip"],
             "kernel_map": out["kernel_map"], "latent_restored": out["latent_restored"]}
    import json

    manifest = json.loads((folder / "manifest.json").read_text())
    total = total_cpu = 0.0
    lines = ["| stage | wall ms per 512×512 tile (ORT, 2 threads) | CPU ms |", "|---|---:|---:|"]
    for st in manifest["stages"]:
        result = run_onnx(folder / st["file"], {s["name"]: feeds[s["name"]].numpy() for s in st["inputs"]},
                          threads=threads, repeat=3, with_cpu=True)
        ms, cpu = result[1], result[2]  # type: ignore[misc]
        total, total_cpu = total + ms, total_cpu + cpu
        lines.append(f"| {st['id']} | {ms:.0f} | {cpu:.0f} |")
    stride = 512 - 64
    tiles = int(np.ceil((8000 - 64) / stride) * np.ceil((6000 - 64) / stride))
    lines.append(f"| all stages | {total:.0f} | {total_cpu:.0f} |")
    lines.append(f"\n12 MP photo (4000×3000 → 8000×6000 model input, 512-px tiles, overlap 64): {tiles} tiles × "
                 f"{total / 1000:.2f} s = **{tiles * total / 1000:.0f} s** wall on this (shared) machine; from CPU time, "
                 f"on 2 idle cores ≈ **{tiles * total_cpu / 2000:.0f} s** (model time only: decode, encode, blending excluded).")
    return lines


def fmt_pair(p: tuple[float, float]) -> str:
    return f"{p[0]:.2f} / {p[1]:.4f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=Path("training/configs/fidediff_tiny.yaml"))
    ap.add_argument("--checkpoint", type=Path, default=Path("training/checkpoints/fidediff-tiny.pt"))
    ap.add_argument("--no-ct-checkpoint", type=Path, help="the same model trained without CT (Table 4 / Fig. 1)")
    ap.add_argument("--ct-base-checkpoint", type=Path,
                    help="the CT model at the no-CT arm's step count, for an equal-steps Table 4 (default: --checkpoint)")
    ap.add_argument("--ablation-config", type=Path, default=Path("training/configs/ablation_ct.yaml"),
                    help="the experiment the two CT-ablation checkpoints come from (their model size)")
    ap.add_argument("--onnx", type=Path, help="exported model folder: also time ONNX Runtime")
    ap.add_argument("--subset", type=int, default=12, help="val crops for the ×1/×2/×3 and fixed-t sweeps")
    ap.add_argument("--limit", type=int, help="only the first N val crops (a quick look, not the card figures)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cfg = load_config(args.config)
    model = FideDiffTiny(cfg.model).eval()
    progress, _ = load_weights(args.checkpoint, model)
    t0 = time.time()
    samples = val_samples(PhotoPool(Path(cfg.data.cache), "val"), cfg.data)[: args.limit]
    sizes = sorted({s.sharp.shape[-1] for s in samples})
    print(f"# FideDiff-Tiny on the val split — checkpoint {args.checkpoint} (steps {progress})")
    print(f"{len(samples)} val crops (sizes {sizes[0]}..{sizes[-1]} px, {sum(s.sharp.shape[-1] == 512 for s in samples)} at 512)\n")
    print("## Complexity\n" + "\n".join(complexity(model)) + "\n")

    main_t = restoration_table(model, samples, (200.0,), ceiling=True)
    print("## Restoration (PSNR dB / SSIM, after ×2 → model → back)\n")
    print("| | all | " + " | ".join(f"n={n}" for n in sorted(main_t["count"])) + " |")
    print("|---|---|" + "---|" * len(main_t["count"]))
    for name, overall in main_t["overall"].items():
        per = main_t["per_n"][name]
        print(f"| {name} | {fmt_pair(overall)} | " + " | ".join(fmt_pair(per[n]) for n in sorted(per)) + " |")
    gain = main_t["overall"]["model at t̂"][0] - main_t["overall"]["blurry input"][0]
    print(f"\nGain at t̂ over the blurry input: {gain:+.2f} dB (target ≥ +3 dB)")
    headroom = main_t["overall"][LATENT_CEILING][0] - main_t["overall"]["model at true t"][0]
    print(f"Left to the restorer (the ceiling over the model at the true t): {headroom:+.2f} dB\n")
    print("## t̂ accuracy (mean absolute error in timesteps; target ≤ 20)\n")
    print(f"all: {main_t['t_mae_all']:.1f}; " + ", ".join(f"n={n}: {v:.1f}" for n, v in sorted(main_t["t_mae"].items())))
    print("mean t̂ per n: " + ", ".join(f"n={n}: {v:.0f}" for n, v in sorted(main_t["t_hat_mean"].items())) + "\n")
    print("## Kernel estimation (half resolution, linear light)\n")
    rad = main_t["kernel_radius"]
    print("- RMS radius in taps, estimated / true: " + ", ".join(
        f"n={n}: {rad['estimated'][n]:.2f} / {rad['true'][n]:.2f}" for n in sorted(rad["true"])))
    for k, v in main_t["kernels"].items():
        print(f"- {k}: {v:.3f}")
    harm = do_no_harm(model, samples)
    print(f"\n## Do no harm (sharp crop in, at t̂; target ≥ 35 dB)\n\nPSNR {harm['psnr']:.2f} dB "
          f"(worst {harm['min_psnr']:.2f}), mean t̂ {harm['mean_t_hat']:.0f}\n")

    sub = samples[:: max(1, len(samples) // args.subset)][: args.subset]  # spread over packages and sizes
    vt = vae_table(model, sub)
    print(f"## Seed Table 1 for our VAE (reconstruction PSNR, {len(sub)} crops)\n")
    print("| | ×1 | ×2 | ×3 |\n|---|---:|---:|---:|")
    for name, row in vt.items():
        print(f"| {name} | " + " | ".join(f"{row[f]:.2f}" for f in (1, 2, 3)) + " |")
    print(f"\n## Quality vs fixed t (seed Table 4 / Fig. 1; PSNR dB / SSIM, {len(sub)} crops)\n")
    base_ct, ct_steps = model, progress
    ablation_model = load_config(args.ablation_config).model
    if args.ct_base_checkpoint:
        base_ct = FideDiffTiny(ablation_model).eval()
        ct_steps, _ = load_weights(args.ct_base_checkpoint, base_ct)
    columns = [(f"base w/ CT ({ct_steps.get('base', 0)} steps)", base_ct, False)]
    if args.no_ct_checkpoint:
        other = FideDiffTiny(ablation_model).eval()
        steps, _ = load_weights(args.no_ct_checkpoint, other)
        columns.append((f"base w/o CT ({steps.get('base', 0)} steps)", other, False))
    columns.append(("full model (Kernel ControlNet) w/ CT", model, True))
    print("| t | " + " | ".join(n for n, _, _ in columns) + " |\n|---|" + "---|" * len(columns))
    sweeps = [restoration_table(m, sub, SWEEP_TS, control=c)["overall"] for _, m, c in columns]
    for t in SWEEP_TS:
        print(f"| {t:g} | " + " | ".join(fmt_pair(s[f"model at t = {t:g}"]) for s in sweeps) + " |")
    print("| true t | " + " | ".join(fmt_pair(s["model at true t"]) for s in sweeps) + " |")
    print(f"| (blurry input) | {fmt_pair(sweeps[0]['blurry input'])} |")
    model.restorer.use_control = True
    if args.onnx:
        print("\n## Speed\n" + "\n".join(onnx_speed(args.onnx, model, args.threads)))
    print(f"\n(evaluation took {time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
