"""Training crops come from photos at their own scale or smaller, never blown up."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from training.data.batches import DataConfig, PhotoPool, random_crops


def write_two_photos(root: Path) -> Path:
    """A 60-px red photo and a 160-px green one, both in the train split."""
    entries = []
    for name, side, colour in (("small", 60, (255, 0, 0)), ("large", 160, (0, 255, 0))):
        rel = f"photos/train/{name}.npy"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        np.save(root / rel, np.tile(np.array(colour, dtype=np.uint8), (side, side, 1)))
        entries.append({"id": name, "package": "generated", "path": name, "license": "CC0-1.0",
                        "split": "train", "width": side, "height": side, "npy": rel})
    (root / "photos" / "index.json").write_text(json.dumps(entries))
    return root


def test_a_crop_never_enlarges_a_photo_smaller_than_itself(tmp_path: Path) -> None:
    pool = PhotoPool(write_two_photos(tmp_path), "train")
    cfg = DataConfig(margin=8)
    crops = random_crops(pool, 16, 64, cfg, np.random.default_rng(0), torch.device("cpu"))
    assert crops.shape == (16, 3, 80, 80)
    assert crops[:, 1].min() > 0.999 and crops[:, 0].max() < 1e-3  # only the 160-px photo
    small_crops = random_crops(pool, 32, 32, cfg, np.random.default_rng(0), torch.device("cpu"))
    assert (small_crops[:, 0] > 0.999).all(-1).all(-1).any()  # a 48-px crop fits the 60-px photo


def test_no_photo_large_enough_is_a_clear_error_naming_the_cache(tmp_path: Path) -> None:
    pool = PhotoPool(write_two_photos(tmp_path), "train")
    with pytest.raises(ValueError, match=f"{tmp_path}.*shorter side of 200 px"):
        random_crops(pool, 2, 184, DataConfig(margin=8), np.random.default_rng(0), torch.device("cpu"))
