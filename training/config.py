"""Typed experiment configuration: one YAML per experiment (training/configs/*.yaml) loaded
into dataclasses; unknown keys are errors so a typo cannot silently fall back to a default."""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from training.archs.fidediff_tiny import ModelConfig
from training.data.batches import DataConfig


@dataclass
class PatchPhase:
    """Seed §A progressive learning, scaled down: crop edge in original px (model input is ×2).

    A phase runs from its `start` step of the stage (absolute, so raising a stage's `steps` to
    train on never moves the boundaries of phases already done) until the next phase starts;
    the last phase runs to the end of the stage."""
    start: int
    size: int
    batch: int


@dataclass
class StageConfig:
    name: str  # vae | latent_decoding | base | kernel | control | time
    steps: int
    lr: float
    phases: list[PatchPhase]
    trainable: dict[str, float]  # module-name prefix → lr multiplier
    warmup_steps: int = 50  # at every (re)start of a stage, see train.lr_factor
    ssim_weight: float = 0.2  # λ2 (structural term standing in for LPIPS)
    latent_weight: float = 0.1
    kl_weight: float = 1e-6
    reblur_weight: float = 0.1  # λ3
    kernel_weight: float = 1.0
    moment_weight: float = 0.0  # L1 on the kernels' second moments (blur extent), see losses
    time_weight: float = 1.0  # λ4
    consistency: bool = True  # CT: train at t around the true t, not only at t = 200
    ct_range: float = 120.0
    sharp_t_max: float = 400.0  # unblurred samples are trained at t ~ U(0, sharp_t_max)
    fixed_t: float = 200.0  # the timestep used without CT

    def __post_init__(self) -> None:
        starts = [p.start for p in self.phases]
        if not starts or starts[0] != 0 or any(b <= a for a, b in zip(starts, starts[1:])):
            raise ValueError(f"stage '{self.name}': phases must start at step 0 and then at increasing steps, got {starts}")


@dataclass
class InitConfig:
    """Start a new experiment from part of another checkpoint (an ablation arm shares the main
    run's VAE and trains the rest afresh). Used only while the experiment's checkpoint is absent."""
    checkpoint: str = ""  # empty: start from random weights
    modules: list[str] = field(default_factory=list)  # parameter-name prefixes taken over
    stages: list[str] = field(default_factory=list)  # stages counted as done (their steps taken over)


@dataclass
class ExperimentConfig:
    name: str
    stages: list[StageConfig]
    device: str = "cpu"
    threads: int = 2
    seed: int = 0
    checkpoint: str = "training/checkpoints/fidediff-tiny.pt"
    checkpoint_minutes: float = 4.0
    val_every: int = 200
    val_count: int = 24
    val_size: int = 128
    data: DataConfig = field(default_factory=DataConfig)
    init: InitConfig = field(default_factory=InitConfig)
    model: ModelConfig = field(default_factory=ModelConfig)


def _build(tp: typing.Any, value: typing.Any, where: str) -> typing.Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected a mapping")
        hints = typing.get_type_hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        unknown = set(value) - names
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        fields = {k: _build(hints[k], v, f"{where}.{k}") for k, v in value.items()}
        try:
            return tp(**fields)
        except (TypeError, ValueError) as e:  # a missing key, or a check in __post_init__
            raise ValueError(f"{where}: {e}") from None
    if origin is list:
        (inner,) = typing.get_args(tp)
        return [_build(inner, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is tuple:
        args = typing.get_args(tp)
        return tuple(_build(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, value)))
    if origin is dict:
        _, inner = typing.get_args(tp)
        return {str(k): _build(inner, v, f"{where}.{k}") for k, v in value.items()}
    if tp is float:
        return float(value)
    return value


def load_config(path: Path) -> ExperimentConfig:
    raw = yaml.safe_load(path.read_text())
    cfg = _build(ExperimentConfig, raw, path.name)
    assert isinstance(cfg, ExperimentConfig)
    return cfg
