"""The report's words follow the numbers and verdicts they are given."""

from __future__ import annotations

import ast
import re

import pytest
from support import results

from genreport.config import RECORDED_DEFAULTS
from genreport.report import readings
from genreport.report.claims import check_all
from genreport.report.words import (
    SECTION_CONTEXTS,
    TABLES,
    TEMPLATES,
    answer,
    coverage,
    ddpm_objective,
    samplers_supplement,
    summary,
    table,
)
from genreport.vocabulary import REAL_ROW


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


def test_the_bound_terms_reading_sums_the_early_terms():
    terms = [
        {"t_start": 0, "t_stop": 1, "bits_per_dim": 1.0},
        {"t_start": 1, "t_stop": 10, "bits_per_dim": 0.5},
        {"t_start": 10, "t_stop": 1000, "bits_per_dim": 0.49},
        {"t_start": 1000, "t_stop": None, "bits_per_dim": 0.01},
    ]
    ddpm = {"terms_bits_per_dim": terms, "negative_bound": {"bits_per_dim": 2.0}}
    read = readings.ddpm_bound_terms({"metrics": {"likelihood": {"ddpm": ddpm}}})
    assert read == {"early": 10, "early_share": 0.75, "timesteps": 1000, "prior_bits_per_dim": 0.01}
    r = measured()
    r["metrics"]["likelihood"]["ddpm"].update(terms_bits_per_dim=terms)
    text = answer("2.4 b", r)
    assert "75% of it from the first 10 of 1000 timesteps" in text and "0.01 bits/dim from the prior" in text
    # metrics written before the terms were kept
    assert readings.ddpm_bound_terms({"metrics": {"likelihood": {"ddpm": {}}}}) is None


def test_every_question_is_answered():
    r = results()
    for key in SECTION_CONTEXTS:
        assert len(answer(key, r)) > 50, key


def test_blur_comparison_flips_with_the_numbers():
    assert "VAE samples are blurrier than GAN samples" in answer("1.3 b", results(vae_sharp=0.6, gan_sharp=0.95))
    assert "VAE samples are sharper than GAN samples" in answer("1.3 b", results(vae_sharp=0.95, gan_sharp=0.6))
    assert "GAN samples are blurrier than VAE samples" in answer("2.2 b", results(vae_sharp=0.95, gan_sharp=0.6))
    assert "VAE samples are slightly blurrier than GAN samples" in answer(
        "1.3 b", results(vae_sharp=0.9, gan_sharp=0.95)
    )


def test_ranking_and_spec_agreement_follow_the_numbers():
    agrees = answer("3 b", results(vae_sharp=0.5, gan_sharp=0.95, ddpm_sharp=0.8))
    assert "This agrees" in agrees
    assert agrees.index("GAN (0.95)") < agrees.index("DDPM (0.80)") < agrees.index("VAE (0.50)")
    disagrees = answer("3 b", results(vae_sharp=0.9, gan_sharp=0.8, ddpm_sharp=0.95))
    assert "This contradicts" in disagrees and "the GAN's are" in disagrees


def test_speckle_is_not_called_sharper():
    text = answer("1.3 b", results(vae_sharp=1.1, gan_sharp=1.2))
    assert "neither the VAE nor the GAN samples are blurry" in text.lower() or "Neither the VAE" in text


def test_smoothness_verdict_follows_the_numbers():
    assert answer("1.3 c", results(ratio=1.3)).count("Yes, the VAE's transition is smooth") == 1
    one_jump = results(ratio=1.5)
    one_jump["models"]["vae"]["measurements"]["interpolation"]["worst_max_over_mean_step"] = 3.0
    assert "Mostly" in answer("1.3 c", one_jump)
    assert "Not entirely" in answer("1.3 c", results(ratio=4.0))


def test_cost_wording_follows_the_numbers():
    r = results()
    assert "GANs carry a higher load than VAEs holds" in answer("4", r)
    r["models"]["gan"]["train_time_s"] = 10.0
    assert "did not hold" in answer("4", r)


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
        "class_shares": [0.1] * 10,
    }


def probe(accuracy, dims=100, test=10000):
    return {"test_accuracy": accuracy, "feature_dim": dims, "test_examples": test}


def supplement(r):
    """The appendix's sampler, weight-average and precision comparisons."""
    return samplers_supplement(r, check_all(r))


def measured(gan_fid=10.0, vae_fid=30.0, ddpm_fid=5.0):
    r = results()
    r["metrics"] = {
        "evaluator": {"architecture": "vgg", "test_accuracy": 0.99, "feature_dim": 128},
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
    assert "the GAN's samples are closer to the test set than the VAE's" in answer("2.2 b", measured(10.0, 30.0))
    assert "the VAE's samples are closer to the test set than the GAN's" in answer("2.2 b", measured(40.0, 30.0))
    assert "By FID the order is GAN (10.00) < DDPM (20.00) < VAE (30.00)" in answer("3 b", measured(10.0, 30.0, 20.0))


def test_detach_verdict_follows_the_leak_experiment():
    r = measured()
    assert "was not essential for correctness" in answer("2.3", r)
    assert "identical losses and FID" in answer("2.3", r) and "30% longer" in answer("2.3", r)
    r["experiments"]["detach"]["variants"]["attached_no_reset"]["fid"] = 25.0
    assert "visibly hurts" in answer("2.3", r)


def test_reconstruction_verdict_follows_the_errors():
    r = measured()
    assert "only approximately" in answer("2.4 a", r)
    r["experiments"]["reconstruction"]["gan"]["mse"]["mean"] = 0.005
    assert "does not hold once inversion is allowed" in answer("2.4 a", r)
    r["experiments"]["reconstruction"].update(evaluator_accuracy_on_originals=0.99)
    r["experiments"]["reconstruction"]["vae"]["class_kept"] = 0.97
    r["experiments"]["reconstruction"]["gan"]["class_kept"] = 0.97
    assert "does not hold once inversion is allowed" in answer("2.4 a", r)
    r["experiments"]["reconstruction"]["gan"]["class_kept"] = 0.90
    assert "holds only in part" in answer("2.4 a", r) and "90.0% of the GAN's" in answer("2.4 a", r)
    # The VAE's decoder given the same search reconstructs closer than the inverted GAN: the gain is the search's.
    r["experiments"]["reconstruction"]["vae_searched"] = {
        "mse": {"mean": 0.002, "standard_error": 0.0001},
        "seconds_per_image": 0.1,
        "class_kept": 0.98,
    }
    text = answer("2.4 a", r)
    assert (
        "holds only in part: inverted, it beats the VAE's one pass, but the VAE's decoder under the same search" in text
    )
    assert "the VAE's decoder reaches MSE 0.0020 ± 0.0001" in text


def test_representation_answer_names_the_most_readable_representation():
    r = measured()
    assert "With few labels the order is GAN discriminator, last hidden layer" in answer("2.4 c", r)
    r["experiments"]["probes"]["probes"]["GAN inverted z"]["few_labels"]["test_accuracy"] = 0.99
    assert "With few labels the order is GAN inverted z" in answer("2.4 c", r)


def test_moving_average_verdict_follows_the_fids():
    r = measured()
    comparison = r["experiments"]["samplers"]["moving_average_against_raw"]
    assert "the moving average pays" in supplement(r)
    comparison["raw"] = score(10.3)
    assert "makes no difference" in supplement(r)
    comparison["raw"] = score(7.0)
    assert "does not pay" in supplement(r)


def test_every_question_is_answered_with_the_experiments():
    r = measured()
    for key in SECTION_CONTEXTS:
        assert len(answer(key, r)) > 50, key
    for key in TABLES:
        assert table(key, r).count("\n") >= 3, key
    assert "10× less time per image, FID 10.0 against 10.0 (indistinguishable at this count;" in supplement(r)
    assert "FID 12.0 against 10.0 (a difference beyond the sampling noise; their KIDs differ by less" in supplement(r)
    r["experiments"]["samplers"]["samplers"]["DDIM, 50 steps"]["kid"] = 0.05
    assert "FID 12.0 against 10.0 (a difference beyond the sampling noise)" in supplement(r)
    # With intervals, a difference of 12 against 10 that the intervals cover is no difference.
    for row in r["experiments"]["samplers"]["samplers"].values():
        row["intervals"] = {"fid": [row["fid"] - 3.0, row["fid"] + 3.0]}
    assert "FID 12.0 [9.0–15.0] against 10.0 [7.0–13.0] (indistinguishable at this count)" in supplement(r)


def test_precision_verdict_follows_the_comparison():
    r = measured()
    assert "bf16" not in supplement(r)  # every model in fp32: nothing to say
    r["models"]["ddpm"]["precision"] = "bf16"
    assert "The DDPM ran its networks in bf16" in supplement(r)
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
    assert "bf16 keeps the samples' quality" in supplement(r)
    assert "same digit in 95.0% of them" in supplement(r)
    assert "2.0× less time per image" in supplement(r)
    comparison["scores"]["bf16"] = score(12.0)
    assert "bf16 changes the samples' quality measurably" in supplement(r)
    comparison["scores"]["bf16"] = {**score(10.0), "mean_top_probability": 0.8}
    assert "bf16 changes the samples' quality measurably" in supplement(r)
    comparison["images"] = 16
    assert "spot check, too few to judge" in supplement(r)


def test_coverage_wording_follows_where_the_excess_sits():
    row = {
        **score(10.0),
        "class_shares": [0.08] * 7 + [0.2, 0.08, 0.08],
        "confidence_threshold": 0.9,
        "class_shares_confident": [0.07] * 7 + [0.25, 0.07, 0.07],
        "class_shares_unsure": [0.1] * 10,
    }
    scores = {"ddpm": row, REAL_ROW: {**score(2.0), "class_shares": [0.1] * 10}}
    assert "DDPM: '7' at 20.0%, real images 10.0%" in coverage(scores)
    assert "so the model draws too many of them" in coverage(scores)
    row["class_shares_confident"], row["class_shares_unsure"] = [0.1] * 10, [0.07] * 7 + [0.3, 0.07, 0.07]
    assert "evaluator reading ambiguous strokes" in coverage(scores)
    assert coverage({"ddpm": score(10.0)}) == ""  # metrics from before the split: no sentence
    row["class_shares"] = [0.1] * 7 + [0.12, 0.09, 0.09]
    assert "DDPM: no digit above 13% (most frequent '7', 12.0%)" in coverage(scores)


SMOOTH = {"held": "Yes, the", "held in part": "Mostly:", "did not hold": "Not entirely"}
DETACH = {"held": "visibly hurts", "held in part": "was not essential for correctness"}
INVERSION = {"held": "only approximately", "held in part": "holds only in part", "did not hold": "does not hold once"}


def paths(model, mean, worst):
    def change(r):
        r["models"][model]["measurements"]["interpolation"].update(
            max_over_mean_step=mean, worst_max_over_mean_step=worst
        )

    return change


def set_in(*keys, value):
    def change(r):
        target = r
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def kept(vae, gan):
    def change(r):
        r["experiments"]["reconstruction"].update(evaluator_accuracy_on_originals=0.99)
        r["experiments"]["reconstruction"]["vae"]["class_kept"] = vae
        r["experiments"]["reconstruction"]["gan"]["class_kept"] = gan

    return change


@pytest.mark.parametrize(
    "key, changes, outcome, phrases",
    [
        ("1.3 c", [paths("vae", 1.2, 1.2)], "held", SMOOTH),
        ("1.3 c", [paths("vae", 1.5, 3.0)], "held in part", SMOOTH),
        ("1.3 c", [paths("vae", 4.0, 4.0)], "did not hold", SMOOTH),
        ("2.2 c", [paths("gan", 1.5, 3.0)], "held in part", SMOOTH),
        ("2.2 c", [paths("gan", 4.0, 4.5)], "did not hold", SMOOTH),
        ("2.3", [], "held in part", DETACH),
        ("2.3", [set_in("experiments", "detach", "variants", "attached_no_reset", "fid", value=25.0)], "held", DETACH),
        ("2.4 a", [], "held", INVERSION),
        (
            "2.4 a",
            [set_in("experiments", "reconstruction", "gan", "mse", "mean", value=0.005)],
            "did not hold",
            INVERSION,
        ),
        (
            "2.4 a",
            [set_in("experiments", "reconstruction", "gan", "mse", "mean", value=0.005), kept(0.97, 0.90)],
            "held in part",
            INVERSION,
        ),
    ],
)
def test_each_verdict_and_the_sentence_under_it_agree(key, changes, outcome, phrases):
    """The answer words the outcome of the claim it opens with, and no other outcome."""
    r = measured()
    for change in changes:
        change(r)
    [verdict] = [v for c, v in check_all(r) if c.key == key]
    text = answer(key, r)
    assert verdict.outcome == outcome
    assert phrases[outcome] in text
    assert not any(phrase in text for name, phrase in phrases.items() if name != outcome)


@pytest.mark.parametrize("vae, gan, blurrier", [(0.6, 0.95, True), (1.1, 1.2, False), (0.95, 0.6, False)])
def test_the_blur_claim_and_the_blur_sentence_use_one_definition(vae, gan, blurrier):
    """'Blurrier' in the claims table and in the answer under it is the same judgement: speckle is not sharpness."""
    r = results(vae_sharp=vae, gan_sharp=gan)
    [verdict] = [v for c, v in check_all(r) if c.key == "1.3 b"]
    held_parts = verdict.reason.split("; held: ")[1] if "; held: " in verdict.reason else ""
    held = verdict.outcome == "held" or "blurrier than the GAN's" in held_parts
    assert held == blurrier
    assert ("VAE samples are blurrier than GAN samples" in answer("1.3 b", r)) == blurrier


def expressions(template: str) -> list[str]:
    """The Jinja expressions and statements of a template, with their string literals removed."""
    code = re.findall(r"\{\{(.*?)\}\}|\{%(.*?)%\}", template, flags=re.S)
    return [re.sub(r'"[^"]*"|\'[^\']*\'', '""', "".join(parts)) for parts in code]


def test_the_templates_compare_no_numbers():
    """Templates pick words by outcome; every comparison of two numbers is a judgement in claims.py."""
    for path in TEMPLATES.glob("*.j2"):
        for expression in expressions(path.read_text()):
            assert not re.search(r"[<>]", expression), f"{path.name}: {expression.strip()}"


def test_the_words_read_no_results_directly():
    """The words and the document reach a run's numbers through readings only: no subscript of the results."""
    for module in ("words.py", "document.py"):
        tree = ast.parse((TEMPLATES.parent / module).read_text())
        raw = [
            ast.unparse(node)
            for node in ast.walk(tree)
            if isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("r", "results")
        ]
        assert raw == [], f"{module}: {raw}"


def test_the_report_says_when_the_metrics_order_the_models_differently():
    from genreport.report.words import scored_sets

    r = measured(gan_fid=10.0, vae_fid=30.0, ddpm_fid=5.0)
    for model, (kid, precision, recall) in {
        "ddpm": (0.01, 0.9, 0.9),
        "gan": (0.02, 0.8, 0.8),
        "vae": (0.03, 0.7, 0.7),
    }.items():
        r["metrics"]["sample_metrics"][model].update(kid=kid, precision=precision, recall=recall)
    for row in r["metrics"]["sample_metrics"].values():
        row.update(kl_from_uniform=0.0)
    agreeing = scored_sets(r, "evaluator")
    assert agreeing["orders_agree"] and agreeing["orders"]["fid"] == ["ddpm", "gan", "vae"]
    r["metrics"]["sample_metrics"]["vae"]["precision"] = 0.95  # the blurriest model, the most precise
    disagreeing = scored_sets(r, "evaluator")
    assert not disagreeing["orders_agree"] and disagreeing["orders"]["precision"][0] == "vae"


def test_the_detach_answer_reads_the_full_budget_comparison_where_the_robustness_target_ran():
    from test_claims import detach_repeats

    r = measured()
    r["experiments"]["detach_repeats"] = detach_repeats()
    text, shown = answer("2.3", r), table("2.3", r)
    assert "for 10 epochs, its full budget, from seeds 0 and 1" in text
    assert "took 60% longer" in text and "the median of 3 paired timings of 20 steps" in text
    assert "(c) not detached and not reset gave a worse FID (FID 150.0 against 100.0 at seed 0" in text
    assert "FID, seed 0 | FID, seed 1 |" in shown and "150.0 [145.0–155.0]" in shown


def test_page_one_says_in_one_line_whether_the_robustness_target_ran():
    from test_claims import detach_repeats, with_seed_repeats

    r = measured()
    assert "Built without the opt-in `robustness` target" in summary(r, check_all(r))
    r["experiments"]["seeds"] = None
    with_seed_repeats(r)
    r["experiments"]["detach_repeats"] = detach_repeats()
    text = summary(r, check_all(r))
    assert "Built without" not in text and "judged once for each training seed (0, 1, 2" in text
