"""The written report: figures, tables and answers assembled from one run's results.

`build_report` returns a list of blocks; the report notebook shows them (and nbconvert turns
that into self-contained HTML), and `write_markdown` writes the same blocks as Markdown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import readings as read
from .answers import ANSWERS, LABELS, TABLES, coverage_sentence
from .claims import check_all, evaluator_label, verdict_sentence
from .formatting import fmt_count, fmt_losses, fmt_seconds
from .results import load_results

QUESTIONS = {
    "1.3 a": "Show reconstructions of test images and samples of the VAE at the end of training.",
    "1.3 b": "How do the VAE's samples change as training goes on, and how do they compare with the GAN's?",
    "1.3 c": "Is the transition smooth when decoding along the line from z₁ to z₂?",
    "2.2 a": "Show samples of the GAN at the end of training.",
    "2.2 b": "How good are the GAN's samples, compared with the VAE's?",
    "2.2 c": "Is the GAN's interpolation between two noise points smooth?",
    "2.3": "Is `detach()` on the fakes in the discriminator step essential, and why?",
    "2.4 a": "Can the GAN reconstruct input images?",
    "2.4 b": "Can the GAN compute a log-likelihood?",
    "2.4 c": "Does the GAN learn good representations?",
    "3 a": "Show samples of the DDPM at the end of training.",
    "3 b": "How good are the DDPM's samples, compared with the VAE's and the GAN's?",
    "3 c": "Supplementary: how smoothly does the DDPM interpolate, next to the VAE and the GAN?",
    "4": "Strengths and weaknesses of each model, and their computational load.",
}

CAPTIONS = {
    "fig1": "Figure 1 – VAE: test-set images (rows 1 and 3) and their reconstructions (rows 2 and 4).",
    "fig2": "Figure 2 – VAE: samples at the end of training.",
    "fig3": "Figure 3 – VAE: decoding along the straight line from z₁ (left) to z₂ (right), one pair per row.",
    "fig4": "Figure 4 – GAN: samples at the end of training.",
    "fig5": "Figure 5 – GAN: generator outputs between two points of the noise distribution, one pair per row.",
    "fig6": "Figure 6 – DDPM: samples at the end of training.",
    "fig7": (
        "Figure 7 – DDPM: samples from spherically interpolated starting noise by the deterministic sampler "
        "its title names, one pair per row."
    ),
    "detach": "Figure 8 – GAN samples after the same training with three discriminator steps (question 2.3).",
    "reconstruction": "Figure 9 – The same test images reconstructed by the VAE and by inverting the GAN.",
    "curves": (
        "Figure 10 – Sample quality against training time: FID and the evaluator's confidence on each model's "
        "fixed-noise samples at every sampled epoch; the dashed line marks the largest budget all three reached."
    ),
    "bound": (
        "Supplementary – DDPM: its bound on the test digits term by term; left, bits per dimension per "
        "timestep; right, the share of the bound spent before each timestep."
    ),
    "evolution_vae": "Supplementary – VAE: samples from one fixed noise batch at several epochs.",
    "evolution_gan": "Supplementary – GAN: samples from one fixed noise batch at several epochs.",
    "evolution_ddpm": "Supplementary – DDPM: samples from one fixed noise batch at several epochs.",
}

SECTIONS = [
    ("1. Variational autoencoder", [("1.3 a", ["fig1", "fig2"]), ("1.3 b", ["evolution_vae"]), ("1.3 c", ["fig3"])]),
    (
        "2. Generative adversarial network",
        [
            ("2.2 a", ["fig4"]),
            ("2.2 b", ["evolution_gan"]),
            ("2.2 c", ["fig5"]),
            ("2.3", ["detach"]),
            ("2.4 a", ["reconstruction"]),
            ("2.4 b", ["bound"]),
            ("2.4 c", []),
        ],
    ),
    ("3. Denoising diffusion probabilistic model", [("3 a", ["fig6"]), ("3 b", ["evolution_ddpm"]), ("3 c", ["fig7"])]),
    ("4. Comparison", [("4", ["curves"])]),
]


@dataclass
class Block:
    markdown: str | None = None
    figure: Path | None = None


def provenance_line(record) -> str:
    """Which rule and notebook (or module) drew a figure, at which commit, from which settings."""
    if record is None:
        return ""
    commit = (record.get("commit") or "unknown")[:10]
    if record.get("uncommitted_changes"):
        commit += " with uncommitted changes"
    return (
        f"<br>\n<small>Made by rule `{record['rule']}` running `{record['made_by']}` at commit {commit}; "
        f"settings {record['settings_digest']}.</small>"
    )


def summary_table(results) -> str:
    rows = [
        "| model | parameters | epochs (steps) | training time | training images/s | final training losses | "
        "sampling time per image |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for name, m in results["models"].items():
        parts = (
            " + ".join(f"{fmt_count(v)} ({k})" for k, v in m["parameters"].items())
            if len(m["parameters"]) > 1
            else fmt_count(m["parameters_total"])
        )
        rows.append(
            f"| {LABELS[name]} | {parts} | {m['epochs']} ({fmt_count(m['steps'])}) | "
            f"{fmt_seconds(m['train_time_s'])} | "
            f"{fmt_count(m['images_per_s'])} | {fmt_losses(m['final_losses'])} | {sampling_time(m['measurements'])} |"
        )
    note = ""
    if any(not m["measurements"].get("sampling_excludes_startup") for m in results["models"].values()):
        note = (
            "\n\n\\* Timed on the first call, so start-up costs (CUDA context, first allocations) are "
            "included; later calls are faster."
        )
    return "\n".join(rows) + note


def sampling_time(measurements) -> str:
    marker = "" if measurements.get("sampling_excludes_startup") else " \\*"
    return fmt_seconds(measurements["seconds_per_sample"]) + marker


MEASURED = "Measured quality"


def anchor(key: str) -> str:
    """The id a section's heading carries, so the claims table can link to it."""
    return "q-" + key.lower().replace(" ", "-").replace(".", "-")


def key_numbers(results) -> str:
    """The run's headline numbers, one line each, before any figure."""
    models = results["models"]
    lines = [
        "Training time: "
        + ", ".join(f"{LABELS[m]} {fmt_seconds(read.train_seconds(results, m))}" for m in models)
        + f" ({models['vae']['device']})."
    ]
    metrics = results["metrics"]
    if metrics:
        for name in read.evaluator_names(results):
            info = read.evaluator_info(results, name)
            lines.append(
                f"FID in the {evaluator_label(results, name)}'s feature space (test accuracy "
                f"{info['test_accuracy']:.2%}): "
                + ", ".join(
                    f"{LABELS[m]} {read.fid(results, m, name):.1f} ({read.fid_over_real(results, m, name):.0f}× "
                    f"the real-data floor)"
                    for m in models
                )
                + "."
            )
        vae, ddpm = metrics["likelihood"]["vae"], metrics["likelihood"]["ddpm"]
        lines.append(
            f"Likelihood bounds: VAE −log p(x) ≤ {vae['negative_iwae_bound']['mean']:.2f} ± "
            f"{vae['negative_iwae_bound']['standard_error']:.2f} nats (binarized test digits, importance-weighted); "
            f"DDPM ≤ {ddpm['negative_bound']['bits_per_dim']:.3f} ± "
            f"{ddpm['negative_bound']['bits_per_dim_standard_error']:.3f} bits/dim (8-bit test digits)."
        )
    return "\n".join(f"- {line}" for line in lines)


def claims_section(results, verdicts) -> str:
    """The spec's claims, each with its verdict and the numbers behind it, linked to its section."""
    rows = ["| question | claim | verdict | the numbers behind it |", "|---|---|---|---|"]
    for claim, verdict in verdicts:
        why = f" — {verdict.reason}" if verdict.outcome == "undetermined" else ""
        rows.append(
            f"| [{claim.key}](#{anchor(claim.key)}) | {claim.statement} | **{verdict.outcome}**{why} | "
            f"{verdict.evidence} |"
        )
    return (
        "## Claims checked\n\nEach claim of the assignment's reference answers, judged by a fixed rule on this "
        "run's numbers (`genreport.report.claims`). Claims that rest on sample metrics are judged in two evaluators' "
        "feature spaces and for each training seed of the seed experiment; where these disagree the verdict is "
        "*undetermined*.\n\n" + "\n".join(rows)
    )


def metrics_table(scores) -> list[str]:
    rows = [
        "| images | count | FID | FID ÷ real | KID | precision | recall | mean top-class probability | KL "
        "from uniform | digit shares, min–max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, s in scores.items():
        label = LABELS.get(name, name)
        rows.append(
            f"| {label} | {fmt_count(s['count'])} | {s['fid']:.3f} | {s['fid_over_real']:.1f} | "
            f"{s['kid']:.3g} ± {s['kid_std']:.2g} | {s['precision']:.3f} | {s['recall']:.3f} | "
            f"{s['mean_top_probability']:.3f} | {s['kl_from_uniform']:.4f} | "
            f"{min(s['class_shares']):.1%}–{max(s['class_shares']):.1%} |"
        )
    return rows


def second_evaluator_paragraph(results) -> str:
    """The same sample metrics in the second evaluator's feature space, when the run computed them."""
    second = results["metrics"].get(read.SECOND)
    if not second:
        return ""
    info = read.evaluator_info(results, read.SECOND)
    scores = second["sample_metrics"]
    return (
        f"\n\nThe same images in a second evaluator's feature space: a `{info['architecture']}` classifier "
        f"trained from seed {info['training_seed']} (test accuracy {info['test_accuracy']:.2%}). FIDs from two "
        "evaluators are on different scales; what must agree is the order and every verdict.\n\n"
        + "\n".join(metrics_table(scores))
        + "\n\n"
        + coverage_sentence(scores)
    )


def seed_paragraph(results) -> str:
    """Each retrained model's FID and most frequent digit per training seed, in every evaluator's space."""
    retrained = read.retrained_models(results)
    if not retrained:
        return ""
    seeds, evaluators = read.training_seeds(results), read.evaluator_names(results)
    rows = [
        "| model | training seed | "
        + " | ".join(f"FID ({evaluator_label(results, e)})" for e in evaluators)
        + " | most frequent digit ("
        + evaluator_label(results, evaluators[0])
        + ") |",
        "|---|---:|" + "---:|" * len(evaluators) + "---|",
    ]
    for model in retrained:
        for seed in seeds:
            shares = read.class_shares(results, model, evaluators[0], seed)
            digit = max(range(10), key=lambda d: shares[d])
            rows.append(
                f"| {LABELS[model]} | {seed} | "
                + " | ".join(f"{read.fid(results, model, e, seed):.2f}" for e in evaluators)
                + f" | '{digit}' {shares[digit]:.1%} |"
            )
    kept = [LABELS[m] for m in LABELS if m not in retrained]
    return (
        "\n\nRobust to retraining: the "
        + " and the ".join(LABELS[m] for m in retrained)
        + f" trained again from seed {seeds[1]} with the same settings, their samples drawn and scored like the "
        "main ones"
        + (f" (the {' and the '.join(kept)} not retrained: this preset's budget)" if kept else "")
        + ". Rankings and verdicts above are checked for each training seed.\n\n"
        + "\n".join(rows)
    )


def metrics_section(results, opening: list[str]) -> str:
    metrics = results["metrics"]
    scores = metrics["sample_metrics"]
    rows = metrics_table(scores)
    sampling = metrics["sampling"]
    likelihood = metrics["likelihood"]
    vae, ddpm = likelihood["vae"], likelihood["ddpm"]

    def row(model, bound, estimate, images):
        return (
            f"| {model} | {bound} | {estimate['mean']:.2f} ± {estimate['standard_error']:.2f} | "
            f"{estimate['bits_per_dim']:.4f} ± {estimate['bits_per_dim_standard_error']:.4f} | {fmt_count(images)} |"
        )

    bounds = [
        "| model | upper bound on −log p(x) | nats per image | bits per dimension | test images |",
        "|---|---|---:|---:|---:|",
        row("VAE", "−ELBO, binarized digits", vae["negative_elbo"], vae["images"]),
        row(
            "VAE",
            f"−importance-weighted bound (k = {vae['importance_samples']}), binarized digits",
            vae["negative_iwae_bound"],
            vae["images"],
        ),
        row(
            "DDPM",
            f"−variational bound, 8-bit digits ({ddpm['timestep_ranges'] + 1} timesteps per image, stratified over t)",
            ddpm["negative_bound"],
            ddpm["images"],
        ),
        "| GAN | none: the density is not defined (see 2.4 b) | – | – | – |",
    ]
    return (
        f'<a id="{anchor(MEASURED)}"></a>\n\n## {MEASURED}\n\n'
        + "".join(f"{line}\n\n" for line in opening)
        + f"Sample metrics in the feature space of an MNIST classifier trained for this purpose on real images only "
        f"(`{read.evaluator_info(results, read.PRIMARY)['architecture']}`, test accuracy "
        f"{metrics['evaluator']['test_accuracy']:.2%}, {metrics['evaluator']['feature_dim']}-dimensional "
        f"penultimate layer), each set scored against {metrics['reference']}. The *real* row scores training images "
        f"the same way: it is the floor every other row is read against. Precision and recall use k = 3 nearest "
        f"neighbours. Samples: "
        + ", ".join(f"{LABELS[m]} {sampling[m]['sampler']}" for m in sampling)
        + ".\n\n"
        + "\n".join(rows)
        + "\n\n"
        + coverage_sentence(scores)
        + second_evaluator_paragraph(results)
        + seed_paragraph(results)
        + "\n\n"
        + "\n".join(bounds)
        + "\n\nEstimates on a random test subset or on sampled timesteps are unbiased; ± is one standard error."
    )


def run_details(results) -> str:
    models = results["models"]
    any_model = next(iter(models.values()))
    rows = ["| step | wall time | peak memory |", "|---|---:|---:|"]
    for name, m in models.items():
        for kind in ("train", "notebook"):
            bench = m[f"{kind}_benchmark"]
            if bench:
                memory = f"{bench['max_rss_mb']:.0f} MB" if bench["max_rss_mb"] is not None else "–"
                rows.append(f"| {kind} {LABELS[name]} | {fmt_seconds(bench['s'])} | {memory} |")
    return (
        f"Preset `{results['preset']}`, seed {any_model['seed']}, training device {any_model['device']}, "
        f"PyTorch {any_model['torch']}; {fmt_count(any_model['train_images'])} training images. "
        + reproducibility_sentence(models)
        + " Wall time and peak resident memory of each step, from Snakemake's benchmark files:\n\n"
        + "\n".join(rows)
    )


def reproducibility_sentence(models) -> str:
    if all(m.get("deterministic") for m in models.values()):
        text = (
            "Every model trained on the CPU, where this pipeline is deterministic: the same seed gives the same "
            "weights, samples and metrics byte for byte (the test suite reruns the smoke preset to check)."
        )
    elif any(m.get("deterministic") is None for m in models.values()):
        text = "This run predates the reproducibility record, so whether it was deterministic is not known."
    else:
        text = (
            "Training ran on a GPU, whose kernels are not bit-for-bit deterministic: a rerun with the same seed "
            "gives numbers that agree only up to floating-point noise."
        )
    resumed = [
        f"{LABELS[name]} (at epoch {m['resumed_at'][0]['epoch']})" for name, m in models.items() if m.get("resumed_at")
    ]
    if resumed:
        text += " Training resumed after an interruption for: " + ", ".join(resumed) + "."
    return text


def build_report(results_dir: Path) -> list[Block]:
    results = load_results(Path(results_dir))
    verdicts = check_all(results)
    blocks = [
        Block(
            "# VAE, GAN and DDPM on MNIST: a measured comparison\n\n"
            f"Every number below was measured by the pipeline run that produced this report (preset "
            f"`{results['preset']}`). The answers are written from those numbers: where a measurement disagrees "
            "with a common claim about these models, the text says so, and where this run measured nothing, "
            "the answer says that too.\n\n**Key numbers of this run**\n\n" + key_numbers(results)
        ),
        # A block of its own: printing moves a block that does not fit to the next page whole.
        Block(claims_section(results, verdicts)),
        Block(
            "## The models\n\n"
            + summary_table(results)
            + "\n\n*Sharpness* below is the mean Sobel gradient magnitude of the samples divided by that of real "
            "test images: 1.00 = the edge strength of real digits, below 1 = softer edges (blur), above 1 = more "
            "edge energy than real digits (speckle or noise, not extra quality)."
        ),
    ]
    if results["metrics"]:
        opening = [verdict_sentence(claim, verdict) for claim, verdict in verdicts if claim.key == MEASURED]
        blocks.append(Block(metrics_section(results, opening)))
    for title, questions in SECTIONS:
        blocks.append(Block(f"## {title}"))
        for key, figures in questions:
            blocks.append(Block(f'<a id="{anchor(key)}"></a>\n\n### {key}. {QUESTIONS[key]}'))
            for figure in figures:
                if figure in results["figures"]:
                    blocks.append(Block(figure=results["figures"][figure]))
                    blocks.append(Block(f"*{CAPTIONS[figure]}*" + provenance_line(results["provenance"].get(figure))))
            opening = [verdict_sentence(claim, verdict) for claim, verdict in verdicts if claim.key == key]
            blocks.append(Block("\n\n".join([*opening, ANSWERS[key](results)])))
            if key in TABLES and results["experiments"].get(TABLES[key][0]):
                blocks.append(Block(TABLES[key][1](results)))
    blocks.append(Block("## About this run\n\n" + run_details(results)))
    return blocks


def show_in_notebook(blocks: list[Block]) -> None:
    from IPython.display import Image, Markdown, display

    for block in blocks:
        if block.figure is not None:
            display(Image(filename=str(block.figure)))
        else:
            display(Markdown(block.markdown))


def to_markdown(blocks: list[Block], relative_to: Path) -> str:
    parts = []
    for block in blocks:
        if block.figure is not None:
            link = os.path.relpath(block.figure, relative_to)
            parts.append(f"![{block.figure.stem}]({link})")
        else:
            parts.append(block.markdown)
    return "\n\n".join(parts) + "\n"
