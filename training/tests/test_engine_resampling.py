"""The ×2 the model was trained in must be the ×2 the app runs (src/main/engine/resample.ts):
otherwise every photo reaches the model slightly differently blurred than in training."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import torch

from training.data.resampling import upsample

REPO = Path(__file__).resolve().parents[2]


def test_training_upsampling_equals_the_engines() -> None:
    line = np.random.default_rng(7).random(11).astype(np.float32)
    script = ("import { upsample1d } from './src/main/engine/resample.ts'; "
              f"const x = {json.dumps(line.tolist())}; "
              "console.log(JSON.stringify([2, 3].map((f) => Array.from(upsample1d(x, f)))))")
    proc = subprocess.run(["node", "--import", "tsx", "-e", script], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    engine = json.loads(proc.stdout)
    for factor, want in zip((2, 3), engine):
        ours = upsample(torch.from_numpy(line).view(1, 1, 1, -1).expand(1, 1, 4, 11).contiguous(), factor)
        assert np.abs(ours[0, 0, 0].numpy() - np.array(want, dtype=np.float32)).max() < 1e-6
