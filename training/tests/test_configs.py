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


def test_phases_start_at_absolute_steps_so_raising_a_stage_keeps_them() -> None:
    from training.train import phase_of

    cfg = load_config(Path(__file__).parents[1] / "configs" / "fidediff_tiny.yaml")
    base = next(s for s in cfg.stages if s.name == "base")
    before = [phase_of(base, step) for step in (0, 9999, 10000, 19999, 20000, base.steps - 1)]
    assert before == [(64, 8), (64, 8), (96, 6), (96, 6), (128, 4), (128, 4)]
    base.steps *= 2  # training on: the phases already done stay where they were
    assert [phase_of(base, step) for step in (0, 9999, 10000, 19999, 20000)] == before[:5]
    assert phase_of(base, base.steps - 1) == (128, 4)


@pytest.mark.parametrize("starts", ["[{start: 5, size: 64, batch: 8}]",
                                    "[{start: 0, size: 64, batch: 8}, {start: 0, size: 96, batch: 6}]",
                                    "[]"])
def test_phases_that_do_not_start_at_0_and_increase_are_an_error_naming_the_file(tmp_path: Path, starts: str) -> None:
    bad = tmp_path / "phases.yaml"
    bad.write_text(f"name: x\nstages:\n  - {{name: vae, steps: 10, lr: 1.0e-3, trainable: {{vae.: 1.0}}, phases: {starts}}}\n")
    with pytest.raises(ValueError, match=r"phases\.yaml\.stages\[0\]: stage 'vae': phases must start at step 0"):
        load_config(bad)


def test_the_cpu_and_gpu_configs_describe_the_same_model_and_checkpoint() -> None:
    cpu, gpu = (load_config(Path(__file__).parents[1] / "configs" / f) for f in ("fidediff_tiny.yaml", "fidediff_tiny_gpu.yaml"))
    assert cpu.checkpoint == gpu.checkpoint  # training is cumulative across machines
    assert cpu.model == gpu.model
    assert [s.name for s in cpu.stages] == [s.name for s in gpu.stages]
