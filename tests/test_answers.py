"""The report's comparative wording follows the numbers it is given."""

from __future__ import annotations

from support import results

from genreport.config import RECORDED_DEFAULTS
from genreport.report.answers import (
    ANSWERS,
    REAL_ROW,
    TABLES,
    answer_1_3_b,
    answer_1_3_c,
    answer_2_2_b,
    answer_2_3,
    answer_2_4_a,
    answer_2_4_c,
    answer_3_b,
    answer_4,
    bound_terms_clause,
    coverage_sentence,
    ddpm_objective,
    moving_average_sentence,
    precision_sentence,
)


def test_ddpm_objective_names_the_recipe_its_record_holds():
    assert ddpm_objective(RECORDED_DEFAULTS["ddpm"]) == "linear noise schedule, noise (ε) prediction, uniform weights"
    recipe = {
        **RECORDED_DEFAULTS["ddpm"],
        "schedule": "cosine",
        "prediction": "v",
        "loss_weighting": "min_snr",
        "min_snr_gamma": 3.0,
    }
    assert ddpm_objective(recipe) == "cosine noise schedule, velocity (v) prediction, min-SNR-3 weights"


def test_bound_terms_clause_sums_the_early_terms():
    terms = [
        {"t_start": 0, "t_stop": 1, "bits_per_dim": 1.0},
        {"t_start": 1, "t_stop": 10, "bits_per_dim": 0.5},
        {"t_start": 10, "t_stop": 1000, "bits_per_dim": 0.49},
        {"t_start": 1000, "t_stop": None, "bits_per_dim": 0.01},
    ]
    clause = bound_terms_clause({"terms_bits_per_dim": terms, "negative_bound": {"bits_per_dim": 2.0}})
    assert "75% of it from the first 10 of 1000 timesteps" in clause and "0.01 bits/dim from the prior" in clause
    assert bound_terms_clause({}) == ""  # metrics written before the terms were kept


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


def score(fid, precision=0.7, recall=0.5):
    return {
        "fid": fid,
        "fid_over_real": fid / 2.0,
        "precision": precision,
        "recall": recall,
        "kid": 0.01,
        "kid_std": 0.001,
        "count": 1000,
        "mean_top_probability": 0.9,
    }


def probe(accuracy, dims=100, test=10000):
    return {"test_accuracy": accuracy, "feature_dim": dims, "test_examples": test}


def measured(gan_fid=10.0, vae_fid=30.0, ddpm_fid=5.0):
    r = results()
    r["metrics"] = {
        "sample_metrics": {"vae": score(vae_fid), "gan": score(gan_fid), "ddpm": score(ddpm_fid), REAL_ROW: score(2.0)},
        "sampling": {"ddpm": {"sampler": "DDIM, 50 steps"}},
        "likelihood": {
            "vae": {
                "importance_samples": 1000,
                "images": 500,
                "trained_on_binarized": True,
                "negative_iwae_bound": {"mean": 88.0, "standard_error": 1.0, "bits_per_dim": 0.16},
                "negative_elbo": {"mean": 93.0, "standard_error": 1.0, "bits_per_dim": 0.17},
            },
            "ddpm": {"images": 500, "negative_bound": {"bits_per_dim": 2.0, "bits_per_dim_standard_error": 0.4}},
        },
    }
    path = {
        "mean_feature_step": 1.0,
        "max_over_mean_feature_step": 1.5,
        "path_over_chord": 1.4,
        "class_changes_per_path": 1.0,
    }
    sampler = {"seconds_per_image": 1.0, "fid": 10.0, **score(10.0), "peak_gpu_memory_bytes": None}
    losses = {"loss_d": 0.8, "loss_g": 1.5, "d_real": 0.7, "d_fake": 0.3}
    variant = {
        "description": "x",
        "seconds_per_step": 0.01,
        "final_losses": losses,
        "fid": 10.0,
        "precision": 0.7,
        "recall": 0.5,
    }
    r["experiments"] = {
        "detach": {
            "epochs": 1,
            "samples": 1000,
            "variants": {
                "detached": variant,
                "attached": {**variant, "seconds_per_step": 0.013},
                "attached_no_reset": {**variant, "fid": 10.5},
            },
        },
        "reconstruction": {
            "images": 256,
            "inversion": {"steps": 300, "restarts": 4},
            "vae": {
                "mse": {"mean": 0.010, "standard_error": 0.001},
                "psnr_db": {"mean": 20.0},
                "seconds_per_image": 1e-4,
            },
            "gan": {
                "mse": {"mean": 0.020, "standard_error": 0.001},
                "psnr_db": {"mean": 17.0},
                "seconds_per_image": 0.1,
            },
        },
        "probes": {
            "labels_per_class_few": 100,
            "train_images_many": 10000,
            "test_images": 10000,
            "probes": {
                "raw pixels": {"few_labels": probe(0.85), "many_labels": probe(0.91)},
                "GAN discriminator, last hidden layer": {"few_labels": probe(0.90), "many_labels": probe(0.97)},
                "GAN inverted z": {"few_labels": probe(0.50, test=1000), "many_labels": None},
            },
        },
        "interpolation": {
            "pairs": 6,
            "frames": 10,
            "sampler_setting": "ddim:50",
            "sampler": "DDIM, 50 steps",
            "models": {"vae": path, "gan": {**path, "max_over_mean_feature_step": 1.2}, "ddpm": path},
        },
        "samplers": {
            "images": 64,
            "samplers": {
                "ancestral, 1000 steps": sampler,
                "DDIM, 100 steps": {**sampler, "seconds_per_image": 0.1},
                "DDIM, 50 steps": {**sampler, "seconds_per_image": 0.05, "fid": 12.0},
            },
            "moving_average_against_raw": {
                "sampler": "DDIM, 50 steps",
                "images": 1000,
                "moving average": score(10.0),
                "raw": score(14.0),
            },
        },
    }
    return r


def test_quality_wording_flips_when_the_gan_gets_worse_than_the_vae():
    assert "the GAN's samples are closer to the test set than the VAE's" in answer_2_2_b(measured(10.0, 30.0))
    assert "the VAE's samples are closer to the test set than the GAN's" in answer_2_2_b(measured(40.0, 30.0))
    assert "By FID the order is GAN (10.00) < DDPM (20.00) < VAE (30.00)" in answer_3_b(measured(10.0, 30.0, 20.0))


def test_detach_verdict_follows_the_leak_experiment():
    r = measured()
    assert "was not essential for correctness" in answer_2_3(r)
    assert "identical losses and FID" in answer_2_3(r) and "30% longer" in answer_2_3(r)
    r["experiments"]["detach"]["variants"]["attached_no_reset"]["fid"] = 25.0
    assert "visibly hurts" in answer_2_3(r)


def test_reconstruction_verdict_follows_the_errors():
    r = measured()
    assert "only approximately" in answer_2_4_a(r)
    r["experiments"]["reconstruction"]["gan"]["mse"]["mean"] = 0.005
    assert "does not hold once inversion is allowed" in answer_2_4_a(r)
    r["experiments"]["reconstruction"].update(evaluator_accuracy_on_originals=0.99)
    r["experiments"]["reconstruction"]["vae"]["class_kept"] = 0.97
    r["experiments"]["reconstruction"]["gan"]["class_kept"] = 0.97
    assert "does not hold once inversion is allowed" in answer_2_4_a(r)
    r["experiments"]["reconstruction"]["gan"]["class_kept"] = 0.90
    assert "holds only in part" in answer_2_4_a(r) and "90.0% of the GAN's" in answer_2_4_a(r)


def test_representation_answer_names_the_most_readable_representation():
    r = measured()
    assert answer_2_4_c(r).endswith("here is the GAN discriminator, last hidden layer.")
    r["experiments"]["probes"]["probes"]["GAN inverted z"]["few_labels"]["test_accuracy"] = 0.99
    assert answer_2_4_c(r).endswith("here is the GAN inverted z.")


def test_moving_average_verdict_follows_the_fids():
    comparison = {"sampler": "DDIM, 50 steps", "images": 1000, "moving average": score(10.0), "raw": score(14.0)}
    assert "the moving average pays" in moving_average_sentence(comparison)
    comparison["raw"] = score(10.3)
    assert "makes no difference" in moving_average_sentence(comparison)
    comparison["raw"] = score(7.0)
    assert "does not pay" in moving_average_sentence(comparison)


def test_every_question_is_answered_with_the_experiments():
    r = measured()
    for key, answer in ANSWERS.items():
        assert len(answer(r)) > 50, key
    for name, table in TABLES.values():
        assert table(r).count("\n") >= 3, name
    assert "10× less time per image, FID 10.00 against 10.00 (within 10% of it;" in answer_4(r)
    assert "FID 12.00 against 10.00 (not within 10% of it; their KIDs differ by less" in answer_4(r)
    r["experiments"]["samplers"]["samplers"]["DDIM, 50 steps"]["kid"] = 0.05
    assert "FID 12.00 against 10.00 (not within 10% of it)" in answer_4(r)


def test_precision_verdict_follows_the_comparison():
    r = measured()
    assert precision_sentence(r) == ""  # every model in fp32: nothing to say
    r["models"]["ddpm"]["precision"] = "bf16"
    assert "The DDPM ran its networks in bf16" in precision_sentence(r)
    comparison = {
        "precision": "bf16",
        "sampler": "DDIM, 50 steps",
        "images": 256,
        "mean_abs_pixel_difference": 0.001,
        "max_abs_pixel_difference": 0.3,
        "same_digit_share": 0.95,
        "seconds_per_image": {"bf16": 0.05, "fp32": 0.1},
        "scores": {"bf16": score(10.2), "fp32": score(10.0)},
    }
    r["experiments"]["samplers"]["precision_against_fp32"] = comparison
    assert "bf16 keeps the samples' quality" in precision_sentence(r)
    assert "same digit in 95.0% of them" in precision_sentence(r)
    assert "2.0× less time per image" in answer_4(r)
    comparison["scores"]["bf16"] = score(12.0)
    assert "bf16 changes the samples' quality measurably" in precision_sentence(r)
    comparison["scores"]["bf16"] = {**score(10.0), "mean_top_probability": 0.8}
    assert "bf16 changes the samples' quality measurably" in precision_sentence(r)
    comparison["images"] = 16
    assert "spot check, too few to judge" in precision_sentence(r)


def test_coverage_wording_follows_where_the_excess_sits():
    row = {
        **score(10.0),
        "class_shares": [0.08] * 7 + [0.2, 0.08, 0.08],
        "confidence_threshold": 0.9,
        "class_shares_confident": [0.07] * 7 + [0.25, 0.07, 0.07],
        "class_shares_unsure": [0.1] * 10,
    }
    scores = {"ddpm": row, REAL_ROW: {**score(2.0), "class_shares": [0.1] * 10}}
    assert "DDPM: '7' at 20.0%, real images 10.0%" in coverage_sentence(scores)
    assert "so the model draws too many of them" in coverage_sentence(scores)
    row["class_shares_confident"], row["class_shares_unsure"] = [0.1] * 10, [0.07] * 7 + [0.3, 0.07, 0.07]
    assert "evaluator reading ambiguous strokes" in coverage_sentence(scores)
    assert coverage_sentence({"ddpm": score(10.0)}) == ""  # metrics from before the split: no sentence
    row["class_shares"] = [0.1] * 7 + [0.12, 0.09, 0.09]
    assert "DDPM: no digit above 13% (most frequent '7', 12.0%)" in coverage_sentence(scores)
