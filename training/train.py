"""Train FideDiff-Tiny, resumably: stage by stage (vae → base → kernel → control), picking up
from the steps recorded in the weights-only checkpoint.

    /usr/bin/python3 -m training.train --config training/configs/fidediff_tiny.yaml \
        [--device cuda] [--minutes 8] [--checkpoint PATH]
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from training.archs.fidediff_tiny import FideDiffTiny
from training.checkpointing import init_from, load_weights, save_weights
from training.config import ExperimentConfig, StageConfig, load_config
from training.data.batches import PhotoPool, fixed_val_batch, random_crops, synthesize
from training.stages import stage_loss, validate


def phase_of(stage: StageConfig, step: int) -> tuple[int, int]:
    phase = [p for p in stage.phases if p.start <= step][-1]
    return phase.size, phase.batch


def lr_factor(stage: StageConfig, done: int, steps_this_run: int) -> float:
    """Warm-up at every (re)start — the checkpoint keeps no Adam moments, and Adam's first steps
    move every weight by ~lr, which undid a trained VAE — then cosine decay to 10 % over the stage."""
    warm = min(1.0, (steps_this_run + 1) / stage.warmup_steps)
    return warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, done / stage.steps))))


def optimizer_for(model: FideDiffTiny, stage: StageConfig) -> torch.optim.Optimizer:
    groups: dict[float, list[torch.nn.Parameter]] = {}
    for name, p in model.named_parameters():
        scales = [s for prefix, s in stage.trainable.items() if name.startswith(prefix)]
        p.requires_grad_(bool(scales))
        if scales:
            groups.setdefault(scales[0], []).append(p)
    if not groups:
        raise ValueError(f"stage '{stage.name}': 'trainable' matches no parameter")
    return torch.optim.AdamW([{"params": ps, "lr": stage.lr * s, "base_lr": stage.lr * s} for s, ps in groups.items()],
                             weight_decay=0.0)


def run(cfg: ExperimentConfig, checkpoint: Path, minutes: float, log: Path | None = None) -> dict[str, object]:
    torch.set_num_threads(cfg.threads)
    device = torch.device(cfg.device)
    torch.manual_seed(cfg.seed)
    model = FideDiffTiny(cfg.model).to(device)
    progress, history = load_weights(checkpoint, model)
    if not checkpoint.exists() and cfg.init.checkpoint:
        progress = init_from(Path(cfg.init.checkpoint), model, cfg.init.modules, cfg.init.stages)
    cache = Path(cfg.data.cache)
    train_pool = PhotoPool(cache, "train")
    val = fixed_val_batch(PhotoPool(cache, "val"), cfg.val_count, cfg.val_size, cfg.data, device)
    rng = np.random.default_rng(cfg.seed + sum(progress.values()))
    gen = torch.Generator(device=device).manual_seed(cfg.seed + sum(progress.values()))
    start = last_save = time.time()
    summary: dict[str, object] = {"start_progress": dict(progress)}

    def save() -> None:
        save_weights(checkpoint, model, progress, cfg.name, history)

    for stage in cfg.stages:
        done = progress.get(stage.name, 0)
        if done >= stage.steps:
            continue
        if stage.name == "control" and done == 0:
            model.restorer.init_control_from_unet()  # ControlNet starts as a copy of the UNet encoder
        opt = optimizer_for(model, stage)
        model.train()
        t_stage = time.time()
        steps_this_run = 0
        while done < stage.steps:
            for group in opt.param_groups:
                group["lr"] = group["base_lr"] * lr_factor(stage, done, steps_this_run)
            size, batch_size = phase_of(stage, done)
            big = random_crops(train_pool, batch_size, size, cfg.data, rng, device)
            batch = synthesize(big, cfg.data, gen)
            loss, logs = stage_loss(model, stage, batch, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
            opt.step()
            done += 1
            steps_this_run += 1
            progress[stage.name] = done
            if done % 20 == 0:
                rate = 20 / max(1e-6, time.time() - t_stage)
                t_stage = time.time()
                print(f"{stage.name} {done}/{stage.steps} size {size} loss {loss.item():.4f} "
                      f"{json.dumps({k: round(v, 4) for k, v in logs.items()})} {rate:.2f} it/s", flush=True)
            out_of_time = time.time() - start > minutes * 60
            if done % cfg.val_every == 0 or done == stage.steps or out_of_time:
                figures = validate(model, stage.name, val)
                entry = {"stage": stage.name, "step": done, "wall_s": round(time.time() - start), **figures}
                history.append(entry)
                print("VAL", json.dumps(entry), flush=True)
                if log is not None:
                    with log.open("a") as f:
                        f.write(json.dumps(entry) + "\n")
            if time.time() - last_save > cfg.checkpoint_minutes * 60 or done == stage.steps:
                save()
                last_save = time.time()
            if out_of_time:
                save()
                summary.update(progress=dict(progress), wall_s=round(time.time() - start), stopped="time budget")
                return summary
    save()
    summary.update(progress=dict(progress), wall_s=round(time.time() - start), stopped="all stages done")
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description="Train FideDiff-Tiny (resumable)")
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--device")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--minutes", type=float, default=1e9, help="stop (with a checkpoint) after this wall time")
    ap.add_argument("--checkpoint", type=Path)
    ap.add_argument("--data-cache", help="photo cache or pack (default: the config's data.cache)")
    ap.add_argument("--log", type=Path, help="append every validation entry (JSON lines)")
    args = ap.parse_args()
    cfg = load_config(args.config)
    if args.device:
        cfg.device = args.device
    if args.threads:
        cfg.threads = args.threads
    if args.data_cache:
        cfg.data.cache = args.data_cache
    summary = run(cfg, args.checkpoint or Path(cfg.checkpoint), args.minutes, args.log)
    print("DONE", json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
