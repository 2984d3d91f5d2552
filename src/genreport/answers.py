"""The report's answers, written from the measured numbers.

Every comparison (sharper, blurrier, smoother, slower) is decided here from the values a
run produced, so the wording changes when the numbers do.
"""

from __future__ import annotations

from typing import Any

# A path whose largest step is at most this many times its mean step has no jump.
SMOOTH_STEP_RATIO = 2.0

LABELS = {"vae": "VAE", "gan": "GAN", "ddpm": "DDPM"}


def fmt_seconds(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    if seconds >= 1:
        return f"{seconds:.1f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def fmt_count(value: float) -> str:
    return f"{value:,.0f}"


def fmt_losses(losses: dict[str, float]) -> str:
    return ", ".join(f"{name} {value:.4g}" for name, value in losses.items())


def ratio_words(a: float, b: float) -> str:
    """'2.3× more' style phrase for a relative to b."""
    if b == 0:
        return "incomparably more"
    factor = a / b
    if factor >= 1:
        return f"{factor:.1f}× more"
    return f"{1 / factor:.1f}× less"


def sharpness_rank(models: dict[str, Any]) -> list[str]:
    """Models ordered from closest to farthest from real digits' edge strength (ratio 1)."""
    return sorted(models, key=lambda m: abs(models[m]["sharpness_ratio"] - 1.0))


def compare_sharpness(models: dict[str, Any], a: str, b: str) -> str:
    """Which of two models' samples is blurrier, by edge strength relative to real digits.

    A ratio below 1 means softer edges than real digits (blur); above 1 means more edge
    energy than real digits, which is speckle or noise, not blur.
    """
    ra, rb = models[a]["sharpness_ratio"], models[b]["sharpness_ratio"]
    numbers = f"({ra:.2f} vs {rb:.2f} of the test images' edge strength)"
    if ra >= 1.0 and rb >= 1.0:
        return (f"neither the {LABELS[a]} nor the {LABELS[b]} samples are blurry by our edge measure {numbers}: "
                "both have at least the edge strength of real digits")
    word = "blurrier" if ra < rb else "sharper"
    if abs(ra - rb) < 0.1:
        word = "slightly " + word
    return f"{LABELS[a]} samples are {word} than {LABELS[b]} samples by our edge measure {numbers}"


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def evolution_sentence(model: dict[str, Any]) -> str:
    points = model["sharpness_by_epoch"]
    if len(points) < 2:
        return "Only one epoch was sampled, so this run cannot show a trend."
    (e0, s0), (e1, s1) = points[0], points[-1]
    reference = model["measurements"]["sharpness_test_images"]
    trend = "rose" if s1 > s0 else "fell"
    first, last = model["first_losses"], model["final_losses"]
    loss_name = next(iter(first))
    return (f"From epoch {e0} to epoch {e1} the edge strength of the fixed-noise samples {trend} from "
            f"{s0 / reference:.2f} to {s1 / reference:.2f} of the test images' value, while the training "
            f"{loss_name} went from {first[loss_name]:.4g} (epoch 1 mean) to {last[loss_name]:.4g} (epoch {model['epochs']}).")


def smoothness_sentence(model: dict[str, Any]) -> str:
    stats = model["measurements"]["interpolation"]
    ratio, worst = stats["max_over_mean_step"], stats["worst_max_over_mean_step"]
    if worst <= SMOOTH_STEP_RATIO:
        verdict = "Yes, the transition is smooth"
        detail = "no step stands out"
    elif ratio <= SMOOTH_STEP_RATIO:
        verdict = "Mostly: the transition is smooth on most paths"
        detail = "but at least one path jumps, with one step much larger than the rest"
    else:
        verdict = "Not entirely: the images change in jumps"
        detail = "some steps are far larger than the average one"
    return (f"{verdict}. Along each path the pixel RMS change between neighbouring frames is "
            f"{stats['mean_step_rms']:.3f} on average; the largest step is {ratio:.2f}× the mean step "
            f"(averaged over the paths; {worst:.2f}× on the worst path), so {detail} "
            f"(we call the transition smooth when this ratio is at most {SMOOTH_STEP_RATIO} on every path).")


REAL_ROW = "real (training images)"


def sample_scores(r: dict[str, Any]) -> dict[str, Any] | None:
    return r["metrics"]["sample_metrics"] if r.get("metrics") else None


def fid_rank(r: dict[str, Any]) -> list[str]:
    scores = sample_scores(r)
    return sorted(("vae", "gan", "ddpm"), key=lambda m: scores[m]["fid"])


def quality_sentence(r: dict[str, Any], a: str, b: str) -> str:
    """Compare two models by FID and precision/recall in the evaluator's feature space."""
    scores = sample_scores(r)
    sa, sb = scores[a], scores[b]
    better = a if sa["fid"] < sb["fid"] else b
    worse = b if better == a else a
    return (f"In the evaluator's feature space the {LABELS[better]}'s samples are closer to the test set than the "
            f"{LABELS[worse]}'s: FID {scores[better]['fid']:.2f} against {scores[worse]['fid']:.2f} "
            f"({scores[better]['fid_over_real']:.1f}× and {scores[worse]['fid_over_real']:.1f}× the real-data floor), "
            f"precision {sa['precision']:.2f} ({LABELS[a]}) vs {sb['precision']:.2f} ({LABELS[b]}), "
            f"recall {sa['recall']:.2f} vs {sb['recall']:.2f}")


def answer_1_3_a(r: dict[str, Any]) -> str:
    vae = r["models"]["vae"]
    m = vae["measurements"]
    elbo = m["test_negative_elbo"]
    return (f"Figure 1 shows test images with their reconstructions and Figure 2 samples drawn from the prior "
            f"after {vae['epochs']} epochs. On the 10,000 test images the mean squared reconstruction error is "
            f"{m['reconstruction_mse']:.4f} per pixel, and the negative ELBO is {elbo['loss']:.1f} nats per image "
            f"(reconstruction {elbo['reconstruction']:.1f} + KL {elbo['kl']:.1f}), measured on the grayscale test "
            f"intensities under the {vae['config']['likelihood']} decoder (config `vae.likelihood`). A Bernoulli "
            f"density of grayscale values is not a normalized likelihood, so this number is not comparable with "
            f"published binarized-MNIST results; the likelihood answer (2.4 b) uses binarized test digits for that. "
            + ("This VAE was trained on binarized digits (a fresh Bernoulli draw of each image at every step)."
               if vae["config"].get("binarize") else "This VAE was trained on the grayscale intensities."))


def answer_1_3_b(r: dict[str, Any]) -> str:
    models = r["models"]
    vae = models["vae"]
    return (f"The supplementary figure decodes the same noise at each sampled epoch. {evolution_sentence(vae)} "
            f"{capitalized(compare_sharpness(models, 'vae', 'gan'))}. {capitalized(compare_sharpness(models, 'vae', 'ddpm'))}. "
            f"The decoder outputs the mean of a factorized pixel distribution, which averages over the "
            f"digits that fit a latent code: where the VAE is blurry, that averaging is the cause.")


def answer_1_3_c(r: dict[str, Any]) -> str:
    return ("Figure 3 decodes ten equally spaced points on the straight line between two draws z₁, z₂ from "
            "the prior, for six pairs. " + smoothness_sentence(r["models"]["vae"]))


def answer_2_2_a(r: dict[str, Any]) -> str:
    gan = r["models"]["gan"]
    return (f"Figure 4 shows samples after {gan['epochs']} epochs ({fmt_count(gan['steps'])} steps of each "
            f"network). The final epoch's mean losses were {fmt_losses(gan['final_losses'])}; d_real and d_fake are "
            f"the discriminator's mean probability of 'real' on real and generated batches.")


def answer_2_2_b(r: dict[str, Any]) -> str:
    models = r["models"]
    gan = models["gan"]
    text = (f"{capitalized(compare_sharpness(models, 'gan', 'vae'))}. Real test images score 1.00 on this scale, so the "
            f"GAN's strokes are {'close to' if abs(gan['sharpness_ratio'] - 1) < 0.15 else 'far from'} real "
            f"stroke contrast. ")
    if sample_scores(r):
        scores = sample_scores(r)
        text += (f"{quality_sentence(r, 'gan', 'vae')}. The evaluator is confident on "
                 f"{scores['gan']['mean_top_probability']:.2f} of a GAN sample on average "
                 f"(VAE {scores['vae']['mean_top_probability']:.2f}, real images "
                 f"{scores[REAL_ROW]['mean_top_probability']:.2f}). ")
    else:
        text += ("Edge strength measures blur, not whether a digit is well formed, and this run computed no "
                 "sample-quality metric, so read the grids beside it. ")
    return text + evolution_sentence(gan)


def answer_2_2_c(r: dict[str, Any]) -> str:
    return ("Figure 5 feeds the generator ten equally spaced points between two noise draws, for six pairs. "
            + smoothness_sentence(r["models"]["gan"]))


def answer_2_3(r: dict[str, Any]) -> str:
    return (
        "Detaching the fakes in the discriminator step is what keeps that step from touching the "
        "generator. Without it, `loss_d.backward()` also runs back through the generator and adds the "
        "discriminator's gradient to the generator's `.grad` buffers. Whether that is harmful depends on "
        "what follows: our generator step clears the generator's gradients (`zero_grad`) before its own "
        "backward pass, so without detach the result would be the same update at the price of an extra "
        "backward pass through the generator. If the gradients were not cleared, the generator would "
        "step partly along the discriminator's objective — the opposite of what it should learn. So "
        "detach is essential for efficiency and as a guard against that mistake, and for correctness "
        "only when the generator's gradients are not reset. This run trains with detach and does not "
        "time or train the alternatives, so this answer rests on the computation graph, not on a "
        "measurement. `detach` is not used in the generator step, where the gradient must flow through "
        "the discriminator into the generator."
    )


def answer_2_4_a(r: dict[str, Any]) -> str:
    return (
        "Not directly. The GAN has no encoder: it maps noise to images but offers no way back. A "
        "reconstruction needs an inversion — searching for the z whose image is closest to the input, by "
        "gradient descent on z — which is slow, has no guarantee of finding a good optimum, and can only "
        "reach images inside the generator's range. The VAE gets its reconstruction from one encoder and "
        f"one decoder pass (test MSE {r['models']['vae']['measurements']['reconstruction_mse']:.4f} per pixel "
        "here). This run does not try a GAN inversion, so it does not measure how well one would work."
    )


def answer_2_4_b(r: dict[str, Any]) -> str:
    elbo = r["models"]["vae"]["measurements"]["test_negative_elbo"]["loss"]
    return (
        "No. The generator defines a distribution only implicitly, as the image of a "
        f"{r['models']['gan']['config']['latent_dim']}-dimensional noise through a network: "
        "its samples lie on a low-dimensional surface in the 784-dimensional pixel space, so the density "
        "is zero almost everywhere and a test image's log-likelihood is undefined (−∞ for almost every "
        "image). Training compares samples through a discriminator and never evaluates a density. "
        + likelihood_sentence(r, elbo)
        + " Kernel density estimates on GAN samples exist but are known to be unreliable in this dimension "
        "(Theis et al. 2016), so we report no number for the GAN."
    )


def likelihood_sentence(r: dict[str, Any], elbo_grayscale: float) -> str:
    if not r.get("metrics"):
        return (f"The VAE, by contrast, gives a lower bound on the log-likelihood ({elbo_grayscale:.1f} nats negative "
                "ELBO per test image under its grayscale Bernoulli decoder), and the DDPM has a variational bound too.")
    vae = r["metrics"]["likelihood"]["vae"]
    ddpm = r["metrics"]["likelihood"]["ddpm"]
    iwae, elbo = vae["negative_iwae_bound"], vae["negative_elbo"]
    bound = ddpm["negative_bound"]
    return (f"The VAE, by contrast, bounds the likelihood of binarized test digits: −log p(x) ≤ {iwae['mean']:.1f} ± "
            f"{iwae['standard_error']:.1f} nats with the importance-weighted bound (k = {vae['importance_samples']}, "
            f"{vae['images']} images), {elbo['mean']:.1f} ± {elbo['standard_error']:.1f} with the ELBO "
            f"({iwae['bits_per_dim']:.3f} and {elbo['bits_per_dim']:.3f} bits/dim); the DDPM's variational bound on the "
            f"8-bit test images is {bound['bits_per_dim']:.3f} ± {bound['bits_per_dim_standard_error']:.3f} bits/dim "
            f"({ddpm['images']} images). The two are not comparable with each other: one models binary pixels, the "
            "other 256 grey levels."
            + ("" if vae["trained_on_binarized"] else
               " This VAE was trained on grayscale intensities, not on binarized digits, so its binarized-MNIST "
               "bound is looser than that of a VAE trained for it (set `vae.binarize: true`)."))


def answer_2_4_c(r: dict[str, Any]) -> str:
    return (
        "The spec says yes; this run does not test it, so we do not claim it. A GAN learns features in "
        "its discriminator, and its generator's input space is organized enough for the smooth "
        "interpolations of Figure 5, but it has no encoder, so it gives no representation of a given "
        "image without an inversion. The VAE's encoder gives one directly. Which of them is more useful "
        "(for example, for a linear classifier of the digit) is an experiment this run does not make; "
        "good samples alone do not show good representations."
    )


def answer_3_a(r: dict[str, Any]) -> str:
    ddpm = r["models"]["ddpm"]
    steps = ddpm["measurements"]["sampling_steps"]
    return (f"Figure 6 shows samples after {ddpm['epochs']} epochs ({fmt_count(ddpm['steps'])} steps), drawn "
            f"with {steps} ancestral steps from an exponential moving average of the weights. The final "
            f"epoch's mean noise-prediction loss was {ddpm['final_losses']['loss']:.4f}.")


def answer_3_b(r: dict[str, Any]) -> str:
    models = r["models"]
    order = sharpness_rank(models)
    ranked = ", ".join(f"{LABELS[m]} ({models[m]['sharpness_ratio']:.2f})" for m in order)
    blurriest = min(models, key=lambda m: models[m]["sharpness_ratio"])
    verdict = ("This agrees with the common view that the VAE's samples are the blurriest of the three."
               if blurriest == "vae" else
               f"This contradicts the common view that the VAE's samples are the blurriest: here the "
               f"{LABELS[blurriest]}'s are.")
    text = (f"{capitalized(compare_sharpness(models, 'ddpm', 'vae'))}, and "
            f"{compare_sharpness(models, 'ddpm', 'gan')}. Ordered from closest to farthest from real digits' edge "
            f"strength the models are {ranked}. {verdict} ")
    if sample_scores(r):
        scores = sample_scores(r)
        best = fid_rank(r)
        claim = ("The claim that DDPM samples are better than the VAE's but not as good as the GAN's "
                 + ("holds here." if best == ["gan", "ddpm", "vae"] else
                    "does not hold here: by FID the order is "
                    + " < ".join(f"{LABELS[m]} ({scores[m]['fid']:.2f})" for m in best) + "."))
        text += (f"{quality_sentence(r, 'ddpm', 'gan')}. {quality_sentence(r, 'ddpm', 'vae')}. {claim} "
                 f"The DDPM's metric samples were drawn with {r['metrics']['sampling']['ddpm']['sampler']}. "
                 + seed_ranking_sentence(r))
    else:
        text += ("Whether the DDPM's samples are *better* than the GAN's, as opposed to less blurry, this run cannot "
                 "say: no sample-quality metric was computed, so compare Figures 4 and 6 by eye. ")
    return text + evolution_sentence(models["ddpm"])


def seed_ranking_sentence(r: dict[str, Any]) -> str:
    """Whether the FID order of the models survives a change of sampling seed."""
    check = r["metrics"].get("fid_by_sampling_seed")
    if not check:
        return ""
    orders = [" < ".join(LABELS[m] for m in order) for order in check["order_by_seed"].values()]
    if check["consistent"]:
        return (f"Scoring the samples of each of the two sampling seeds separately gives the same FID order "
                f"({orders[0]}), so the ranking does not hinge on one draw. ")
    return (f"Scored per sampling seed, the FID order changes ({'; '.join(orders)}), so the ranking of the "
            "closest models is within sampling noise at this sample count. ")


def cost_for_quality_sentence(r: dict[str, Any]) -> str:
    """What the cost bought, by FID, when this run measured it."""
    scores = sample_scores(r)
    if not scores:
        return ""
    best = fid_rank(r)
    return (" What that cost bought, by FID against the test set: "
            + ", ".join(f"{LABELS[m]} {scores[m]['fid']:.2f}" for m in best)
            + f" (real training images: {scores[REAL_ROW]['fid']:.2f}), so the {LABELS[best[0]]} gave the samples "
              f"closest to real digits here.")


def answer_4(r: dict[str, Any]) -> str:
    models = r["models"]
    vae, gan, ddpm = models["vae"], models["gan"], models["ddpm"]
    per_sample = {m: models[m]["measurements"]["seconds_per_sample"] for m in models}
    slowest_train = max(models, key=lambda m: models[m]["train_time_s"])
    lines = [
        f"**Costs measured in this run** (device: {vae['device']}). Training took "
        + ", ".join(f"{fmt_seconds(models[m]['train_time_s'])} for the {LABELS[m]}" for m in models)
        + f"; one sample costs {fmt_seconds(per_sample['vae'])} (VAE), {fmt_seconds(per_sample['gan'])} (GAN) and "
        f"{fmt_seconds(per_sample['ddpm'])} (DDPM, {ddpm['measurements']['sampling_steps']} network evaluations), "
        f"so a DDPM sample costs {per_sample['ddpm'] / per_sample['gan']:.0f}× a GAN sample. "
        f"The {LABELS[slowest_train]} took longest to train here, under the budgets of this preset."
        + cost_for_quality_sentence(r),
        "",
        f"**VAE.** Strengths: it is the cheapest to train ({fmt_seconds(vae['train_time_s'])}) and to sample; "
        "it has an encoder, so every image gets a latent code (reconstruction, interpolation between real "
        "images, completion); and its objective is a bound on the log-likelihood, so training has a number "
        f"to monitor. Weakness: the factorized decoder averages over plausible images, which blurs "
        f"samples ({compare_sharpness(models, 'vae', 'gan')}).",
        "",
        "**GAN.** Strengths: one network evaluation per sample and, in this run, "
        f"{'the samples closest to real digits in edge strength' if sharpness_rank(models)[0] == 'gan' else 'crisp samples'}. Weaknesses: no "
        "encoder and no likelihood; the two-player objective gives no loss that tracks quality (the final "
        f"losses were {fmt_losses({k: gan['final_losses'][k] for k in ('loss_d', 'loss_g')})}), and training can "
        "oscillate or collapse onto a few digits, so it needs watching. "
        + (f"Training took {ratio_words(gan['train_time_s'], vae['train_time_s'])} time than the VAE, so the "
           "claim that GANs carry a higher load than VAEs holds for training time here"
           if gan["train_time_s"] > vae["train_time_s"] else
           "Training took less time than the VAE's, so the claim that GANs carry a higher load than VAEs did not "
           "hold for training time in this run")
        + f"; at inference a GAN sample ({fmt_seconds(per_sample['gan'])}) costs "
        f"{ratio_words(per_sample['gan'], per_sample['vae'])} than a VAE sample ({fmt_seconds(per_sample['vae'])}), "
        "both far below a DDPM sample.",
        "",
        "**DDPM.** Strengths: a stable regression objective (the noise-prediction loss falls steadily: "
        f"{ddpm['first_losses']['loss']:.4f} → {ddpm['final_losses']['loss']:.4f}), no adversary, and a "
        "variational bound on the likelihood. Weakness: cost. Sampling runs the network once per step, "
        f"{ddpm['measurements']['sampling_steps']} times per image, and training took "
        f"{fmt_seconds(ddpm['train_time_s'])}, {ratio_words(ddpm['train_time_s'], gan['train_time_s'])} than the GAN.",
    ]
    return "\n".join(lines)


ANSWERS = {
    "1.3 a": answer_1_3_a,
    "1.3 b": answer_1_3_b,
    "1.3 c": answer_1_3_c,
    "2.2 a": answer_2_2_a,
    "2.2 b": answer_2_2_b,
    "2.2 c": answer_2_2_c,
    "2.3": answer_2_3,
    "2.4 a": answer_2_4_a,
    "2.4 b": answer_2_4_b,
    "2.4 c": answer_2_4_c,
    "3 a": answer_3_a,
    "3 b": answer_3_b,
    "4": answer_4,
}
