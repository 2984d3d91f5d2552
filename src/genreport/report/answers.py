"""The report's answers, written from the measured numbers.

Every comparison (sharper, blurrier, smoother, slower) is decided here from the values a
run produced, so the wording changes when the numbers do.
"""

from __future__ import annotations

from typing import Any

from ..config import option
from ..diffusion.sampler_settings import Sampler
from ..vocabulary import MODELS, REAL_ROW
from . import readings as read
from .claims import (
    HELD,
    LABELS,
    NOT_HELD,
    PARTLY,
    PIXELS,
    detach_essential,
    gan_cannot_reconstruct,
    smooth_interpolation,
    threshold,
)
from .formatting import fmt_count, fmt_losses, fmt_seconds, plural

SMOOTH_STEP_RATIO = threshold("smooth_step_ratio")
SAME_FID = threshold("same_fid")
SAME_CONFIDENCE = threshold("same_confidence")
PRECISION_VERDICT_IMAGES = threshold("precision_verdict_images")
MOST_COMMON_DIGIT_SHARE = threshold("most_common_digit_share")


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
        return (
            f"neither the {LABELS[a]} nor the {LABELS[b]} samples are blurry by our edge measure {numbers}: "
            "both have at least the edge strength of real digits"
        )
    word = "blurrier" if ra < rb else "sharper"
    if abs(ra - rb) < threshold("slight_sharpness_difference"):
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
    return (
        f"From epoch {e0} to epoch {e1} the edge strength of the fixed-noise samples {trend} from "
        f"{s0 / reference:.2f} to {s1 / reference:.2f} of the test images' value, while the training "
        f"{loss_name} went from {first[loss_name]:.4g} (epoch 1 mean) to {last[loss_name]:.4g} (epoch "
        f"{model['epochs']})."
    )


SMOOTHNESS_WORDS = {
    HELD: ("Yes, the transition is smooth", "no step stands out"),
    PARTLY: (
        "Mostly: the transition is smooth on most paths",
        "at least one path jumps, with one step much larger than the rest",
    ),
    NOT_HELD: ("Not entirely: the images change in jumps", "some steps are far larger than the average one"),
}


def smoothness_sentence(r: dict[str, Any], name: str) -> str:
    stats = r["models"][name]["measurements"]["interpolation"]
    ratio, worst = stats["max_over_mean_step"], stats["worst_max_over_mean_step"]
    verdict, detail = SMOOTHNESS_WORDS[smooth_interpolation(name)(r).outcome]
    return (
        f"{verdict}. Along each path the pixel RMS change between neighbouring frames is "
        f"{stats['mean_step_rms']:.3f} on average; the largest step is {ratio:.2f}× the mean step "
        f"(averaged over the paths; {worst:.2f}× on the worst path), so {detail} "
        f"(we call the transition smooth when this ratio is at most {SMOOTH_STEP_RATIO} on every path)."
    )


def sample_scores(r: dict[str, Any]) -> dict[str, Any] | None:
    return r["metrics"]["sample_metrics"] if r.get("metrics") else None


def fid_rank(r: dict[str, Any]) -> list[str]:
    scores = sample_scores(r)
    return sorted(MODELS, key=lambda m: scores[m]["fid"])


def quality_sentence(r: dict[str, Any], a: str, b: str) -> str:
    """Compare two models by FID and precision/recall in the evaluator's feature space."""
    scores = sample_scores(r)
    sa, sb = scores[a], scores[b]
    better = a if sa["fid"] < sb["fid"] else b
    worse = b if better == a else a
    return (
        f"In the evaluator's feature space the {LABELS[better]}'s samples are closer to the test set than the "
        f"{LABELS[worse]}'s: FID {scores[better]['fid']:.2f} against {scores[worse]['fid']:.2f} "
        f"({scores[better]['fid_over_real']:.1f}× and {scores[worse]['fid_over_real']:.1f}× the real-data floor), "
        f"precision {sa['precision']:.2f} ({LABELS[a]}) vs {sb['precision']:.2f} ({LABELS[b]}), "
        f"recall {sa['recall']:.2f} vs {sb['recall']:.2f}"
    )


def second_evaluator_sentence(r: dict[str, Any], models: tuple[str, ...]) -> str:
    """The FID order of `models` in the second evaluator's feature space, when the run has one."""
    if read.SECOND not in read.evaluator_names(r):
        return ""
    fids = {m: read.fid(r, m, read.SECOND) for m in models}
    order = sorted(models, key=fids.get)
    info = read.evaluator_info(r, read.SECOND)
    agrees = order == sorted(models, key=lambda m: read.fid(r, m))
    return (
        f"In the second evaluator's feature space (`{info['architecture']}`, test accuracy "
        f"{info['test_accuracy']:.2%}) the FID order is {order_words(order, fids, 1)}: "
        + ("the same order. " if agrees else "a different order, so this ranking depends on the evaluator. ")
    )


def answer_1_3_a(r: dict[str, Any]) -> str:
    vae = r["models"]["vae"]
    m = vae["measurements"]
    elbo = m["test_negative_elbo"]
    return (
        f"Figure 1 shows test images with their reconstructions and Figure 2 samples drawn from the prior "
        f"after {vae['epochs']} epochs. On the 10,000 test images the mean squared reconstruction error is "
        f"{m['reconstruction_mse']:.4f} per pixel, and the negative ELBO is {elbo['loss']:.1f} nats per image "
        f"(reconstruction {elbo['reconstruction']:.1f} + KL {elbo['kl']:.1f}), measured on the grayscale test "
        f"intensities under the {vae['config']['likelihood']} decoder (config `vae.likelihood`). A Bernoulli "
        f"density of grayscale values is not a normalized likelihood, so this number is not comparable with "
        f"published binarized-MNIST results; the likelihood answer (2.4 b) uses binarized test digits for that. "
        + (
            "This VAE was trained on binarized digits (a fresh Bernoulli draw of each image at every step)."
            if vae["config"].get("binarize")
            else "This VAE was trained on the grayscale intensities."
        )
    )


def answer_1_3_b(r: dict[str, Any]) -> str:
    models = r["models"]
    vae = models["vae"]
    return (
        f"The supplementary figure decodes the same noise at each sampled epoch. {evolution_sentence(vae)} "
        f"{capitalized(compare_sharpness(models, 'vae', 'gan'))}. "
        f"{capitalized(compare_sharpness(models, 'vae', 'ddpm'))}. "
        f"The decoder outputs the mean of a factorized pixel distribution, which averages over the "
        f"digits that fit a latent code: where the VAE is blurry, that averaging is the cause."
    )


def experiment(r: dict[str, Any], name: str) -> dict[str, Any] | None:
    return (r.get("experiments") or {}).get(name)


def feature_smoothness_sentence(r: dict[str, Any], model: str) -> str:
    """How the interpolation moves in the evaluator's feature space, against the other two models."""
    paths = experiment(r, "interpolation")
    if not paths:
        return ""
    stats = paths["models"]
    mine = stats[model]
    others = [m for m in stats if m != model]
    return (
        f" Seen through the evaluator ({paths['pairs']} paths of {paths['frames']} frames), neighbouring "
        f"{LABELS[model]} frames are {mine['mean_feature_step']:.2f} apart in feature space on average, the "
        f"largest step is {mine['max_over_mean_feature_step']:.2f}× the mean, the path is "
        f"{mine['path_over_chord']:.2f}× as long as the straight distance between its ends, and the predicted "
        f"digit changes {mine['class_changes_per_path']:.1f} times per path ("
        + "; ".join(
            f"{LABELS[m]}: step ratio {stats[m]['max_over_mean_feature_step']:.2f}, "
            f"{stats[m]['class_changes_per_path']:.1f} changes"
            for m in others
        )
        + f"). {smoothest_sentence(stats)}"
    )


def smoothest_sentence(stats: dict[str, Any]) -> str:
    order = sorted(stats, key=lambda m: stats[m]["max_over_mean_feature_step"])
    return f"From the most to the least even steps the models rank {', '.join(LABELS[m] for m in order)}."


def figure_paths(measurements: dict[str, Any]) -> tuple[str, str]:
    """How many points per path and how many paths the notebook drew its interpolation figure from."""
    return (
        f"{measurements['interpolation_frames']} equally spaced points",
        plural(measurements["interpolation_pairs"], "pair"),
    )


def answer_1_3_c(r: dict[str, Any]) -> str:
    points, pairs = figure_paths(r["models"]["vae"]["measurements"])
    return (
        f"Figure 3 decodes {points} on the straight line between two draws z₁, z₂ from "
        f"the prior, for {pairs}. " + smoothness_sentence(r, "vae") + feature_smoothness_sentence(r, "vae")
    )


def answer_2_2_a(r: dict[str, Any]) -> str:
    gan = r["models"]["gan"]
    return (
        f"Figure 4 shows samples after {gan['epochs']} epochs ({fmt_count(gan['steps'])} steps of each "
        f"network). The final epoch's mean losses were {fmt_losses(gan['final_losses'])}; d_real and d_fake are "
        f"the discriminator's mean probability of 'real' on real and generated batches."
    )


def answer_2_2_b(r: dict[str, Any]) -> str:
    models = r["models"]
    gan = models["gan"]
    near_real = abs(gan["sharpness_ratio"] - 1) < threshold("close_to_real_sharpness")
    text = (
        f"{capitalized(compare_sharpness(models, 'gan', 'vae'))}. Real test images score 1.00 on this scale, so the "
        f"GAN's strokes are {'close to' if near_real else 'far from'} real "
        f"stroke contrast. "
    )
    if sample_scores(r):
        scores = sample_scores(r)
        text += (
            f"{quality_sentence(r, 'gan', 'vae')}. The evaluator is confident on "
            f"{scores['gan']['mean_top_probability']:.2f} of a GAN sample on average "
            f"(VAE {scores['vae']['mean_top_probability']:.2f}, real images "
            f"{scores[REAL_ROW]['mean_top_probability']:.2f}). " + second_evaluator_sentence(r, ("gan", "vae"))
        )
    else:
        text += (
            "Edge strength measures blur, not whether a digit is well formed, and this run computed no "
            "sample-quality metric, so read the grids beside it. "
        )
    return text + evolution_sentence(gan) + " " + budget_ranking_sentence(r, brief=True)


def answer_2_2_c(r: dict[str, Any]) -> str:
    points, pairs = figure_paths(r["models"]["gan"]["measurements"])
    return (
        f"Figure 5 feeds the generator {points} between two noise draws, for {pairs}. "
        + smoothness_sentence(r, "gan")
        + feature_smoothness_sentence(r, "gan")
    )


def answer_3_c(r: dict[str, Any]) -> str:
    paths = experiment(r, "interpolation")
    if not paths:
        return (
            "This run made no DDPM interpolation: its results come from before the interpolation rule existed; "
            "rerun the pipeline to add it."
        )
    ddpm = paths["models"]["ddpm"]
    return (
        f"Figure 7 samples deterministically ({paths['sampler']}) from points on the great "
        f"circle between two starting noises (spherical interpolation keeps the noise at its typical norm). "
        f"The image changes in {'one place' if ddpm['class_changes_per_path'] <= 1 else 'several places'}: "
        f"the largest step in feature space is {ddpm['max_over_mean_feature_step']:.2f}× the mean and the "
        f"predicted digit changes {ddpm['class_changes_per_path']:.1f} times per path. "
        + smoothest_sentence(paths["models"])
    )


def fid_change_words(new: float, old: float) -> str:
    if abs(new - old) <= SAME_FID * old:
        return "about the same FID"
    return f"a {'worse' if new > old else 'better'} FID"


def answer_2_3(r: dict[str, Any]) -> str:
    mechanics = (
        "Without `detach`, the discriminator's `loss_d.backward()` runs on through the generator and adds "
        "the gradient of the discriminator's loss to the generator's `.grad` buffers. What that does depends "
        "on the next lines: if the generator's gradients are reset (`zero_grad`) before its own backward pass, "
        "the only cost is the extra backward pass; if not, the generator steps partly along the "
        "discriminator's objective. With the non-saturating loss that leak is not simply the opposite of the "
        "generator's goal: per fake image the two gradients add up to (2·D(G(z)) − 1) times the gradient of the "
        "discriminator's logit, which pulls D(G(z)) towards one half instead of towards one. "
    )
    exp = experiment(r, "detach")
    if not exp:
        return mechanics + "This run did not train the variants, so this rests on the computation graph alone."
    v = exp["variants"]
    a, b, c = v["detached"], v["attached"], v["attached_no_reset"]
    same_ab = all(
        abs(a["final_losses"][k] - b["final_losses"][k]) <= 1e-6 * max(1.0, abs(a["final_losses"][k]))
        for k in a["final_losses"]
    ) and abs(a["fid"] - b["fid"]) <= 1e-6 * max(1.0, a["fid"])
    extra = b["seconds_per_step"] / a["seconds_per_step"] - 1
    text = (
        mechanics + f"We trained the GAN three ways for {plural(exp['epochs'], 'epoch')} from the same seed and scored "
        f"{fmt_count(exp['samples'])} samples of each (Figure 8, table below). "
    )
    if same_ab:
        text += (
            f"(a) detached and (b) not detached but reset ended with identical losses and FID "
            f"({a['fid']:.2f}): in this loop `detach` changes nothing that is learned. "
        )
    else:
        text += (
            f"(a) detached and (b) not detached but reset ended with {fid_change_words(b['fid'], a['fid'])} "
            f"(FID {a['fid']:.2f} and {b['fid']:.2f}); the two compute the same update, so the gap is "
            "floating-point non-determinism, not the method. "
        )
    text += (
        f"Without detach each step took {abs(extra):.0%} {'longer' if extra > 0 else 'less time'} "
        f"({fmt_seconds(b['seconds_per_step'])} against {fmt_seconds(a['seconds_per_step'])}). "
    )
    leak = fid_change_words(c["fid"], a["fid"])
    text += (
        f"(c) not detached and not reset — the discriminator's gradient left in the generator's update — "
        f"gave {leak} (FID {c['fid']:.2f} against {a['fid']:.2f}; the discriminator's mean output on fakes "
        f"{c['final_losses']['d_fake']:.2f} against {a['final_losses']['d_fake']:.2f}). "
    )
    if detach_essential(r).outcome == HELD:
        verdict = (
            "So detach is essential for correctness only where the generator's gradients are not reset, "
            "and there leaving it out visibly hurts; where they are reset it buys speed alone."
        )
    else:
        verdict = (
            "So at this budget detach was not essential for correctness even without the reset — the "
            "leaked gradient did not visibly hurt — and what it buys is speed and a guard against that "
            "mistake."
        )
    return text + verdict


def detach_table(r: dict[str, Any]) -> str:
    exp = experiment(r, "detach")
    rows = [
        "| discriminator step | time per step | loss_d | loss_g | D(fake) | FID | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for v in exp["variants"].values():
        f = v["final_losses"]
        rows.append(
            f"| {v['description']} | {fmt_seconds(v['seconds_per_step'])} | {f['loss_d']:.3f} | "
            f"{f['loss_g']:.3f} | {f['d_fake']:.3f} | {v['fid']:.2f} | {v['precision']:.3f} | {v['recall']:.3f} |"
        )
    return "\n".join(rows)


RECONSTRUCTION_WORDS = {
    PARTLY: (
        "So the claim that a GAN cannot reconstruct holds only in part: once inverted it matches the pixels "
        "more closely than the VAE, but it turns more digits into another digit, costs far more per "
        "image, and has no guarantee of finding the best code."
    ),
    NOT_HELD: (
        "So the claim that a GAN cannot reconstruct does not hold once inversion is allowed: here it "
        "reconstructs more closely than the VAE, at a far higher cost per image and with no guarantee "
        "of finding the best code."
    ),
    HELD: (
        "So the GAN can reconstruct only approximately and at a far higher cost: even with the search, "
        "its reconstructions are further from the inputs than the VAE's, because the inversion can "
        "only reach images inside the generator's range and may stop in a poor optimum."
    ),
}


def answer_2_4_a(r: dict[str, Any]) -> str:
    no_encoder = (
        "Not in one pass: the GAN has no encoder, so the only way back from an image to a code is an "
        "inversion — searching for the z whose image is closest to the input by gradient descent on z. "
    )
    exp = experiment(r, "reconstruction")
    if not exp:
        return no_encoder + "This run did not try an inversion, so it does not measure how well one works."
    vae, gan = exp["vae"], exp["gan"]
    inversion = exp["inversion"]
    text = (
        no_encoder + f"We inverted the generator for {exp['images']} test images ({inversion['steps']} Adam steps "
        f"from {inversion['restarts']} random starts each, best kept) and reconstructed the same images with the "
        f"VAE (Figure 9). Per-pixel MSE: VAE {vae['mse']['mean']:.4f} ± {vae['mse']['standard_error']:.4f}, GAN "
        f"{gan['mse']['mean']:.4f} ± {gan['mse']['standard_error']:.4f} (PSNR {vae['psnr_db']['mean']:.1f} and "
        f"{gan['psnr_db']['mean']:.1f} dB); the inversion took {fmt_seconds(gan['seconds_per_image'])} per image "
        f"against {fmt_seconds(vae['seconds_per_image'])} for the VAE's encoder and decoder. "
    )
    kept = ""
    if "class_kept" in gan:
        kept = (
            f"The evaluator reads the original digit in {vae['class_kept']:.1%} of the VAE's reconstructions and "
            f"{gan['class_kept']:.1%} of the GAN's ({exp['evaluator_accuracy_on_originals']:.1%} of the originals). "
        )
    verdict = RECONSTRUCTION_WORDS[gan_cannot_reconstruct(r).outcome]
    return text + kept + verdict


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


def bound_terms_clause(ddpm_likelihood: dict[str, Any], early: int = 10) -> str:
    """Where the DDPM's bits go: the share of its bound from t < `early` (the decoder term included)."""
    terms = ddpm_likelihood.get("terms_bits_per_dim")
    if not terms:
        return ""
    total = ddpm_likelihood["negative_bound"]["bits_per_dim"]
    early_bits = sum(term["bits_per_dim"] for term in terms if term["t_stop"] is not None and term["t_stop"] <= early)
    prior = terms[-1]["bits_per_dim"]
    return (
        f", {early_bits / total:.0%} of it from the first {early} of {terms[-1]['t_start']} timesteps (the "
        f"decoder term at t = 0 included) and {prior:.2g} bits/dim from the prior term"
    )


def likelihood_sentence(r: dict[str, Any], elbo_grayscale: float) -> str:
    if not r.get("metrics"):
        return (
            f"The VAE, by contrast, gives a lower bound on the log-likelihood ({elbo_grayscale:.1f} nats negative "
            "ELBO per test image under its grayscale Bernoulli decoder), and the DDPM has a variational bound too."
        )
    vae = r["metrics"]["likelihood"]["vae"]
    ddpm = r["metrics"]["likelihood"]["ddpm"]
    iwae, elbo = vae["negative_iwae_bound"], vae["negative_elbo"]
    bound = ddpm["negative_bound"]
    return (
        f"The VAE, by contrast, bounds the likelihood of binarized test digits: −log p(x) ≤ {iwae['mean']:.1f} ± "
        f"{iwae['standard_error']:.1f} nats with the importance-weighted bound (k = {vae['importance_samples']}, "
        f"{vae['images']} images), {elbo['mean']:.1f} ± {elbo['standard_error']:.1f} with the ELBO "
        f"({iwae['bits_per_dim']:.3f} and {elbo['bits_per_dim']:.3f} bits/dim); the DDPM's variational bound on the "
        f"8-bit test images is {bound['bits_per_dim']:.3f} ± {bound['bits_per_dim_standard_error']:.3f} bits/dim "
        f"({ddpm['images']} images)" + bound_terms_clause(ddpm) + ". The two are not comparable with each other: "
        "one models binary pixels, the other 256 grey levels."
        + (
            ""
            if vae["trained_on_binarized"]
            else " This VAE was trained on grayscale intensities, not on binarized digits, so its binarized-MNIST "
            "bound is looser than that of a VAE trained for it (set `vae.binarize: true`)."
        )
    )


def answer_2_4_c(r: dict[str, Any]) -> str:
    exp = experiment(r, "probes")
    if not exp:
        return (
            "The spec says yes; this run made no linear probe, so it does not claim either way. Good samples "
            "alone do not show good representations."
        )
    probes = exp["probes"]
    few = {name: p["few_labels"]["test_accuracy"] for name, p in probes.items()}
    many = {name: p["many_labels"]["test_accuracy"] for name, p in probes.items() if p["many_labels"]}
    order = sorted(few, key=few.get, reverse=True)
    text = (
        f"We fitted a logistic regression on each representation with {exp['labels_per_class_few']} labels per "
        f"class and with {fmt_count(exp['train_images_many'])} labelled training images, and scored it on the "
        f"test set (table below). With few labels the order is "
        + ", ".join(f"{name} {few[name]:.1%}" for name in order)
        + ". "
    )
    if many:
        best_many = max(many, key=many.get)
        text += f"With many labels the best is {best_many} ({many[best_many]:.1%}; raw pixels {many[PIXELS]:.1%}). "
    best = order[0]
    return text + f"The most linearly readable representation here is the {best}."


def probe_table(r: dict[str, Any]) -> str:
    exp = experiment(r, "probes")
    rows = [
        f"| representation | dimensions | {exp['labels_per_class_few']} labels per class | "
        f"{fmt_count(exp['train_images_many'])} labels |",
        "|---|---:|---:|---:|",
    ]
    for name, p in exp["probes"].items():
        many = f"{p['many_labels']['test_accuracy']:.1%}" if p["many_labels"] else "not run (inversion cost)"
        note = (
            f" ({p['few_labels']['test_examples']} test images)"
            if p["few_labels"]["test_examples"] != exp["test_images"]
            else ""
        )
        rows.append(
            f"| {name}{note} | {fmt_count(p['few_labels']['feature_dim'])} | "
            f"{p['few_labels']['test_accuracy']:.1%} | {many} |"
        )
    return "\n".join(rows)


def answer_3_a(r: dict[str, Any]) -> str:
    ddpm = r["models"]["ddpm"]
    steps = ddpm["measurements"]["sampling_steps"]
    return (
        f"Figure 6 shows samples after {ddpm['epochs']} epochs ({fmt_count(ddpm['steps'])} steps), drawn "
        f"with {steps} ancestral steps from an exponential moving average of the weights. It was trained with "
        f"the {ddpm_objective(ddpm['config'])}; the final epoch's mean loss was "
        f"{ddpm['final_losses']['loss']:.4f}."
    )


def answer_3_b(r: dict[str, Any]) -> str:
    models = r["models"]
    order = sharpness_rank(models)
    ranked = ", ".join(f"{LABELS[m]} ({models[m]['sharpness_ratio']:.2f})" for m in order)
    blurriest = min(models, key=lambda m: models[m]["sharpness_ratio"])
    verdict = (
        "This agrees with the common view that the VAE's samples are the blurriest of the three."
        if blurriest == "vae"
        else f"This contradicts the common view that the VAE's samples are the blurriest: here the "
        f"{LABELS[blurriest]}'s are."
    )
    text = (
        f"{capitalized(compare_sharpness(models, 'ddpm', 'vae'))}, and "
        f"{compare_sharpness(models, 'ddpm', 'gan')}. Ordered from closest to farthest from real digits' edge "
        f"strength the models are {ranked}. {verdict} "
    )
    if sample_scores(r):
        scores = sample_scores(r)
        best = fid_rank(r)
        text += (
            f"{quality_sentence(r, 'ddpm', 'gan')}. {quality_sentence(r, 'ddpm', 'vae')}. By FID the order is "
            + order_words(best, {m: scores[m]["fid"] for m in best})
            + ". "
            + second_evaluator_sentence(r, MODELS)
            + f"The DDPM's metric samples were drawn with {r['metrics']['sampling']['ddpm']['sampler']}. "
            + seed_ranking_sentence(r)
            + budget_ranking_sentence(r, brief=True)
        )
    else:
        text += (
            "Whether the DDPM's samples are *better* than the GAN's, as opposed to less blurry, this run cannot "
            "say: no sample-quality metric was computed, so compare Figures 4 and 6 by eye. "
        )
    config = models["ddpm"]["config"]
    setting = option("ddpm", config, "snapshot_sampler")
    sampler = (
        f" Its per-epoch snapshots use a deterministic sampler ({Sampler.parse(setting, 0).describe()}), "
        f"not all {config['timesteps']} ancestral steps, to save time."
        if setting != "ancestral"
        else ""
    )
    return text + evolution_sentence(models["ddpm"]) + sampler


def ddpm_objective(config: dict[str, Any]) -> str:
    """The DDPM's training recipe in words, from the settings its training record holds (every recipe key)."""
    target = "velocity (v)" if config["prediction"] == "v" else "noise (ε)"
    weights = (
        f"min-SNR-{config['min_snr_gamma']:g} weights" if config["loss_weighting"] == "min_snr" else "uniform weights"
    )
    return f"{config['schedule']} noise schedule, {target} prediction, {weights}"


def order_words(order: list[str], values: dict[str, float], digits: int = 2) -> str:
    """Models best first with their values: `GAN (80.12) < VAE (95.00)`."""
    return " < ".join(f"{LABELS[m]} ({values[m]:.{digits}f})" for m in order)


def budget_ranking_sentence(r: dict[str, Any], brief: bool = False) -> str:
    """The FID ranking along the quality-against-compute curves: at the end, at the common budget, over time.

    `brief`: the two orders and the number of changes, pointing to answer 4 for the rest."""
    curves = experiment(r, "curves")
    if not curves:
        return ""
    final = {m: curve[-1]["fid"] for m, curve in curves["curves"].items()}
    budget, at_budget = curves["common_budget_s"], curves["at_common_budget"]
    measured = {m: point["fid"] for m, point in at_budget.items() if point}
    changes = curves["order_changes"]
    at_end = order_words(curves["final_order"], final, 1)
    at_common = order_words(curves["order_at_common_budget"], measured, 1)
    unmeasured = " and the ".join(LABELS[m] for m in curves["unmeasured_at_common_budget"])
    if brief:
        return (
            f"Along the training curves (Figure 10) the FID order is {at_end} at the end and {at_common} at "
            f"{fmt_seconds(budget)}, the largest budget all three reached"
            + (f" (the {unmeasured} not yet sampled by then)" if unmeasured else "")
            + "; it changed "
            f"{plural(changes, 'time')} in between (answer 4). "
        )
    count = next(iter(curves["curves"].values()))[-1]["images"]
    shortest = min(curves["curves"], key=lambda m: curves["curves"][m][-1]["train_seconds"])
    text = (
        f"Along the training curves (Figure 10; FID of {count} fixed-noise snapshot samples per sampled epoch, "
        f"so these values differ from the metric table's), the order at the end of training is {at_end}. At "
        f"{fmt_seconds(budget)} of training, the largest budget all three reached (the {LABELS[shortest]}'s "
        f"whole run), it is {at_common}, reading each model's last sampled epoch within that budget ("
        + ", ".join(f"{LABELS[m]} epoch {point['epoch']}" for m, point in at_budget.items() if point)
        + ")"
    )
    if unmeasured:
        text += (
            "; the "
            + unmeasured
            + " had no sampled epoch that early, so the budget comparison leaves "
            + ("it" if len(curves["unmeasured_at_common_budget"]) == 1 else "them")
            + " out"
        )
    text += (
        ". From the first time all three had a sampled epoch to the end, the ranking "
        + (
            "never changed."
            if changes == 0
            else f"changed {plural(changes, 'time')}, so which model is "
            "ahead depends on the training budget: " + order_history(curves["orders_over_time"]) + "."
        )
        + " "
    )
    return text


def order_history(orders_over_time: list[dict[str, Any]]) -> str:
    """Each distinct FID order in turn, with the training time from which it held."""
    distinct = [
        entry
        for i, entry in enumerate(orders_over_time)
        if i == 0 or entry["order"] != orders_over_time[i - 1]["order"]
    ]
    return ", then ".join(
        " < ".join(LABELS[m] for m in entry["order"]) + f" from {fmt_seconds(entry['train_seconds'])}"
        for entry in distinct
    )


def seed_ranking_sentence(r: dict[str, Any]) -> str:
    """Whether the FID order of the models survives a change of sampling seed."""
    check = r["metrics"].get("fid_by_sampling_seed")
    if not check:
        return ""
    orders = [" < ".join(LABELS[m] for m in order) for order in check["order_by_seed"].values()]
    if check["consistent"]:
        return (
            f"Scoring the samples of each of the two sampling seeds separately gives the same FID order "
            f"({orders[0]}), so the ranking does not hinge on one draw. "
        )
    return (
        f"Scored per sampling seed, the FID order changes ({'; '.join(orders)}), so the ranking of the "
        "closest models is within sampling noise at this sample count. "
    )


def cost_for_quality_sentence(r: dict[str, Any]) -> str:
    """What the cost bought, by FID, when this run measured it."""
    scores = sample_scores(r)
    if not scores:
        return ""
    best = fid_rank(r)
    return (
        " What that cost bought, by FID against the test set: "
        + ", ".join(f"{LABELS[m]} {scores[m]['fid']:.2f}" for m in best)
        + f" (real training images: {scores[REAL_ROW]['fid']:.2f}), so the {LABELS[best[0]]} gave the samples "
        f"closest to real digits here."
    )


def sampler_rows(r: dict[str, Any]) -> dict[str, Any]:
    exp = experiment(r, "samplers")
    samplers = exp["samplers"]
    return {
        "ancestral": next(v for k, v in samplers.items() if k.startswith("ancestral")),
        "ddim100": samplers["DDIM, 100 steps"],
        "ddim50": samplers["DDIM, 50 steps"],
        "solver": [(name, row) for name, row in samplers.items() if name.startswith("DPM-Solver")],
        "images": exp["images"],
    }


def sampler_sentence(r: dict[str, Any]) -> str:
    """DDIM against ancestral sampling, and the moving average against the raw weights."""
    if not experiment(r, "samplers"):
        return ""
    s = sampler_rows(r)
    anc, fast, fastest = s["ancestral"], s["ddim100"], s["ddim50"]

    def versus(row):
        within = abs(row["fid"] - anc["fid"]) <= SAME_FID * anc["fid"]
        spread = max(row["kid_std"], anc["kid_std"])
        resolved = (
            ""
            if abs(row["kid"] - anc["kid"]) > spread
            else "; their KIDs differ by less than one standard deviation, so this count cannot tell them apart"
        )
        return (
            f"{anc['seconds_per_image'] / row['seconds_per_image']:.0f}× less time per image, FID "
            f"{row['fid']:.2f} against {anc['fid']:.2f} ({'within' if within else 'not within'} 10% of it{resolved})"
        )

    solver = "".join(f"; {name} took {versus(row)}" for name, row in s["solver"])
    text = (
        f" On the same {s['images']} starting noises, DDIM with 100 steps took {versus(fast)}; with 50 steps "
        f"{versus(fastest)}{solver}. These FIDs come from {s['images']} images each, which biases FID upwards, so they "
        "compare the samplers with each other, not with the quality table; KID, which is unbiased, is in the "
        "table below."
    )
    return (
        text
        + moving_average_sentence(experiment(r, "samplers").get("moving_average_against_raw"))
        + precision_sentence(r)
    )


def precision_sentence(r: dict[str, Any]) -> str:
    """Which models computed in bf16, and whether bf16 sampling changed the DDPM's images."""
    reduced = [LABELS[name] for name, m in r["models"].items() if m.get("precision") == "bf16"]
    if not reduced:
        return ""
    text = (
        f" The {' and the '.join(reduced)} ran {'its' if len(reduced) == 1 else 'their'} networks in bf16 "
        "(training and sampling; losses, optimizer states and every metric stay in fp32); this pipeline does not "
        "train them a second time in fp32 to compare."
    )
    comparison = (experiment(r, "samplers") or {}).get("precision_against_fp32")
    if not comparison:
        return text
    scores, seconds, low = comparison["scores"], comparison["seconds_per_image"], comparison["precision"]
    fid = {name: row["fid"] for name, row in scores.items()}
    confidence = {name: row["mean_top_probability"] for name, row in scores.items()}
    # Quality is judged on the set (FID, the evaluator's confidence); a deterministic sampler's individual
    # images can still move under rounding, which the same-digit share reports separately.
    keeps = (
        abs(fid[low] - fid["fp32"]) <= SAME_FID * fid["fp32"]
        and abs(confidence[low] - confidence["fp32"]) <= SAME_CONFIDENCE
    )
    if comparison["images"] < PRECISION_VERDICT_IMAGES:
        verdict = f"at {comparison['images']} images this is a spot check, too few to judge"
    elif keeps:
        verdict = "bf16 keeps the samples' quality by these measures"
    else:
        verdict = "bf16 changes the samples' quality measurably: set the DDPM's precision to fp32 where that matters"
    return (
        text + f" Drawing the same {comparison['images']} images ({comparison['sampler']}) in fp32 instead: FID "
        f"{fid[low]:.2f} in bf16 against {fid['fp32']:.2f}, mean top-class probability {confidence[low]:.3f} "
        f"against {confidence['fp32']:.3f}, and bf16 took {seconds['fp32'] / seconds[low]:.1f}× less time per "
        f"image: {verdict}. Image for image the two differ by {comparison['mean_abs_pixel_difference']:.4f} per "
        f"pixel on average (largest {comparison['max_abs_pixel_difference']:.2f}, pixels in [0, 1]) and the "
        f"evaluator reads the same digit in {comparison['same_digit_share']:.1%} of them: rounding moves some "
        "samples along the sampler's path, so bf16 does not reproduce fp32 images one for one."
    )


def moving_average_sentence(comparison: dict[str, Any] | None) -> str:
    """Does sampling from the exponential moving average of the weights pay, by FID at equal noise?"""
    if not comparison:
        return ""
    averaged, raw = comparison["moving average"], comparison["raw"]
    if raw["fid"] > (1 + SAME_FID) * averaged["fid"]:
        verdict = "the moving average pays"
    elif raw["fid"] < (1 - SAME_FID) * averaged["fid"]:
        verdict = "the moving average does not pay here: the raw weights do better"
    else:
        verdict = "the moving average makes no difference beyond 10% of FID here"
    return (
        f" Redrawing {fmt_count(comparison['images'])} evaluation samples ({comparison['sampler']}) from the same "
        f"noise with the raw weights instead of their exponential moving average gives FID {raw['fid']:.2f} "
        f"against {averaged['fid']:.2f} (precision {raw['precision']:.3f} against {averaged['precision']:.3f}, "
        f"recall {raw['recall']:.3f} against {averaged['recall']:.3f}): {verdict}."
    )


def mib(value: float | None) -> str:
    return "–" if value is None else f"{value / 2**20:,.0f} MiB"


def load_table(r: dict[str, Any]) -> str:
    """Question 4's table: what each model and sampler costs, with the quality it bought."""
    models = r["models"]
    rows = [
        "| model | parameters | training time | training images/s | peak memory in training | sampler | "
        "time per sample | FID | KID |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    scores = sample_scores(r) or {}

    def memory(m):
        bench = m.get("train_benchmark") or {}
        host = f"{bench['max_rss_mb']:,.0f} MB host" if bench.get("max_rss_mb") is not None else "–"
        gpu = m.get("peak_gpu_memory_bytes")
        return host + (f", {mib(gpu)} GPU" if gpu else "")

    def quality(row):
        return (
            (f"{row['fid']:.2f} ({fmt_count(row['count'])})", f"{row['kid']:.3g} ± {row['kid_std']:.2g}")
            if row
            else ("–", "–")
        )

    for name in ("vae", "gan"):
        m = models[name]
        fid, kid = quality(scores.get(name))
        rows.append(
            f"| {LABELS[name]} | {fmt_count(m['parameters_total'])} | {fmt_seconds(m['train_time_s'])} | "
            f"{fmt_count(m['images_per_s'])} | {memory(m)} | one network pass | "
            f"{fmt_seconds(m['measurements']['seconds_per_sample'])} | {fid} | {kid} |"
        )
    m = models["ddpm"]
    head = (
        f"| DDPM | {fmt_count(m['parameters_total'])} | {fmt_seconds(m['train_time_s'])} | "
        f"{fmt_count(m['images_per_s'])} | {memory(m)} |"
    )
    if experiment(r, "samplers"):
        for name, row in experiment(r, "samplers")["samplers"].items():
            fid, kid = quality(row)
            gpu = f", {mib(row['peak_gpu_memory_bytes'])} GPU peak" if row.get("peak_gpu_memory_bytes") else ""
            rows.append(f"{head} {name}{gpu} | {fmt_seconds(row['seconds_per_image'])} | {fid} | {kid} |")
            head = "| | | | | |"
    else:
        rows.append(f"{head} ancestral | {fmt_seconds(m['measurements']['seconds_per_sample'])} | – | – |")
    return (
        "\n".join(rows) + "\n\nFID is given with the number of samples it was computed from in brackets; "
        "FIDs from different counts are not comparable (FID is biased upwards at small counts), KIDs are."
    )


def answer_4(r: dict[str, Any]) -> str:
    models = r["models"]
    vae, gan, ddpm = models["vae"], models["gan"], models["ddpm"]
    per_sample = {m: models[m]["measurements"]["seconds_per_sample"] for m in models}
    slowest_train = max(models, key=lambda m: models[m]["train_time_s"])
    gan_strength = (
        "the samples closest to real digits in edge strength" if sharpness_rank(models)[0] == "gan" else "crisp samples"
    )
    lines = [
        f"**Costs measured in this run** (device: {vae['device']}). Training took "
        + ", ".join(f"{fmt_seconds(models[m]['train_time_s'])} for the {LABELS[m]}" for m in models)
        + f"; one sample costs {fmt_seconds(per_sample['vae'])} (VAE), {fmt_seconds(per_sample['gan'])} (GAN) and "
        f"{fmt_seconds(per_sample['ddpm'])} (DDPM, {ddpm['measurements']['sampling_steps']} network evaluations), "
        f"so a DDPM sample costs {per_sample['ddpm'] / per_sample['gan']:.0f}× a GAN sample. "
        f"The {LABELS[slowest_train]} took longest to train here, under the budgets of this preset."
        + cost_for_quality_sentence(r)
        + " "
        + budget_ranking_sentence(r),
        "",
        f"**VAE.** Strengths: it is the cheapest to train ({fmt_seconds(vae['train_time_s'])}) and to sample; "
        "it has an encoder, so every image gets a latent code (reconstruction, interpolation between real "
        "images, completion); and its objective is a bound on the log-likelihood, so training has a number "
        f"to monitor. Weakness: the factorized decoder averages over plausible images, which blurs "
        f"samples ({compare_sharpness(models, 'vae', 'gan')}).",
        "",
        "**GAN.** Strengths: one network evaluation per sample and, in this run, "
        f"{gan_strength}. Weaknesses: no "
        "encoder and no likelihood; the two-player objective gives no loss that tracks quality (the final "
        f"losses were {fmt_losses({k: gan['final_losses'][k] for k in ('loss_d', 'loss_g')})}), and training can "
        "oscillate or collapse onto a few digits, so it needs watching. "
        + (
            f"Training took {ratio_words(gan['train_time_s'], vae['train_time_s'])} time than the VAE, so the "
            "claim that GANs carry a higher load than VAEs holds for training time here"
            if gan["train_time_s"] > vae["train_time_s"]
            else "Training took less time than the VAE's, so the claim that GANs carry a higher load than VAEs did not "
            "hold for training time in this run"
        )
        + f"; at inference a GAN sample ({fmt_seconds(per_sample['gan'])}) costs "
        f"{ratio_words(per_sample['gan'], per_sample['vae'])} than a VAE sample ({fmt_seconds(per_sample['vae'])}), "
        "both far below a DDPM sample.",
        "",
        "**DDPM.** Strengths: a stable regression objective (the denoising loss falls steadily: "
        f"{ddpm['first_losses']['loss']:.4f} → {ddpm['final_losses']['loss']:.4f}), no adversary, and a "
        "variational bound on the likelihood. Weakness: cost. Sampling runs the network once per step, "
        f"{ddpm['measurements']['sampling_steps']} times per image, and training took "
        f"{fmt_seconds(ddpm['train_time_s'])}, {ratio_words(ddpm['train_time_s'], gan['train_time_s'])} than the GAN."
        + sampler_sentence(r),
    ]
    return "\n".join(lines)


def coverage_sentence(scores: dict[str, Any]) -> str:
    """For each model, its most frequent digit and, where it exceeds the coverage target, whether the excess
    sits in clearly read samples."""
    real = scores.get(REAL_ROW)
    parts = []
    for name in MODELS:
        row = scores.get(name)
        if not row or not row.get("class_shares_confident"):
            continue
        shares = row["class_shares"]
        digit = max(range(10), key=lambda d: shares[d])
        if shares[digit] <= MOST_COMMON_DIGIT_SHARE:
            parts.append(
                f"{LABELS[name]}: no digit above {MOST_COMMON_DIGIT_SHARE:.0%} (most frequent '{digit}', "
                f"{shares[digit]:.1%})"
            )
            continue
        confident, unsure = row["class_shares_confident"][digit], row["class_shares_unsure"][digit]
        reference = f", real images {real['class_shares'][digit]:.1%}" if real else ""
        where = (
            "so the model draws too many of them"
            if confident >= unsure
            else "so part of the excess may be the evaluator reading ambiguous strokes as this digit"
        )
        parts.append(
            f"{LABELS[name]}: '{digit}' at {shares[digit]:.1%}{reference}; it makes up {confident:.1%} of the "
            f"clearly read samples (top-class probability ≥ {row['confidence_threshold']}) and "
            f"{unsure:.1%} of the rest, {where}"
        )
    if not parts:
        return ""
    return "The most frequent digit per model, split by the evaluator's confidence: " + "; ".join(parts) + "."


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
    "3 c": answer_3_c,
    "4": answer_4,
}

# Tables shown after an answer when the run made the experiment behind them.
TABLES = {"2.3": ("detach", detach_table), "2.4 c": ("probes", probe_table), "4": ("samplers", load_table)}
