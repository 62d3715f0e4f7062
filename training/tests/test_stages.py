"""Shapes and normalisation of every stage: the engine wires the ONNX graphs by these contracts,
and the UI draws kernels that must sum to 1 and timesteps that must map back to 80..280."""
from __future__ import annotations

import torch

from training.archs.blocks import adaptive_avg_pool
from training.archs.fidediff_tiny import FideDiffTiny, ModelConfig, timestep_from_normalized
from training.archs.noise_schedule import ScaledLinearSchedule, alphas_cumprod
from training.losses.restoration import kernel_moments, moment_l1
from training.tests.helpers import small_model_config


def test_every_stage_has_the_contract_shapes_at_a_non_square_tile() -> None:
    model = FideDiffTiny(ModelConfig()).eval()
    with torch.no_grad():
        out = model(torch.rand(1, 3, 96, 160))
    assert out["latent"].shape == (1, 16, 12, 20)
    assert out["skip"].shape == (1, 32, 24, 40)
    assert out["kernel_map"].shape == (1, 361, 12, 20)
    assert out["timestep_norm"].shape == (1, 1)
    assert out["latent_restored"].shape == (1, 16, 12, 20)
    assert out["restored"].shape == (1, 3, 96, 160)


def test_each_estimated_kernel_is_a_normalised_19_by_19_filter() -> None:
    model = FideDiffTiny(small_model_config()).eval()
    with torch.no_grad():
        k = model.kernel_estimator(torch.rand(2, 3, 64, 64))
    assert k.min().item() >= 0
    assert torch.allclose(k.sum(1), torch.ones(2, 8, 8), atol=1e-5)


def test_the_time_predictor_output_is_in_0_1_and_maps_to_timesteps() -> None:
    model = FideDiffTiny(small_model_config()).eval()
    with torch.no_grad():
        p = model.time_predictor(torch.softmax(torch.randn(3, 361, 12, 20) * 5, 1))
    assert p.shape == (3, 1) and p.min().item() > 0 and p.max().item() < 1
    mapped = timestep_from_normalized(torch.tensor([0.15, 0.29, 0.43, 0.57, 0.71, 0.85]))
    assert torch.allclose(mapped, torch.tensor([80.0, 120, 160, 200, 240, 280]), atol=1e-3)


def test_kernel_moments_measure_the_blur_extent_and_direction() -> None:
    """A horizontal 5-tap box: Σk·x² = (4 + 1 + 0 + 1 + 4) / 5 = 2, nothing vertical; turned 90°
    the same box swaps x and y, so the moment loss between them is the 2 moved from x² to y²."""
    horizontal = torch.zeros(1, 19, 19, 1, 1)
    horizontal[0, 9, 7:12] = 0.2
    vertical = horizontal.transpose(1, 2)
    h, v = horizontal.reshape(1, 361, 1, 1), vertical.reshape(1, 361, 1, 1)
    assert torch.allclose(kernel_moments(h).view(3), torch.tensor([2.0, 0.0, 0.0]))
    assert torch.allclose(kernel_moments(v).view(3), torch.tensor([0.0, 2.0, 0.0]))
    assert moment_l1(h, h).item() == 0
    assert abs(moment_l1(h, v).item() - 4 / 3) < 1e-6


def test_the_exportable_pooling_equals_adaptive_avg_pool() -> None:
    for h, w in ((8, 8), (12, 20), (13, 7), (64, 64)):
        x = torch.rand(2, 5, h, w)
        assert torch.allclose(adaptive_avg_pool(x, 8), torch.nn.AdaptiveAvgPool2d(8)(x), atol=1e-6)


def test_the_noise_schedule_is_stable_diffusions_scaled_linear() -> None:
    abar = alphas_cumprod()
    assert abs(abar[0].item() - (1 - 0.00085)) < 1e-7
    assert abs(abar[999].item() - 0.00466) < 1e-4  # SD 2.1's final ᾱ
    sched = ScaledLinearSchedule()
    mid = sched(torch.tensor([200.5])).item()
    assert min(abar[200].item(), abar[201].item()) <= mid <= max(abar[200].item(), abar[201].item())


def test_an_untrained_restorer_changes_nothing_at_any_timestep() -> None:
    """x̂_0 = x_t when ε_net = 0: training starts from "do no harm"."""
    model = FideDiffTiny(small_model_config()).eval()
    lat = torch.randn(1, 4, 8, 8)
    k = torch.softmax(torch.randn(1, 361, 8, 8), 1)
    with torch.no_grad():
        for t in (0.0, 80.0, 200.0, 280.0, 999.0):
            assert torch.allclose(model.restorer(lat, k, torch.tensor([t])), lat, atol=1e-4)


def test_the_kernel_controlnet_reacts_to_the_kernel_map() -> None:
    model = FideDiffTiny(small_model_config()).eval()
    with torch.no_grad():
        for p in model.restorer.parameters():
            p.add_(torch.randn_like(p) * 0.05)  # leave the zero-initialised state
        lat = torch.randn(1, 4, 8, 8)
        k1 = torch.softmax(torch.randn(1, 361, 8, 8), 1)
        k2 = torch.softmax(torch.randn(1, 361, 8, 8) * 4, 1)
        t = torch.tensor([200.0])
        assert (model.restorer(lat, k1, t) - model.restorer(lat, k2, t)).abs().max().item() > 1e-4
        model.restorer.use_control = False
        assert torch.equal(model.restorer(lat, k1, t), model.restorer(lat, k2, t))


def test_latent_decoding_decodes_the_sharp_latent_with_the_blurry_skip() -> None:
    """Stage 0b's led term: a new blurry photo changes it only through the skip, a new sharp
    photo only through the latent; the skip is the blurry photo's, the latent the sharp one's."""
    from training.config import PatchPhase, StageConfig
    from training.stages import latent_decoding_loss

    torch.manual_seed(0)
    model = FideDiffTiny(small_model_config()).eval()
    stage = StageConfig(name="latent_decoding", steps=1, lr=1e-3, trainable={"vae.": 1.0},
                        phases=[PatchPhase(start=0, size=32, batch=1)], ssim_weight=0.0)
    sharp, blurry, other = torch.rand(3, 1, 3, 64, 64)
    with torch.no_grad():
        _, base = latent_decoding_loss(model, stage, sharp, blurry)
        skip_b = model.vae.encoder(blurry)[2]
        latent_s = model.vae.encoder(sharp)[0]
        expected_led = (model.vae.decoder(latent_s, skip_b) - sharp).abs().mean().item()
        _, new_blurry = latent_decoding_loss(model, stage, sharp, other)
    assert abs(base["led"] - expected_led) < 1e-6
    assert new_blurry["led"] != base["led"]


def test_ct_shows_unblurred_samples_at_any_t_and_blurred_ones_near_their_own() -> None:
    from training.config import PatchPhase, StageConfig
    from training.stages import training_timestep

    stage = StageConfig(name="base", steps=1, lr=1e-3, trainable={"restorer.": 1.0},
                        phases=[PatchPhase(start=0, size=32, batch=1)], ct_range=120.0, sharp_t_max=400.0)
    t = torch.tensor([0.0, 200.0] * 2000)
    used = training_timestep({"t": t}, stage, torch.Generator().manual_seed(0))
    sharp, blurred = used[t == 0], used[t == 200]
    assert sharp.min() >= 0 and sharp.max() < 400 and sharp.max() > 350, "unblurred: anywhere in [0, 400)"
    assert (blurred - 200).abs().max() <= 120 and blurred.std() > 50, "blurred: within ±120 of the true t"
    stage.consistency = False
    assert torch.equal(training_timestep({"t": t}, stage, torch.Generator()), torch.full_like(t, 200.0))


def test_a_restorer_grown_by_extra_blocks_starts_as_the_trained_one(tmp_path) -> None:
    import dataclasses

    from training.checkpointing import init_from, save_weights

    torch.manual_seed(0)
    cfg = small_model_config()
    trained = FideDiffTiny(cfg).eval()
    with torch.no_grad():  # stand-in for training: no block is the identity any more
        for p in trained.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    save_weights(tmp_path / "trained.pt", trained, {"base": 7, "control": 3}, "test", [])
    deeper = dataclasses.replace(cfg.restorer, extra_mid_blocks=cfg.restorer.extra_mid_blocks + 2,
                                 extra_dec_blocks=cfg.restorer.extra_dec_blocks + 1)
    grown = FideDiffTiny(dataclasses.replace(cfg, restorer=deeper)).eval()
    progress = init_from(tmp_path / "trained.pt", grown, ["vae.", "kernel_estimator.", "time_predictor.", "restorer."],
                         ["base", "control"])
    assert progress == {"base": 7, "control": 3}
    assert sum(p.numel() for p in grown.parameters()) > sum(p.numel() for p in trained.parameters())
    image = torch.rand(1, 3, 64, 96)
    with torch.no_grad():
        for t in (None, torch.tensor([150.0])):
            assert torch.equal(grown(image, t)["restored"], trained(image, t)["restored"])
