"""Two training steps of every stage on tiny generated crops, then a resume: if this fails,
the cumulative training that every session continues is broken."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from training.archs.fidediff_tiny import FideDiffTiny
from training.config import ExperimentConfig, InitConfig, PatchPhase, StageConfig
from training.data.batches import DataConfig
from training.tests.helpers import small_model_config, write_photo_cache
from training.train import run

STAGES = [("vae", {"vae.": 1.0}), ("latent_decoding", {"vae.": 1.0}), ("base", {"restorer.": 1.0, "vae.decoder": 0.2}),
          ("kernel", {"kernel_estimator.": 1.0, "time_predictor.": 1.0}),
          ("control", {"restorer.control": 1.0, "restorer.kernel_filter": 1.0, "kernel_estimator.": 0.3}),
          ("time", {"time_predictor.": 1.0})]


def experiment(cache: Path, steps: int) -> ExperimentConfig:
    stages = [StageConfig(name=n, steps=steps, lr=1e-3, trainable=tr, phases=[PatchPhase(start=0, size=32, batch=2)])
              for n, tr in STAGES]
    return ExperimentConfig(name="smoke", stages=stages, threads=2, val_every=2, val_count=2, val_size=32,
                            data=DataConfig(cache=str(cache)), model=small_model_config())


def test_two_steps_per_stage_train_checkpoint_and_resume(tmp_path: Path) -> None:
    cache = write_photo_cache(tmp_path / "cache")
    ckpt = tmp_path / "ckpt" / "tiny.pt"
    summary = run(experiment(cache, 2), ckpt, minutes=10)
    assert summary["progress"] == {"vae": 2, "latent_decoding": 2, "base": 2, "kernel": 2, "control": 2, "time": 2}
    blob = torch.load(ckpt)
    assert set(blob) == {"model", "progress", "experiment", "history"}, "weights only, no optimizer state"
    assert all(torch.isfinite(v).all() for v in blob["model"].values())
    assert {h["stage"] for h in blob["history"]} == {"vae", "latent_decoding", "base", "kernel", "control", "time"}
    torch.manual_seed(0)  # run() seeds with cfg.seed = 0 before building the model
    untrained = FideDiffTiny(small_model_config()).state_dict()
    changed = [k for k, v in blob["model"].items() if not torch.equal(v, untrained[k])]
    for part in ("vae.encoder.", "vae.decoder.", "kernel_estimator.", "restorer.control.", "restorer.encoder."):
        assert any(k.startswith(part) for k in changed), f"{part} did not train"

    resumed = run(experiment(cache, 3), ckpt, minutes=10)
    assert resumed["start_progress"] == {"vae": 2, "latent_decoding": 2, "base": 2, "kernel": 2, "control": 2, "time": 2}
    assert resumed["progress"] == {"vae": 3, "latent_decoding": 3, "base": 3, "kernel": 3, "control": 3, "time": 3}
    assert list(ckpt.parent.iterdir()) == [ckpt], "the checkpoint is replaced, not accumulated"


def test_an_ablation_arm_starts_from_the_main_runs_vae_and_trains_the_rest_afresh(tmp_path: Path) -> None:
    cache = write_photo_cache(tmp_path / "cache")
    main_ckpt = tmp_path / "main.pt"
    run(experiment(cache, 2), main_ckpt, minutes=10)
    arm = experiment(cache, 2)
    arm.stages = [s for s in arm.stages if s.name in ("vae", "base")]
    arm.init = InitConfig(checkpoint=str(main_ckpt), modules=["vae."], stages=["vae"])
    arm_ckpt = tmp_path / "arm.pt"
    summary = run(arm, arm_ckpt, minutes=10)
    assert summary["start_progress"] == {"vae": 2}, "the VAE stage counts as done"
    assert summary["progress"] == {"vae": 2, "base": 2}
    main_w, arm_w = torch.load(main_ckpt)["model"], torch.load(arm_ckpt)["model"]
    assert all(torch.equal(main_w[k], arm_w[k]) for k in main_w if k.startswith("vae.encoder.")), \
        "the encoder is taken over and base does not train it"
    assert not torch.equal(main_w["restorer.conv_out.weight"], arm_w["restorer.conv_out.weight"])

    arm.init = InitConfig(checkpoint=str(tmp_path / "missing.pt"), modules=["vae."], stages=["vae"])
    with pytest.raises(FileNotFoundError, match="missing.pt"):
        run(arm, tmp_path / "other-arm.pt", minutes=10)
