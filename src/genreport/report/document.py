"""The written report assembled: each question's heading, figures with captions, claim verdicts, answer and table.

`build_report` returns a list of blocks; the report notebook shows them (and nbconvert turns
that into self-contained HTML), and `to_markdown` writes the same blocks as Markdown. The
words themselves come from `words` and its templates.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ResultFileError
from . import readings as read
from . import words
from .claims import check_all
from .results import RunResults, load_results

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

# Figures 1-7 sit beside their answers; the rest are in the appendix (A1...), each answer naming the one it uses.
FIGURE_LABELS = words.FIGURE_LABELS
CAPTIONS = {
    "fig1": "VAE: test-set images (rows 1 and 3) and their reconstructions (rows 2 and 4).",
    "fig2": "VAE: the first of its scored samples, at the end of training.",
    "fig3": "VAE: decoding along the straight line from z₁ (left) to z₂ (right), one pair per row.",
    "fig4": "GAN: the first of its scored samples, at the end of training.",
    "fig5": "GAN: generator outputs between two points of the noise distribution, one pair per row.",
    "fig6": "DDPM: the first of its scored samples (the sampler in its title), at the end of training.",
    "samples": "The first scored samples of the three models side by side, at one scale.",
    "evolution_vae": "VAE: samples from one fixed noise batch at several epochs.",
    "evolution_gan": "GAN: samples from one fixed noise batch at several epochs.",
    "detach": "GAN samples after the same training with three discriminator steps (question 2.3).",
    "detach_full": (
        "GAN samples after the full training budget with three discriminator steps, one row per step and seed, on the "
        "same noise (question 2.3)."
    ),
    "reconstruction": "The same test images reconstructed by the VAE and by inverting the GAN (question 2.4 a).",
    "bound": (
        "DDPM: its bound on the test digits term by term; left, bits per dimension per timestep; right, the share of "
        "the bound spent before each timestep (question 2.4 b)."
    ),
    "evolution_ddpm": "DDPM: samples from one fixed noise batch at several epochs.",
    "fig7": (
        "DDPM: samples from spherically interpolated starting noise by the deterministic sampler its title names, one "
        "pair per row (question 3 c)."
    ),
    "curves": (
        "Sample quality against training time: FID and the evaluator's confidence on each model's fixed-noise samples "
        "at every sampled epoch; the dashed line marks the largest budget all three reached."
    ),
}
# Each figure's printed width, as a share of the text width (sample grids small, rows of images wider).
WIDTHS = {"fig1": 0.48, "fig2": 0.36, "fig3": 0.5, "fig4": 0.36, "fig5": 0.5, "fig6": 0.36, "samples": 0.9}
APPENDIX_WIDTH = 0.47  # two to a row

SECTIONS = [
    ("1. Variational autoencoder", [("1.3 a", [["fig1", "fig2"]]), ("1.3 b", []), ("1.3 c", [["fig3"]])]),
    (
        "2. Generative adversarial network",
        [
            ("2.2 a", [["fig4"]]),
            ("2.2 b", []),
            ("2.2 c", [["fig5"]]),
            ("2.3", []),
            ("2.4 a", []),
            ("2.4 b", []),
            ("2.4 c", []),
        ],
    ),
    ("3. Denoising diffusion probabilistic model", [("3 a", [["fig6"]]), ("3 b", [["samples"]]), ("3 c", [])]),
    ("4. Comparison", [("4", [])]),
]
# A tuple: the first of these the run drew (the robustness target's full-budget detach figure replaces the default).
APPENDIX_FIGURES = [
    "evolution_vae",
    "evolution_gan",
    ("detach_full", "detach"),
    "reconstruction",
    "bound",
    "evolution_ddpm",
    "fig7",
    "curves",
]


@dataclass
class Figure:
    path: Path
    caption: str  # Markdown
    width: float  # share of the text width


@dataclass
class Block:
    markdown: str | None = None
    figures: list[Figure] | None = None  # shown side by side
    html: str | None = None  # the notebook's page only (the print style)


MEASURED = "Measured quality"


def figure_row(results, keys: list[str], width: float | None = None) -> Block | None:
    figures = [
        Figure(
            path,
            words.caption(f"{FIGURE_LABELS[key]} – {CAPTIONS[key]}", read.figure_provenance(results, key)),
            width or WIDTHS[key],
        )
        for key in keys
        if (path := read.figure(results, key))
    ]
    return Block(figures=figures) if figures else None


def build_report(results_dir: Path, changed_settings: dict[str, Any] | None = None) -> list[Block]:
    """The report of the run in `results_dir` (`changed_settings`: the preset values `--config set` changed); a
    run whose files lack a name the report looks up (a model, an evaluator, a variant: a file edited, damaged or
    from another version) is one line, not a traceback."""
    results = load_results(Path(results_dir), changed_settings)
    try:
        return report_blocks(results)
    except KeyError as error:
        raise ResultFileError(
            f"the files in {results_dir} lack the entry {error.args[0]!r} the report reads (edited, damaged or made "
            "by another version): delete the file that changed and rerun snakemake, which rebuilds it"
        ) from None


def report_blocks(results: RunResults) -> list[Block]:
    """The whole report of a run's results, block by block, in the order it prints."""
    verdicts = check_all(results)
    blocks = [
        Block(html=f"<style>{words.print_style()}</style>"),
        Block(words.summary(results, verdicts)),
        Block(words.conclusion(results, verdicts)),
        Block(html='<div class="page-break"></div>'),
    ]
    for title, questions in SECTIONS:
        blocks.append(Block(f"## {title}"))
        for key, rows in questions:
            blocks.append(Block(f'<a id="{words.anchor(key)}"></a>\n\n### {key}. {QUESTIONS[key]}'))
            blocks += [row for keys in rows if (row := figure_row(results, keys))]
            checked = [words.opening(claim, verdict) for claim, verdict in verdicts if claim.key == key]
            blocks.append(Block("\n\n".join([words.answer(key, results, verdicts), *checked])))
            if table := words.table(key, results):
                blocks.append(Block(table))
    blocks.append(Block(words.glossary(results)))
    blocks.append(Block('<a id="appendix"></a>\n\n## Appendix'))
    blocks.append(Block(words.models_table(results)))
    if read.has_metrics(results):
        blocks.append(Block(words.measured_quality(results, verdicts, MEASURED)))
    if supplement := words.samplers_supplement(results, verdicts):
        blocks.append(Block(supplement))
    choices = [entry if isinstance(entry, tuple) else (entry,) for entry in APPENDIX_FIGURES]
    shown = [key for keys in choices if (key := next((k for k in keys if read.figure(results, k)), None))]
    blocks += [figure_row(results, shown[i : i + 2], APPENDIX_WIDTH) for i in range(0, len(shown), 2)]
    blocks.append(Block(words.about(results)))
    return blocks


def show_in_notebook(blocks: list[Block]) -> None:
    from IPython.display import HTML, Markdown, display

    for block in blocks:
        if block.html is not None:
            display(HTML(block.html))
        elif block.figures:
            display(HTML(figures_html(block.figures)))
        else:
            display(Markdown(block.markdown))


def figures_html(figures: list[Figure]) -> str:
    """A row of figures, each image embedded (the HTML report is one self-contained file) above its caption."""
    import mistune

    cells = []
    for figure in figures:
        data = base64.b64encode(figure.path.read_bytes()).decode("ascii")
        caption = mistune.html(figure.caption)
        cells.append(
            f'<figure class="report-figure" style="width: {figure.width:.0%}; display: inline-block; '
            f'vertical-align: top; margin: 0.3em 1%;"><img src="data:image/png;base64,{data}" '
            f'alt="{figure.path.stem}"><figcaption>{caption}</figcaption></figure>'
        )
    return '<div style="text-align: center">' + "".join(cells) + "</div>"


def to_markdown(blocks: list[Block], relative_to: Path) -> str:
    parts = []
    for block in blocks:
        if block.figures:
            for figure in block.figures:
                link = os.path.relpath(figure.path, relative_to)
                parts += [f"![{figure.path.stem}]({link})", figure.caption]
        elif block.markdown is not None:
            parts.append(block.markdown)
    return "\n\n".join(parts) + "\n"
