"""Export parity: the ONNX graphs the app runs (onnxruntime-node) must compute what PyTorch
computes (max abs diff ≤ 1e-3) at a tile size other than the one traced, and the manifest
must pass the app's own schema (src/shared/model-manifest.ts)."""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from training.archs.fidediff_tiny import FideDiffTiny
from training.export_onnx import export_model
from training.tests.helpers import small_model_config
from training.tools.ort_bridge import run_onnx

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[FideDiffTiny, Path, dict]:
    torch.manual_seed(0)
    model = FideDiffTiny(small_model_config()).eval()
    with torch.no_grad():  # leave the zero-initialised (identity) state so every path is exercised
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    out = tmp_path_factory.mktemp("model") / "fidediff-tiny"
    manifest = export_model(model, out, "test export", {"vae": 1})
    return model, out, manifest


def test_every_stage_matches_pytorch_in_onnx_runtime(exported: tuple[FideDiffTiny, Path, dict]) -> None:
    model, out, manifest = exported
    image = torch.rand(1, 3, 96, 128)
    t = torch.tensor([173.0])
    with torch.no_grad():
        mean, _, skip = model.vae.encoder(image)
        k = model.kernel_estimator(image)
        t_norm = model.time_predictor(k)
        latent_r = model.restorer(mean, k, t)
        restored = model.vae.decoder(latent_r, skip).clamp(0, 1)
    ref = {"latent": mean, "encoder_skip": skip, "kernel_map": k, "timestep_norm": t_norm,
           "latent_restored": latent_r, "restored": restored}
    feeds = {"image": image, "timestep": t, **ref}
    for stage in manifest["stages"]:
        inputs = {s["name"]: feeds[s["name"]].numpy() for s in stage["inputs"]}
        outputs, _ = run_onnx(out / stage["file"], inputs)
        for spec in stage["outputs"]:
            got, want = outputs[spec["name"]], ref[spec["name"]].numpy()
            assert got.shape == want.shape, f"{stage['id']}.{spec['name']}"
            assert np.abs(got - want).max() <= 1e-3, f"{stage['id']}.{spec['name']} differs"


def test_the_manifest_passes_the_apps_schema_and_checksums(exported: tuple[FideDiffTiny, Path, dict]) -> None:
    _, out, manifest = exported
    script = ("import { readFileSync } from 'node:fs'; import { modelManifestSchema, describeManifestIssues } "
              "from './src/shared/model-manifest.ts'; const r = modelManifestSchema.safeParse(JSON.parse("
              f"readFileSync({json.dumps(str(out / 'manifest.json'))}, 'utf8'))); "
              "if (!r.success) { console.error(describeManifestIssues(r.error).join('\\n')); process.exit(1) }")
    proc = subprocess.run(["node", "--import", "tsx", "-e", script], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for stage in manifest["stages"]:
        assert hashlib.sha256((out / stage["file"]).read_bytes()).hexdigest() == stage["sha256"]
    assert {s["role"] for s in manifest["stages"]} == {"encode", "estimate_kernel", "predict_timestep", "restore", "decode"}
