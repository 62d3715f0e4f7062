"""Every experiment YAML loads into the typed config, and a typo is an error, not a default."""
from __future__ import annotations

from pathlib import Path

import pytest

from training.config import load_config

CONFIGS = sorted((Path(__file__).parents[1] / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_each_experiment_config_loads(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.stages and all(s.steps > 0 and s.phases for s in cfg.stages)
    assert cfg.stages[0].name == "vae", "every experiment starts from (or takes over) stage 0"


def test_the_ct_ablation_arms_differ_only_in_consistency() -> None:
    ct, no_ct = (load_config(Path(__file__).parents[1] / "configs" / f"ablation_{a}.yaml") for a in ("ct", "no_ct"))
    assert ct.init == no_ct.init and ct.data == no_ct.data
    for a, b in zip(ct.stages, no_ct.stages, strict=True):
        assert a.consistency or a.name != "base"
        b_as_ct = {**vars(b), "consistency": a.consistency}
        assert vars(a) == b_as_ct


def test_an_unknown_key_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "typo.yaml"
    bad.write_text(CONFIGS[0].read_text() + "\nval_evry: 5\n")
    with pytest.raises(ValueError, match="unknown keys.*val_evry"):
        load_config(bad)
