"""The written report assembled: each question's heading, figures with captions, claim verdicts, answer and table.

`build_report` returns a list of blocks; the report notebook shows them (and nbconvert turns
that into self-contained HTML), and `to_markdown` writes the same blocks as Markdown. The
words themselves come from `words` and its templates.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import readings as read
from . import words
from .claims import check_all
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


MEASURED = "Measured quality"


def build_report(results_dir: Path) -> list[Block]:
    results = load_results(Path(results_dir))
    verdicts = check_all(results)
    blocks = [
        Block(words.intro(results)),
        # A block of its own: printing moves a block that does not fit to the next page whole.
        Block(words.claims_table(verdicts)),
        Block(words.models_table(results)),
    ]
    if read.has_metrics(results):
        blocks.append(Block(words.measured_quality(results, verdicts, MEASURED)))
    for title, questions in SECTIONS:
        blocks.append(Block(f"## {title}"))
        for key, figures in questions:
            blocks.append(Block(f'<a id="{words.anchor(key)}"></a>\n\n### {key}. {QUESTIONS[key]}'))
            for figure in figures:
                if path := read.figure(results, figure):
                    blocks.append(Block(figure=path))
                    blocks.append(Block(words.caption(CAPTIONS[figure], read.figure_provenance(results, figure))))
            opening = [words.opening(claim, verdict) for claim, verdict in verdicts if claim.key == key]
            blocks.append(Block("\n\n".join([*opening, words.answer(key, results, verdicts)])))
            if table := words.table(key, results):
                blocks.append(Block(table))
    blocks.append(Block(words.about(results)))
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
