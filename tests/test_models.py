"""Each model: output shapes, finite losses, and one optimization step that lowers the loss."""

from __future__ import annotations

import copy
import itertools
import json

import pytest
import torch

from genreport.config import load_preset
from genreport.models.unet import UNet
from genreport.models.vae import negative_elbo
from genreport.tasks import build_task
from genreport.tasks.schedules import learning_rate_factor

CPU = torch.device("cpu")


def assert_one_step_lowers(loss, optimizer):
    """One optimizer step on a fixed batch must lower `loss()`."""
    before = loss().item()
    optimizer.zero_grad()
    loss().backward()
    optimizer.step()
    assert loss().item() < before


@pytest.fixture
def smoke():
    return load_preset("smoke")


@pytest.fixture
def batch():
    torch.manual_seed(0)
    return torch.rand(16, 1, 28, 28)


@pytest.mark.parametrize("model", ["vae", "gan", "ddpm"])
def test_training_step_returns_finite_losses(model, smoke, batch):
    task = build_task(model, smoke[model], CPU)
    terms = task.training_step(batch)
    assert terms and all(torch.isfinite(v) for v in terms.values())


@pytest.mark.parametrize("model", ["vae", "gan", "ddpm"])
def test_samples_are_images_in_unit_range(model, smoke):
    task = build_task(model, {**smoke[model], "timesteps": 20}, CPU)
    samples = task.generate(task.noise(3, torch.Generator().manual_seed(0)), torch.Generator().manual_seed(1))
    assert samples.shape == (3, 1, 28, 28)
    assert samples.min() >= 0 and samples.max() <= 1


def test_vae_shapes_and_step_lowers_elbo(smoke, batch):
    task = build_task("vae", smoke["vae"], CPU)
    model = task.model
    mean, logvar = model.encode(batch)
    assert mean.shape == logvar.shape == (16, smoke["vae"]["latent_dim"])
    assert model.decode(mean).shape == batch.shape
    noise = torch.randn(mean.shape, generator=torch.Generator().manual_seed(0))

    def loss():
        m, lv = model.encode(batch)
        return negative_elbo(model.decode_logits(model.reparameterize(m, lv, noise)), batch, m, lv)["loss"]

    assert_one_step_lowers(loss, task.optimizers["model"])


def test_kl_term_is_zero_for_the_prior():
    x = torch.full((2, 1, 28, 28), 0.5)
    terms = negative_elbo(torch.zeros_like(x), x, torch.zeros(2, 4), torch.zeros(2, 4))
    assert terms["kl"].item() == pytest.approx(0.0)


def test_gan_steps_lower_each_players_loss(smoke, batch):
    task = build_task("gan", smoke["gan"], CPU)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    z = torch.randn(16, smoke["gan"]["latent_dim"], generator=torch.Generator().manual_seed(0))
    real = batch * 2 - 1
    task.train_mode(False)  # batch-norm statistics fixed so the two evaluations compare
    fake = task.generator(z).detach()
    ones, zeros = torch.ones(16), torch.zeros(16)

    def d_loss():
        return bce(task.discriminator(real), ones) + bce(task.discriminator(fake), zeros)

    assert_one_step_lowers(d_loss, task.optimizers["discriminator"])

    def g_loss():
        return bce(task.discriminator(task.generator(z)), ones)

    assert_one_step_lowers(g_loss, task.optimizers["generator"])


def test_gan_discriminator_step_leaves_generator_gradients_untouched(smoke, batch):
    task = build_task("gan", smoke["gan"], CPU)
    seen = []
    original = task.optimizers["generator"].zero_grad

    def spy(*args, **kwargs):
        seen.append([p.grad is None for p in task.generator.parameters()])
        return original(*args, **kwargs)

    task.optimizers["generator"].zero_grad = spy
    task.training_step(batch)
    # The last reset comes just before the generator's backward pass, after the discriminator step.
    assert seen and all(seen[-1]), "the discriminator step must not write gradients into the generator"


def trained_generator(smoke, batch, discriminator_input, steps=3):
    torch.manual_seed(0)
    task = build_task("gan", {**smoke["gan"], "discriminator_input": discriminator_input}, CPU)
    for _ in range(steps):
        torch.manual_seed(1)  # the same z in every variant
        task.training_step(batch)
    return torch.cat([p.detach().flatten() for p in task.generator.parameters()])


def test_detach_only_matters_when_generator_gradients_are_kept(smoke, batch):
    detached = trained_generator(smoke, batch, "detached")
    assert torch.allclose(trained_generator(smoke, batch, "attached"), detached, atol=1e-6)
    assert not torch.allclose(trained_generator(smoke, batch, "attached_no_reset"), detached, atol=1e-4)


def test_gan_recipe_options_change_what_they_name(smoke, batch):
    task = build_task("gan", {**smoke["gan"], "spectral_norm": True, "discriminator_lr": 4e-4, "ema_decay": 0.9}, CPU)
    assert task.optimizers["discriminator"].param_groups[0]["lr"] == 4e-4
    assert task.optimizers["generator"].param_groups[0]["lr"] == smoke["gan"]["lr"]
    layers = [m for m in task.discriminator.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert layers and all(torch.nn.utils.parametrize.is_parametrized(m, "weight") for m in layers)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in task.discriminator.modules())
    for _ in range(3):
        terms = task.training_step(batch)
    assert all(torch.isfinite(v) for v in terms.values())
    # Spectral norm bounds each layer's largest singular value by one (power iteration: approximately).
    weight = layers[1].weight.detach().flatten(1)
    assert torch.linalg.matrix_norm(weight, ord=2) < 1.05
    # Samples come from the moving average, which trails the trained generator; both are reachable.
    noise = task.noise(8, torch.Generator().manual_seed(0))
    assert not torch.equal(task.generate(noise), task.generate(noise, use_ema=False))
    assert task.sampling_generator is task.ema.module
    restored = build_task("gan", task.config, CPU)
    restored.load_state(task.state())
    assert torch.equal(restored.generate(noise), task.generate(noise))


def discriminator_loss_at(smoke, batch, step: int, **changes) -> float:
    torch.manual_seed(0)
    task = build_task("gan", {**smoke["gan"], "discriminator_batch_norm": False, "adam_beta1": 0.0, **changes}, CPU)
    task.set_progress(step, 100)
    torch.manual_seed(1)
    return task.training_step(batch)["loss_d"].item()


def test_lazy_r1_penalizes_the_discriminator_only_every_interval_steps(smoke, batch):
    task = build_task("gan", {**smoke["gan"], "discriminator_batch_norm": False, "adam_beta1": 0.0}, CPU)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in task.discriminator.modules())
    assert all(group["betas"][0] == 0.0 for opt in task.optimizers.values() for group in opt.param_groups)
    plain = discriminator_loss_at(smoke, batch, 0)
    assert discriminator_loss_at(smoke, batch, 0, r1_gamma=10.0, r1_interval=4) > plain + 1e-4
    assert discriminator_loss_at(smoke, batch, 1, r1_gamma=10.0, r1_interval=4) == discriminator_loss_at(
        smoke, batch, 1
    )


def test_plain_gan_samples_from_its_trained_generator(smoke, batch):
    task = build_task("gan", smoke["gan"], CPU)
    task.training_step(batch)
    noise = task.noise(8, torch.Generator().manual_seed(0))
    assert task.ema is None and task.sampling_generator is task.generator
    assert torch.equal(task.generate(noise), task.generate(noise, use_ema=False))


def test_unet_keeps_image_shape():
    net = UNet(channels=16, channel_mults=(1, 2, 2), attention=True)
    x = torch.randn(4, 1, 28, 28)
    assert net(x, torch.tensor([0, 10, 500, 999])).shape == x.shape


def test_upsampling_to_the_finer_width_keeps_the_shape_and_costs_less_at_full_resolution():
    from torch.utils.flop_counter import FlopCounterMode

    def flops(net):
        with FlopCounterMode(display=False) as counter:
            net(torch.randn(2, 1, 28, 28), torch.tensor([0, 999]))
        return counter.get_total_flops()

    plain = UNet(channels=16, channel_mults=(1, 4, 4))
    finer = UNet(channels=16, channel_mults=(1, 4, 4), upsample_to_finer=True)
    assert finer(torch.randn(2, 1, 28, 28), torch.tensor([0, 999])).shape == (2, 1, 28, 28)
    # The 28x28 upsampling convolution emits 16 channels, not 64, and the block after it reads 16 + 16, not 64 + 16.
    assert flops(finer) < 0.75 * flops(plain)


def test_ddpm_step_lowers_loss_on_fixed_noise(smoke, batch):
    task = build_task("ddpm", smoke["ddpm"], CPU)
    x0 = batch * 2 - 1
    generator = torch.Generator().manual_seed(0)
    t = torch.randint(0, 1000, (16,), generator=generator)
    noise = torch.randn(x0.shape, generator=generator)

    def loss():
        return torch.nn.functional.mse_loss(task.model(task.diffusion.q_sample(x0, t, noise), t), noise)

    assert_one_step_lowers(loss, task.optimizers["model"])


def test_ema_weights_trail_the_trained_weights(smoke, batch):
    task = build_task("ddpm", smoke["ddpm"], CPU)
    initial = copy.deepcopy(task.model.state_dict())
    for _ in range(3):
        task.training_step(batch)
    name = next(n for n, p in task.model.named_parameters() if p.dim() > 1)
    trained = dict(task.model.named_parameters())[name]
    averaged = dict(task.ema.module.named_parameters())[name]
    assert not torch.equal(trained, initial[name])
    assert (averaged - initial[name]).norm() < (trained - initial[name]).norm()


@pytest.mark.parametrize("model", ["vae", "gan", "ddpm"])
def test_bf16_steps_keep_losses_and_samples_in_fp32(model, smoke, batch):
    task = build_task(model, {**smoke[model], "precision": "bf16", "timesteps": 20}, CPU)
    terms = task.training_step(batch)
    assert all(v.dtype == torch.float32 and torch.isfinite(v) for v in terms.values())
    assert all(p.dtype == torch.float32 for m in task.modules.values() for p in m.parameters())
    samples = task.generate(task.noise(3, torch.Generator().manual_seed(0)), torch.Generator().manual_seed(1))
    assert samples.dtype == torch.float32 and samples.min() >= 0 and samples.max() <= 1


def test_bf16_samples_are_close_to_fp32_ones(smoke):
    task = build_task("ddpm", {**smoke["ddpm"], "precision": "bf16"}, CPU)
    noise = task.noise(4, torch.Generator().manual_seed(0))
    reduced = task.generate(noise, sampler=task.sampler("ddim:10"))
    task.precision = "fp32"
    full = task.generate(noise, sampler=task.sampler("ddim:10"))
    assert not torch.equal(reduced, full)  # bf16 really ran
    assert (reduced - full).abs().mean() < 0.02


def test_auto_precision_picks_bf16_only_where_it_is_native_and_measured_faster(smoke, monkeypatch, tmp_path):
    import genreport.runtime as runtime

    machines = iter(range(100))

    def auto():  # each call on a machine that has not measured yet
        monkeypatch.setenv(runtime.CACHE_DIR_VARIABLE, str(tmp_path / str(next(machines))))
        return build_task("ddpm", {**smoke["ddpm"], "precision": "auto"}, CPU).precision

    def no_probe(device_type):
        raise AssertionError("no probe without native bf16")

    monkeypatch.setattr(runtime, "native_bf16", lambda device: False)
    monkeypatch.setattr(runtime, "bf16_speedup", no_probe)
    assert auto() == "fp32"
    monkeypatch.setattr(runtime, "native_bf16", lambda device: True)
    monkeypatch.setattr(runtime, "bf16_speedup", lambda device_type: 2.0)
    assert auto() == "bf16"
    # Native bf16 that runs no faster than fp32 (AVX-512 BF16 without AMX on some CPUs) stays in fp32.
    monkeypatch.setattr(runtime, "bf16_speedup", lambda device_type: 0.8)
    assert auto() == "fp32"


def test_auto_precision_probes_once_per_machine_and_keeps_the_choice(smoke, monkeypatch, tmp_path):
    import genreport.runtime as runtime

    monkeypatch.setenv(runtime.CACHE_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setattr(runtime, "native_bf16", lambda device: True)
    probes = []

    def probe(speedup):
        def measure(device_type):
            probes.append(speedup)
            return speedup

        return measure

    def auto():
        return build_task("gan", {**smoke["gan"], "precision": "auto"}, CPU).precision

    monkeypatch.setattr(runtime, "bf16_speedup", probe(2.0))
    assert auto() == "bf16"
    monkeypatch.setattr(runtime, "bf16_speedup", probe(0.5))  # a later job, its probe slowed by a loaded machine
    assert auto() == "bf16" and probes == [2.0], "the same machine keeps its first measurement"
    kept = json.loads((tmp_path / "precision.json").read_text())
    assert [entry["bf16_speedup"] for entry in kept.values()] == [2.0]
    monkeypatch.setattr(runtime, "machine_key", lambda: "another CPU; torch 2.14; 2 threads")
    assert auto() == "fp32" and probes == [2.0, 0.5], "another machine measures for itself"
    assert runtime.auto_precision_probe(CPU, "auto") == 0.5, "the training record names the ratio it chose by"
    assert runtime.auto_precision_probe(CPU, "fp32") is None


def test_the_presets_fix_each_models_precision_for_their_device():
    from genreport.config import OPTIONAL_DEFAULTS, load_preset
    from genreport.vocabulary import MODELS

    for preset in ("cpu", "gpu", "smoke"):
        settings = load_preset(preset)
        for model in MODELS:
            precision = settings[model].get("precision", OPTIONAL_DEFAULTS["every model"]["precision"])
            assert precision in ("fp32", "bf16"), f"{preset}.{model}: auto is opt-in"


def test_auto_precision_never_follows_the_load_where_its_measurement_cannot_be_kept(smoke, monkeypatch, tmp_path):
    import genreport.runtime as runtime

    monkeypatch.setattr(runtime, "native_bf16", lambda device: True)
    monkeypatch.setattr(runtime, "bf16_speedup", lambda device_type: 2.0)
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(runtime.CACHE_DIR_VARIABLE, str(blocked / "cache"))
    assert build_task("gan", {**smoke["gan"], "precision": "auto"}, CPU).precision == "fp32"
    # A cache entry of the wrong types is measured again and replaced, not a stop for every job.
    monkeypatch.setenv(runtime.CACHE_DIR_VARIABLE, str(tmp_path))
    (tmp_path / "precision.json").write_text(json.dumps({runtime.machine_key(): {"bf16_speedup": "fast"}}))
    assert build_task("gan", {**smoke["gan"], "precision": "auto"}, CPU).precision == "bf16"
    assert json.loads((tmp_path / "precision.json").read_text())[runtime.machine_key()]["bf16_speedup"] == 2.0


def test_bf16_probe_runs_on_this_cpu_and_gives_a_finite_ratio():
    import math

    import genreport.runtime as runtime

    ratio = runtime.bf16_speedup("cpu", repeats=1)
    assert math.isfinite(ratio) and ratio > 0


def test_unknown_precision_is_a_config_error(smoke):
    from genreport.errors import ConfigError

    with pytest.raises(ConfigError, match="precision is 'fp16'"):
        build_task("gan", {**smoke["gan"], "precision": "fp16"}, CPU)


CLASSIC = {"schedule": "linear", "prediction": "eps", "loss_weighting": "uniform"}


@pytest.mark.parametrize(
    "recipe",
    [
        CLASSIC,
        {"schedule": "cosine", "prediction": "v", "loss_weighting": "min_snr"},
        {"schedule": "linear", "prediction": "eps", "loss_weighting": "min_snr"},
    ],
)
@pytest.mark.parametrize("sampler", ["ancestral", "ddim:5", "dpm_solver:5", "dpm_solver:5:edm", "ddim:5:logsnr"])
def test_every_ddpm_recipe_trains_and_samples_with_every_sampler(smoke, batch, recipe, sampler):
    task = build_task("ddpm", {**smoke["ddpm"], **recipe, "timesteps": 50}, CPU)
    losses = [task.training_step(batch)["loss"].item() for _ in range(3)]
    assert all(torch.isfinite(torch.tensor(losses)))
    images = task.generate(
        task.noise(4, torch.Generator().manual_seed(0)), torch.Generator().manual_seed(1), sampler=task.sampler(sampler)
    )
    assert images.shape == (4, 1, 28, 28) and images.min() >= 0 and images.max() <= 1


def test_ddpm_config_holds_every_recipe_setting_a_preset_leaves_out(smoke):
    recipe_keys = ("schedule", "prediction", "loss_weighting", "min_snr_gamma", "ema_warmup")
    config = {k: v for k, v in smoke["ddpm"].items() if k not in recipe_keys}
    task = build_task("ddpm", config, CPU)
    assert {k: task.config[k] for k in recipe_keys} == {
        "schedule": "linear",
        "prediction": "eps",
        "loss_weighting": "uniform",
        "min_snr_gamma": 5.0,
        "ema_warmup": False,
    }
    assert task.diffusion.prediction == "eps"


def test_min_snr_weights_follow_the_prediction_target():
    from genreport.diffusion.process import GaussianDiffusion

    t = torch.tensor([0, 100, 999])
    for prediction, denominator in (("eps", lambda snr: snr), ("v", lambda snr: snr + 1)):
        process = GaussianDiffusion(1000, prediction=prediction, loss_weighting="min_snr", min_snr_gamma=5.0)
        snr = process.snr[t]
        expected = (snr.clamp(max=5.0) / denominator(snr)).float()
        torch.testing.assert_close(process.loss_weight(t), expected)
    # Where SNR is below gamma the eps weight is exactly 1: min-SNR only down-weights the easy, low-noise steps.
    assert GaussianDiffusion(1000, loss_weighting="min_snr").loss_weight(torch.tensor([999])).item() == 1.0


def test_ema_warm_up_follows_the_trained_weights_sooner_than_a_fixed_decay(smoke, batch):
    def distance_after_training(warm_up: bool) -> float:
        torch.manual_seed(0)
        task = build_task("ddpm", {**smoke["ddpm"], "ema_decay": 0.999, "ema_warmup": warm_up}, CPU)
        for _ in range(20):
            task.training_step(batch)
        pairs = zip(task.ema.module.parameters(), task.model.parameters(), strict=True)
        return sum((a - b).pow(2).sum().item() for a, b in pairs)

    fixed, warmed_up = distance_after_training(False), distance_after_training(True)
    assert warmed_up < 0.1 * fixed


def test_warmup_cosine_rises_linearly_then_falls_to_zero_at_the_last_step():
    factors = [learning_rate_factor("warmup_cosine", step, 110, warmup_steps=10) for step in range(110)]
    assert factors[:10] == pytest.approx([(step + 1) / 10 for step in range(10)])
    assert factors[10] == pytest.approx(1.0)
    assert factors[60] == pytest.approx(0.5)  # halfway through the decay
    assert all(later <= earlier for earlier, later in itertools.pairwise(factors[10:]))
    assert learning_rate_factor("warmup_cosine", 110, 110, warmup_steps=10) == pytest.approx(0.0)
    assert learning_rate_factor("constant", 57, 110) == 1.0
    with pytest.raises(ValueError, match="unknown learning-rate schedule"):
        learning_rate_factor("step", 0, 10)


def test_warmup_cosine_matches_torchs_own_schedulers():
    """torch's LinearLR then CosineAnnealingLR, stepped as a training loop steps them, as the oracle."""
    warmup, total = 10, 110
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = torch.optim.lr_scheduler.SequentialLR(
        optimizer,
        [
            torch.optim.lr_scheduler.LinearLR(optimizer, 1 / warmup, 1.0, total_iters=warmup - 1),
            torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total - warmup, eta_min=0.0),
        ],
        milestones=[warmup],
    )
    expected = []
    for _ in range(total):
        expected.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert [learning_rate_factor("warmup_cosine", step, total, warmup) for step in range(total)] == pytest.approx(
        expected
    )


def test_set_progress_scales_every_optimizers_own_rate(smoke):
    config = {
        **smoke["gan"],
        "lr": 2e-4,
        "discriminator_lr": 4e-4,
        "lr_schedule": "warmup_cosine",
        "lr_warmup_steps": 10,
    }
    task = build_task("gan", config, CPU)
    task.set_progress(4, 110)
    assert [group["lr"] for group in task.optimizers["generator"].param_groups] == pytest.approx([2e-4 * 0.5])
    assert [group["lr"] for group in task.optimizers["discriminator"].param_groups] == pytest.approx([4e-4 * 0.5])
    task.set_progress(110, 110)
    assert task.optimizers["generator"].param_groups[0]["lr"] == pytest.approx(0.0)
    constant = build_task("gan", {**config, "lr_schedule": "constant"}, CPU)
    constant.set_progress(4, 110)
    assert constant.optimizers["generator"].param_groups[0]["lr"] == 2e-4


def test_kl_warm_up_weighs_only_the_objective_and_reaches_one(smoke, batch):
    task = build_task("vae", {**smoke["vae"], "kl_warmup_steps": 10}, CPU)
    task.set_progress(0, 100)
    assert task.kl_weight() == pytest.approx(0.1)
    terms = task.training_step(batch)
    assert terms["loss"] == pytest.approx(terms["reconstruction"] + terms["kl"])  # the record stays the -ELBO
    task.set_progress(50, 100)
    assert task.kl_weight() == 1.0
    assert build_task("vae", smoke["vae"], CPU).kl_weight() == 1.0
