"""The spec's claims as data: each is a statement, the readings it uses, a rule and its verdict.

A rule looks at one run's numbers (through `readings`) and returns a `Verdict`: held, held in part,
did not hold, or undetermined. A claim that reads sample metrics is judged once in each evaluator's
feature space; if the evaluators disagree, the verdict is undetermined and says why. Every threshold
a rule uses is in `THRESHOLDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..formatting import fmt_seconds
from ..vocabulary import MODELS
from . import readings as read

if TYPE_CHECKING:
    from .results import RunResults

HELD, PARTLY, NOT_HELD, UNDETERMINED = "held", "held in part", "did not hold", "undetermined"
LABELS = {"vae": "VAE", "gan": "GAN", "ddpm": "DDPM"}


@dataclass(frozen=True)
class Threshold:
    value: float
    meaning: str


THRESHOLDS = {
    "smooth_step_ratio": Threshold(
        2.0,
        "an interpolation path is smooth when its largest step is at most this many "
        "times its mean step (pixel RMS between neighbouring frames)",
    ),
    "same_fid": Threshold(
        0.10, "in runs scored without intervals, two FIDs within this fraction count as the same quality"
    ),
    "blurry_below": Threshold(
        1.0, "samples are blurry when their edge strength is below this multiple of real test digits'"
    ),
    "most_common_digit_share": Threshold(
        0.13, "a model over-draws a digit when more than this share of its samples are read as that digit"
    ),
    "slight_sharpness_difference": Threshold(0.1, "edge strengths closer than this are called 'slightly' blurrier"),
    "close_to_real_sharpness": Threshold(0.15, "edge strength within this of real digits' (1.00) is close to real"),
    "same_confidence": Threshold(0.01, "mean top-class probabilities within this count as the same"),
    "precision_verdict_images": Threshold(
        100,
        "fewer images than this are too few to judge bf16 against fp32 within the same-FID and same-confidence margins",
    ),
    "class_kept_margin": Threshold(
        0.01,
        "a reconstruction keeps the digit less often when the evaluator reads the "
        "original digit in at least this much smaller a share",
    ),
    "identical_runs": Threshold(
        1e-6,
        "two trainings that compute the same update ended identically when their losses and FID agree this closely",
    ),
    "one_class_change": Threshold(
        1, "an interpolation changes its digit in one place when it does so at most this often per path"
    ),
}


def threshold(name: str) -> float:
    return THRESHOLDS[name].value


@dataclass(frozen=True)
class Verdict:
    outcome: str
    evidence: str  # the numbers behind it, short
    reason: str = ""  # which parts held, or why it is undetermined


@dataclass(frozen=True)
class Claim:
    key: str  # the spec's question
    statement: str  # what the spec claims, in our words
    reads: tuple[str, ...]  # names in readings.READINGS
    rule: Callable[..., Verdict]  # rule(r) or, with per_evaluator, rule(r, evaluator, training_seed)
    per_evaluator: bool = False  # judged in each evaluator's feature space and for each training seed
    short: str = ""  # the claim in a few words, for the summary's grid

    def check(self, r: dict[str, Any]) -> Verdict:
        if not self.per_evaluator:
            return self.rule(r)
        evaluators = read.evaluator_names(r)
        if not evaluators:
            return Verdict(UNDETERMINED, "no sample metrics", "this run scored no samples")
        degenerate = read.degenerate_sample_sets(r)
        if degenerate:
            failed = "; ".join(f"the {LABELS[m]}'s ({', '.join(checks)})" for m, checks in degenerate.items())
            return Verdict(UNDETERMINED, "sample checks failed", f"a sample set is not a set of drawn digits: {failed}")
        seeds = read.training_seeds(r)
        verdicts = {(name, seed): self.rule(r, name, seed) for seed in seeds for name in evaluators}
        outcomes = {v.outcome for v in verdicts.values()}
        main = [(key, v) for key, v in verdicts.items() if key[1] == seeds[0]]
        first = main[0][1]
        if len(outcomes) == 1:
            evidence = "; ".join(f"{v.evidence} ({evaluator_label(r, name)})" for (name, _), v in main)
            reasons = [first.reason] if first.reason else []
            if len(seeds) > 1:
                retrained = " and ".join(LABELS[m] for m in read.retrained_models(r))
                others = " and ".join(map(str, seeds[1:]))
                reasons.append(f"the same with the {retrained} retrained from seed{'s' * (len(seeds) > 2)} {others}")
            return Verdict(first.outcome, evidence, "; ".join(reasons))
        label = {
            key: evaluator_label(r, key[0]) + (f", training seed {key[1]}" if len(seeds) > 1 else "")
            for key in verdicts
        }
        # The evidence of the main training seed; the reason names each evaluator's and seed's outcome.
        evidence = "; ".join(f"{v.evidence} ({label[key]})" for key, v in main)
        split = "; ".join(f"{label[key]}: {v.outcome}" for key, v in verdicts.items())
        return Verdict(UNDETERMINED, evidence, f"the verdict depends on the evaluator or the training seed: {split}")


def evaluator_label(r: RunResults, name: str) -> str:
    return f"{read.evaluator_info(r, name)['architecture']} evaluator"


def from_parts(parts: dict[str, bool | None], evidence: str) -> Verdict:
    """Held when every part holds; did not hold when any part fails (a claim is refuted by any of its parts; the
    reason names the parts that held); undetermined when a part cannot be told (None: the numbers it compares lie
    within each other's intervals)."""
    open_parts = [name for name, ok in parts.items() if ok is None]
    held = [name for name, ok in parts.items() if ok]
    failed = [name for name, ok in parts.items() if ok is False]
    if failed:
        also = ("; held: " + "; ".join(held)) if held else ""
        return Verdict(NOT_HELD, evidence, "did not hold: " + "; ".join(failed) + also)
    if open_parts:
        return Verdict(UNDETERMINED, evidence, "within the sampling intervals: " + "; ".join(open_parts))
    return Verdict(HELD, evidence)


def below(value: float, interval: list[float] | None, limit: float) -> bool | None:
    """Whether a number lies below a limit, None where its interval straddles the limit."""
    if interval and interval[0] < limit <= interval[1]:
        return None
    return value < limit


def disjoint(a: list[float], b: list[float]) -> bool:
    """Two intervals that do not overlap: the difference between their numbers exceeds the sampling noise."""
    return a[1] < b[0] or b[1] < a[0]


def lower(a: float, b: float, interval_a: list[float] | None, interval_b: list[float] | None) -> bool | None:
    """Whether a is below b, None where their intervals overlap (the difference is within the sampling noise)."""
    if interval_a and interval_b and not disjoint(interval_a, interval_b):
        return None
    return a < b


def lower_fid(r: RunResults, a: str, b: str, evaluator: str, seed: int | None) -> bool | None:
    return lower(
        read.fid(r, a, evaluator, seed),
        read.fid(r, b, evaluator, seed),
        read.fid_interval(r, a, evaluator, seed),
        read.fid_interval(r, b, evaluator, seed),
    )


def edge_evidence(r: RunResults, model: str) -> str:
    """An edge score as the evidence prints it, with its interval where the run measured one."""
    interval = read.sharpness_interval(r, model)
    return f"{read.sharpness(r, model):.2f}" + (f" [{interval[0]:.2f}–{interval[1]:.2f}]" if interval else "")


def fid_evidence(r: RunResults, model: str, evaluator: str, seed: int | None) -> str:
    interval = read.fid_interval(r, model, evaluator, seed)
    shown = f" [{interval[0]:.1f}–{interval[1]:.1f}]" if interval else ""
    return f"{read.fid(r, model, evaluator, seed):.1f}{shown}"


def vae_blurry_and_improving(r: RunResults) -> Verdict:
    trend = read.edge_scores_first_and_last(r, "vae")
    blurry = below(read.sharpness(r, "vae"), read.sharpness_interval(r, "vae"), threshold("blurry_below"))
    parts = {"blurry": blurry, "blurrier than the GAN's": blurrier(r, "vae", "gan")}
    evidence = f"edge score {edge_evidence(r, 'vae')} of real digits (GAN {edge_evidence(r, 'gan')})"
    if trend:
        first, last = trend
        parts["less blurry with training"] = edges_rose(first, last)
        evidence += (
            f"; {score_evidence(first)} at epoch {first['epoch']} → {score_evidence(last)} at epoch {last['epoch']}"
        )
    return from_parts(parts, evidence)


def score_evidence(point: dict[str, Any]) -> str:
    interval = point["interval"]
    return f"{point['score']:.2f}" + (f" [{interval[0]:.2f}–{interval[1]:.2f}]" if interval else "")


def smooth_interpolation(model: str) -> Callable[[dict], Verdict]:
    def rule(r: RunResults) -> Verdict:
        mean_ratio, worst = read.interpolation_step_ratios(r, model)
        limit = threshold("smooth_step_ratio")
        evidence = f"largest step {mean_ratio:.2f}× the mean (worst path {worst:.2f}×)"
        if worst <= limit:
            return Verdict(HELD, evidence, f"no path has a step above {limit:g}× its mean")
        if mean_ratio <= limit:
            return Verdict(PARTLY, evidence, "smooth on average, but at least one path jumps")
        return Verdict(NOT_HELD, evidence, "the paths change in jumps")

    return rule


def gan_better_and_sharper_than_vae(r: RunResults, evaluator: str, seed: int | None = None) -> Verdict:
    return from_parts(
        {
            "lower FID than the VAE": lower_fid(r, "gan", "vae", evaluator, seed),
            "sharper than the VAE": blurrier(r, "vae", "gan"),
        },
        f"FID GAN {fid_evidence(r, 'gan', evaluator, seed)} vs VAE {fid_evidence(r, 'vae', evaluator, seed)}, "
        f"edge score {edge_evidence(r, 'gan')} vs {edge_evidence(r, 'vae')}",
    )


def detach_essential(r: RunResults) -> Verdict:
    full = read.detach_repeats(r)
    if full:
        return detach_essential_at_full_budget(full)
    variants = read.detach_variants(r)
    if not variants:
        return Verdict(UNDETERMINED, "no detach experiment", "this run did not train the variants")
    detached, attached, leak = variants["detached"], variants["attached"], variants["attached_no_reset"]
    extra = attached["seconds_per_step"] / detached["seconds_per_step"] - 1
    evidence = (
        f"FID leaked {leak['fid']:.1f} vs detached {detached['fid']:.1f}; {extra:+.0%} time per step without detach"
    )
    if fid_change(leak, detached) == "worse":
        return Verdict(HELD, evidence, "leaving the discriminator's gradient in the generator's update hurt")
    if extra > 0:
        return Verdict(PARTLY, evidence, "detach saved time, but the leaked gradient did not measurably hurt")
    return Verdict(NOT_HELD, evidence, "neither quality nor time changed")


def detach_essential_at_full_budget(exp: dict[str, Any]) -> Verdict:
    """The robustness target's comparison: the leak hurts where, at every seed, the leaking variant's FID lies above
    the detached one's beyond both intervals; detach saves time where every paired timing has the variant without
    it slower."""
    detached, leak = exp["variants"]["detached"]["by_seed"], exp["variants"]["attached_no_reset"]["by_seed"]
    hurt = {
        seed: lower(
            detached[seed]["fid"], leak[seed]["fid"], detached[seed]["intervals"]["fid"], leak[seed]["intervals"]["fid"]
        )
        for seed in detached
    }
    ratio = exp["timing"]["ratio_to_first"]["attached"]
    evidence = "; ".join(
        f"FID leaked {interval_evidence(leak[seed])} vs detached {interval_evidence(detached[seed])} (seed {seed})"
        for seed in detached
    ) + (
        f"; {ratio['median'] - 1:+.0%} time per step without detach (range {ratio['min'] - 1:+.0%} to "
        f"{ratio['max'] - 1:+.0%} over {len(ratio['values'])} paired timings)"
    )
    if all(hurt.values()):
        return Verdict(HELD, evidence, "the discriminator's gradient left in the generator's update hurt at every seed")
    if any(hurt.values()):
        return Verdict(UNDETERMINED, evidence, "the leaked gradient hurt at some seeds only")
    if ratio["min"] > 1:
        return Verdict(
            PARTLY, evidence, "detach saved time in every paired timing; the leaked gradient did not measurably hurt"
        )
    return Verdict(NOT_HELD, evidence, "neither quality nor time changed beyond its spread")


def interval_evidence(scores: dict[str, Any]) -> str:
    interval = scores["intervals"]["fid"]
    return f"{scores['fid']:.1f} [{interval[0]:.1f}–{interval[1]:.1f}]"


def mse_interval(errors: dict[str, Any]) -> list[float] | None:
    """A reconstruction error's 95% normal interval over the test images (mean ± 1.96 standard errors)."""
    if "standard_error" not in errors["mse"]:
        return None
    mean, error = errors["mse"]["mean"], errors["mse"]["standard_error"]
    return [mean - 1.96 * error, mean + 1.96 * error]


def reconstructs_closer(a: dict[str, Any], b: dict[str, Any]) -> bool | None:
    """Whether reconstruction a has the lower per-pixel error, None where the two intervals overlap."""
    return lower(a["mse"]["mean"], b["mse"]["mean"], mse_interval(a), mse_interval(b))


def gan_cannot_reconstruct(r: RunResults) -> Verdict:
    exp = read.reconstruction(r)
    if not exp:
        return Verdict(UNDETERMINED, "no inversion experiment", "this run did not try to invert the generator")
    vae, gan, searched = exp["vae"], exp["gan"], exp.get("vae_searched")
    evidence = f"MSE GAN {gan['mse']['mean']:.4f} vs VAE {vae['mse']['mean']:.4f}"
    if searched:
        evidence += f", VAE decoder under the same search {searched['mse']['mean']:.4f}"
    closer = reconstructs_closer(gan, vae)
    if closer is None:
        return Verdict(UNDETERMINED, evidence, "the inverted GAN and the VAE reconstruct within each other's intervals")
    if not closer:
        return Verdict(HELD, evidence, "even inverted, the generator reconstructs worse than the VAE")
    if searched and reconstructs_closer(searched, gan):
        return Verdict(
            PARTLY,
            evidence,
            "inverted, it beats the VAE's one pass, but the VAE's decoder under the same search does better still",
        )
    kept = "class_kept" in gan and gan["class_kept"] < vae["class_kept"] - threshold("class_kept_margin")
    if kept:
        return Verdict(
            PARTLY,
            evidence + f", digit kept {gan['class_kept']:.1%} vs {vae['class_kept']:.1%}",
            "inverted, it matches pixels more closely but changes more digits",
        )
    return Verdict(NOT_HELD, evidence, "inverted by gradient descent, it reconstructs more closely than the VAE")


def gan_has_no_likelihood(r: RunResults) -> Verdict:
    bounds = read.likelihood_bounds(r)
    if not bounds:
        return Verdict(
            UNDETERMINED,
            "no likelihood measured",
            "this run computed no bound for the models that have one, so the contrast is only argued",
        )
    return Verdict(
        HELD,
        f"VAE ≤ {bounds['vae_nats']:.1f} nats, DDPM ≤ {bounds['ddpm_bits_per_dim']:.3f} bits/dim; GAN none",
        "the VAE and DDPM bound the likelihood; the GAN's density is undefined",
    )


PIXELS = "raw pixels"
INVERTED = "GAN inverted z"


def higher_accuracy(a: dict[str, Any], b: dict[str, Any]) -> bool | None:
    """Whether probe accuracy a beats b, None where their test-image intervals overlap."""
    return lower(b["accuracy"], a["accuracy"], b["interval"], a["interval"])


def gan_learns_good_representations(r: RunResults) -> Verdict:
    accuracy = read.probe_accuracy_few_labels(r)
    if not accuracy:
        return Verdict(UNDETERMINED, "no probes", "this run fitted no linear probe")
    discriminator = next(name for name in accuracy if name.startswith("GAN discriminator"))
    trained, pixels = read.probe_score(r, discriminator), read.probe_score(r, PIXELS)
    inverted = read.probe_score(r, INVERTED)
    parts = {
        "discriminator features beat pixels": higher_accuracy(trained, pixels),
        "inverted codes beat pixels": higher_accuracy(inverted, pixels),
    }
    evidence = (
        f"few-label probe: discriminator {accuracy_evidence(trained)}, inverted z {accuracy_evidence(inverted)}, "
        f"pixels {accuracy_evidence(pixels)}"
    )
    untrained = read.probe_score(r, discriminator, "untrained")
    if untrained:
        parts["training improved the discriminator's features"] = higher_accuracy(trained, untrained)
        evidence += f", untrained discriminator {accuracy_evidence(untrained)}"
    return from_parts(parts, evidence)


def accuracy_evidence(score: dict[str, Any]) -> str:
    interval = score["interval"]
    return f"{score['accuracy']:.1%}" + (f" [{interval[0]:.1%}–{interval[1]:.1%}]" if interval else "")


def ddpm_between_vae_and_gan(r: RunResults, evaluator: str, seed: int | None = None) -> Verdict:
    fids = {m: read.fid(r, m, evaluator, seed) for m in LABELS}
    return from_parts(
        {
            "better than the VAE": lower_fid(r, "ddpm", "vae", evaluator, seed),
            "worse than the GAN": lower_fid(r, "gan", "ddpm", evaluator, seed),
        },
        "FID " + ", ".join(f"{LABELS[m]} {fid_evidence(r, m, evaluator, seed)}" for m in sorted(fids, key=fids.get)),
    )


def costs_ordered(r: RunResults) -> Verdict:
    order = list(MODELS)
    train = [read.train_seconds(r, m) for m in order]
    sample = [read.seconds_per_sample(r, m) for m in order]
    return from_parts(
        {"training VAE < GAN < DDPM": train == sorted(train), "sampling VAE < GAN < DDPM": sample == sorted(sample)},
        "training "
        + " / ".join(fmt_seconds(s) for s in train)
        + "; per sample "
        + " / ".join(fmt_seconds(s) for s in sample),
    )


def vae_blurrier_than_both(r: RunResults) -> Verdict:
    return from_parts(
        {"blurrier than the GAN": blurrier(r, "vae", "gan"), "blurrier than the DDPM": blurrier(r, "vae", "ddpm")},
        "edge score " + ", ".join(f"{LABELS[m]} {edge_evidence(r, m)}" for m in LABELS),
    )


def digits_evenly_drawn(r: RunResults, evaluator: str, seed: int | None = None) -> Verdict:
    limit = threshold("most_common_digit_share")
    top = {}
    for model in LABELS:
        shares = read.class_shares(r, model, evaluator, seed)
        digit = max(range(10), key=lambda d: shares[d])
        top[model] = (digit, shares[digit])
    parts = {f"{LABELS[m]} within {limit:.0%}": share <= limit for m, (_, share) in top.items()}
    return from_parts(
        parts, "most frequent digit " + ", ".join(f"{LABELS[m]} '{d}' {s:.1%}" for m, (d, s) in top.items())
    )


# Judgements the text words that are no claim of the spec: each returns an outcome the words look up.

NEITHER_BLURRY, BLURRIER, SHARPER, ALIKE = "neither blurry", "blurrier", "sharper", "alike"


def blur_comparison(r: RunResults, a: str, b: str) -> tuple[str, bool]:
    """Whether model a's samples are blurrier or sharper than b's, and whether only slightly.

    An edge score below real digits' is blur; above it is speckle or noise, so two models that both reach
    real digits' score are neither blurry, whatever their order. Scores whose intervals overlap are alike."""
    ra, rb = read.sharpness(r, a), read.sharpness(r, b)
    if ra >= threshold("blurry_below") and rb >= threshold("blurry_below"):
        return NEITHER_BLURRY, False
    if lower(ra, rb, read.sharpness_interval(r, a), read.sharpness_interval(r, b)) is None:
        return ALIKE, False
    return (BLURRIER if ra < rb else SHARPER), abs(ra - rb) < threshold("slight_sharpness_difference")


def blurrier(r: RunResults, a: str, b: str) -> bool | None:
    """Whether a's samples are blurrier than b's; None where their edge scores lie within each other's intervals."""
    outcome = blur_comparison(r, a, b)[0]
    return None if outcome == ALIKE else outcome == BLURRIER


def close_to_real_sharpness(r: RunResults, model: str) -> bool:
    return abs(read.sharpness(r, model) - 1) < threshold("close_to_real_sharpness")


def edges_rose(first: dict[str, Any], last: dict[str, Any]) -> bool | None:
    """Whether the snapshots' edge score rose from the first to the last sampled epoch; None where the two
    epochs' intervals overlap."""
    return lower(first["score"], last["score"], first["interval"], last["interval"])


def fid_change(new: dict[str, Any], old: dict[str, Any]) -> str:
    """'same', 'worse' or 'better': the FID of scores `new` against `old`; the same where their bootstrap intervals
    overlap, or, in runs scored without intervals, within the same-FID margin."""
    new_interval, old_interval = ((s.get("intervals") or {}).get("fid") for s in (new, old))
    if new_interval and old_interval:
        better = lower(new["fid"], old["fid"], new_interval, old_interval)
        return "same" if better is None else "better" if better else "worse"
    if abs(new["fid"] - old["fid"]) <= threshold("same_fid") * old["fid"]:
        return "same"
    return "worse" if new["fid"] > old["fid"] else "better"


def fid_change_at_seeds(new: dict[str, Any], old: dict[str, Any]) -> str:
    """'same', 'worse', 'better' or 'mixed': runs `new` against `old` (by seed), each seed judged by fid_change."""
    changes = {fid_change(run, old[seed]) for seed, run in new.items()}
    return changes.pop() if len(changes) == 1 else "mixed"


def slower(extra_time: float) -> bool:
    return extra_time > 0


def trains_longer(r: RunResults, a: str, b: str) -> bool:
    return read.train_seconds(r, a) > read.train_seconds(r, b)


def same_order(order: list[str], other: list[str]) -> bool:
    return order == other


def kids_resolved(row: dict[str, Any], reference: dict[str, Any]) -> bool:
    """Two KIDs differ by more than the larger of their standard deviations."""
    return abs(row["kid"] - reference["kid"]) > max(row["kid_std"], reference["kid_std"])


def trained_identically(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two detach variants ended with the same losses and FID, up to rounding."""
    tolerance = threshold("identical_runs")
    losses = all(
        abs(a["final_losses"][k] - b["final_losses"][k]) <= tolerance * max(1.0, abs(a["final_losses"][k]))
        for k in a["final_losses"]
    )
    return losses and abs(a["fid"] - b["fid"]) <= tolerance * max(1.0, a["fid"])


def changes_digit_once(feature_paths: dict[str, Any], model: str) -> bool:
    """A model's interpolation (as readings.feature_paths reads it) changes its digit in one place."""
    return feature_paths["models"][model]["class_changes_per_path"] <= threshold("one_class_change")


def moving_average_outcome(comparison: dict[str, Any]) -> str:
    """'pays', 'does not pay' or 'no difference', by FID at equal noise (the sampler experiment's comparison)."""
    change = fid_change(comparison["raw"], comparison["moving average"])
    return {"worse": "pays", "better": "does not pay", "same": "no difference"}[change]


def reduced_precision_outcome(comparison: dict[str, Any]) -> str:
    """'too few', 'keeps' or 'changes': whether bf16 sampling kept the set's quality (FID and confidence).

    A deterministic sampler's single images can move under rounding; quality is judged on the set."""
    if comparison["images"] < threshold("precision_verdict_images"):
        return "too few"
    scores, low = comparison["scores"], comparison["precision"]
    keeps = fid_change(scores[low], scores["fp32"]) == "same" and abs(
        scores[low]["mean_top_probability"] - scores["fp32"]["mean_top_probability"]
    ) <= threshold("same_confidence")
    return "keeps" if keeps else "changes"


def over_drawn(share: float) -> bool:
    return share > threshold("most_common_digit_share")


def excess_is_confident(confident_share: float, unsure_share: float) -> bool:
    """An over-drawn digit's excess sits in clearly read samples, not in strokes the evaluator is unsure of."""
    return confident_share >= unsure_share


def reproducibility(deterministic: list[bool | None]) -> str:
    """'deterministic', 'unknown' (a run from before the record) or 'gpu' (kernels not bit-for-bit)."""
    if all(deterministic):
        return "deterministic"
    if any(flag is None for flag in deterministic):
        return "unknown"
    return "gpu"


CLAIMS = [
    Claim(
        "1.3 b",
        "VAE samples are blurry, less so as training goes on, and blurrier than the GAN's",
        ("sharpness", "edge_scores_first_and_last"),
        vae_blurry_and_improving,
        short="VAE blurry, improving, blurrier than GAN",
    ),
    Claim(
        "1.3 c",
        "the VAE's interpolation between two latent points is smooth",
        ("interpolation_step_ratios",),
        smooth_interpolation("vae"),
        short="VAE interpolation smooth",
    ),
    Claim(
        "2.2 b",
        "GAN samples are better and less blurry than the VAE's",
        ("fid", "sharpness"),
        gan_better_and_sharper_than_vae,
        per_evaluator=True,
        short="GAN better and sharper than VAE",
    ),
    Claim(
        "2.2 c",
        "the GAN's interpolation between two noise points is smooth",
        ("interpolation_step_ratios",),
        smooth_interpolation("gan"),
        short="GAN interpolation smooth",
    ),
    Claim(
        "2.3",
        "detach() on the fakes in the discriminator step is essential",
        ("detach_variants", "detach_repeats"),
        detach_essential,
        short="detach() essential",
    ),
    Claim(
        "2.4 a",
        "a GAN cannot reconstruct input images",
        ("reconstruction",),
        gan_cannot_reconstruct,
        short="GAN cannot reconstruct",
    ),
    Claim(
        "2.4 b",
        "a GAN cannot give a log-likelihood, unlike a VAE",
        ("likelihood_bounds",),
        gan_has_no_likelihood,
        short="GAN no likelihood, VAE one",
    ),
    Claim(
        "2.4 c",
        "a GAN learns very good representations",
        ("probe_accuracy_few_labels", "probe_score"),
        gan_learns_good_representations,
        short="GAN learns good representations",
    ),
    Claim(
        "3 b",
        "DDPM samples are better than the VAE's but not as good as the GAN's",
        ("fid",),
        ddpm_between_vae_and_gan,
        per_evaluator=True,
        short="DDPM better than VAE, worse than GAN",
    ),
    Claim(
        "4",
        "VAE samples are blurrier than the GAN's and the DDPM's",
        ("sharpness",),
        vae_blurrier_than_both,
        short="VAE blurriest",
    ),
    Claim(
        "4",
        "computational load in training and sampling: VAE < GAN < DDPM",
        ("train_seconds", "seconds_per_sample"),
        costs_ordered,
        short="load VAE < GAN < DDPM",
    ),
    Claim(
        "Measured quality",
        "every model draws each digit at most 13 % of the time",
        ("class_shares",),
        digits_evenly_drawn,
        per_evaluator=True,
        short="each digit at most 13 % of samples",
    ),
]


def check_all(r: RunResults) -> list[tuple[Claim, Verdict]]:
    return [(claim, claim.check(r)) for claim in CLAIMS]
