"""Make `training` importable when pytest runs from the repo root; keep torch to 2 threads."""
from __future__ import annotations

import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
torch.set_num_threads(2)
