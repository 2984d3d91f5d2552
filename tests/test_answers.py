"""The report's comparative wording follows the numbers it is given."""

from __future__ import annotations

from genreport.answers import ANSWERS, answer_1_3_b, answer_1_3_c, answer_2_2_b, answer_3_b, answer_4


def model(name, sharpness, train_time, per_sample, ratio=1.2, losses=None):
    losses = losses or ({"loss_d": 1.0, "loss_g": 1.0, "d_real": 0.6, "d_fake": 0.4} if name == "gan" else {"loss": 0.5})
    if name == "vae":
        losses = {"loss": 100.0, "reconstruction": 80.0, "kl": 20.0}
    return {
        "name": name, "device": "cpu (test)", "torch": "x", "seed": 0, "epochs": 3, "steps": 300,
        "train_images": 1000, "config": {"latent_dim": 8, "likelihood": "bernoulli"}, "parameters": {"model": 10},
        "parameters_total": 10, "train_time_s": train_time, "images_per_s": 100.0,
        "first_losses": {k: v * 2 for k, v in losses.items()}, "final_losses": losses,
        "sharpness_ratio": sharpness,
        "sharpness_by_epoch": [(1, 0.5 * sharpness * 0.1), (3, 0.1 * sharpness)],
        "measurements": {
            "seconds_per_sample": per_sample, "sharpness_samples": sharpness * 0.1, "sharpness_test_images": 0.1,
            "interpolation": {"mean_step_rms": 0.05, "max_over_mean_step": ratio, "worst_max_over_mean_step": ratio},
            "reconstruction_mse": 0.01, "test_negative_elbo": {"loss": 100.0, "reconstruction": 80.0, "kl": 20.0},
            "sampling_steps": 1000,
        },
    }


def results(vae_sharp=0.6, gan_sharp=0.95, ddpm_sharp=0.9, ratio=1.2):
    return {"preset": "test", "models": {
        "vae": model("vae", vae_sharp, 60.0, 1e-4, ratio),
        "gan": model("gan", gan_sharp, 120.0, 1e-4, ratio),
        "ddpm": model("ddpm", ddpm_sharp, 600.0, 0.2, ratio),
    }}


def test_every_question_is_answered():
    r = results()
    for key, answer in ANSWERS.items():
        assert len(answer(r)) > 50, key


def test_blur_comparison_flips_with_the_numbers():
    assert "VAE samples are blurrier than GAN samples" in answer_1_3_b(results(vae_sharp=0.6, gan_sharp=0.95))
    assert "VAE samples are sharper than GAN samples" in answer_1_3_b(results(vae_sharp=0.95, gan_sharp=0.6))
    assert "GAN samples are blurrier than VAE samples" in answer_2_2_b(results(vae_sharp=0.95, gan_sharp=0.6))
    assert "VAE samples are slightly blurrier than GAN samples" in answer_1_3_b(results(vae_sharp=0.9, gan_sharp=0.95))


def test_ranking_and_spec_agreement_follow_the_numbers():
    agrees = answer_3_b(results(vae_sharp=0.5, gan_sharp=0.95, ddpm_sharp=0.8))
    assert "This agrees" in agrees
    assert agrees.index("GAN (0.95)") < agrees.index("DDPM (0.80)") < agrees.index("VAE (0.50)")
    disagrees = answer_3_b(results(vae_sharp=0.9, gan_sharp=0.8, ddpm_sharp=0.95))
    assert "This contradicts" in disagrees and "the GAN's are" in disagrees


def test_speckle_is_not_called_sharper():
    text = answer_1_3_b(results(vae_sharp=1.1, gan_sharp=1.2))
    assert "neither the VAE nor the GAN samples are blurry" in text.lower() or "Neither the VAE" in text


def test_smoothness_verdict_follows_the_numbers():
    assert answer_1_3_c(results(ratio=1.3)).count("Yes, the transition is smooth") == 1
    one_jump = results(ratio=1.5)
    one_jump["models"]["vae"]["measurements"]["interpolation"]["worst_max_over_mean_step"] = 3.0
    assert "Mostly" in answer_1_3_c(one_jump)
    assert "Not entirely" in answer_1_3_c(results(ratio=4.0))


def test_cost_wording_follows_the_numbers():
    r = results()
    assert "GANs carry a higher load than VAEs holds" in answer_4(r)
    r["models"]["gan"]["train_time_s"] = 10.0
    assert "did not hold" in answer_4(r)
