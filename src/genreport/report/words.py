"""The report's words: Jinja2 templates, one per section, filled from readings and judgements.

Each section's context gathers the numbers it prints (`readings`) and the outcomes it words (`claims`:
the spec's Verdicts and the judgements the text makes on its own); the templates in `templates/` pick
sentences by outcome and never compare two numbers. In a template, the lines of one paragraph are joined
with single spaces (tables and lists keep their lines), so prose can be wrapped freely.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from ..config import option
from ..diffusion.sampler_settings import Sampler
from ..formatting import fmt_count, fmt_losses, fmt_seconds, plural
from ..vocabulary import MODELS, REAL_ROW
from . import claims as judge
from . import readings as read
from .claims import LABELS, PIXELS, THRESHOLDS, Claim, Verdict

if TYPE_CHECKING:
    from .results import RunResults

TEMPLATES = Path(__file__).with_name("templates")
# What the text calls each figure: Figures 1-7 beside their answers, A1... in the appendix.
FIGURE_LABELS = {
    **{f"fig{n}": f"Figure {n}" for n in range(1, 7)},
    "samples": "Figure 7",
    "evolution_vae": "Figure A1",
    "evolution_gan": "Figure A2",
    "detach": "Figure A3",
    "detach_full": "Figure A3",
    "reconstruction": "Figure A4",
    "bound": "Figure A5",
    "evolution_ddpm": "Figure A6",
    "fig7": "Figure A7",
    "curves": "Figure A8",
}


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def anchor(key: str) -> str:
    """The id a section's heading carries, so the claims table can link to it."""
    return "q-" + key.lower().replace(" ", "-").replace(".", "-")


def ddpm_objective(config: dict[str, Any]) -> str:
    """The DDPM's training recipe in words, from the settings its training record holds (every recipe key)."""
    target = "velocity (v)" if config["prediction"] == "v" else "noise (ε)"
    weights = (
        f"min-SNR-{config['min_snr_gamma']:g} weights" if config["loss_weighting"] == "min_snr" else "uniform weights"
    )
    return f"{config['schedule']} noise schedule, {target} prediction, {weights}"


PARAGRAPH = "\x1e"  # a blank line in a template's source; blank lines a template prints carry no meaning


class ParagraphLoader(jinja2.FileSystemLoader):
    """Marks each blank line of a template's source, so an optional sentence that prints nothing on a line of its
    own does not split a paragraph."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return re.sub(r"\n[ \t]*\n", f"\n{PARAGRAPH}\n", source), filename, uptodate


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=ParagraphLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(
        f=format,
        seconds=fmt_seconds,
        count=fmt_count,
        losses=fmt_losses,
        label=lambda model: LABELS.get(model, model),
        cap=capitalized,
        mib=lambda value: f"{value / 2**20:,.0f} MiB",
        anchor=anchor,
        objective=ddpm_objective,
    )
    env.globals.update(
        plural=plural, pixels=PIXELS, threshold=lambda name: THRESHOLDS[name].value, figure=FIGURE_LABELS.get
    )
    return env


def joined_paragraphs(text: str) -> str:
    """Join each prose paragraph's lines with single spaces; tables, lists and headings keep theirs."""
    paragraphs = []
    for paragraph in re.split(f"^[ \t]*{PARAGRAPH}[ \t]*$", text, flags=re.MULTILINE):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith(("|", "- ", "#", "<a ")):
            paragraphs.append("\n".join(lines))
        else:
            paragraphs.append(" ".join(lines))
    return "\n\n".join(paragraphs)


def render(template: str, **context: Any) -> str:
    return joined_paragraphs(environment().get_template(template).render(**context))


def verdict_for(verdicts: list[tuple[Claim, Verdict]], key: str) -> Verdict:
    return next(verdict for claim, verdict in verdicts if claim.key == key)


def blur(r: RunResults, a: str, b: str) -> dict[str, Any]:
    """The blur comparison of a against b, with the two edge strengths it rests on."""
    outcome, slight = judge.blur_comparison(r, a, b)
    return {
        "a": a,
        "b": b,
        "outcome": outcome,
        "slight": slight,
        "ra": read.sharpness(r, a),
        "rb": read.sharpness(r, b),
        "ia": read.sharpness_interval(r, a),
        "ib": read.sharpness_interval(r, b),
    }


def evolution(r: RunResults, model: str) -> dict[str, Any]:
    numbers = read.evolution(r, model)
    if not numbers["trend"]:
        return numbers
    first = {"score": numbers["first"], "interval": numbers["first_interval"]}
    last = {"score": numbers["last"], "interval": numbers["last_interval"]}
    return {**numbers, "rose": judge.edges_rose(first, last)}


def second_evaluator(r: RunResults, models: tuple[str, ...]) -> dict[str, Any] | None:
    numbers = read.second_evaluator_order(r, models)
    return numbers and {**numbers, "agrees": judge.same_order(numbers["order"], numbers["main_order"])}


def quality(r: RunResults, a: str, b: str) -> dict[str, Any]:
    numbers = read.quality_pair(r, a, b)
    told_apart = judge.lower_fid(r, numbers["better"], numbers["worse"], read.PRIMARY, None) is not None
    return {**numbers, "told_apart": told_apart}


def common(r: RunResults, verdicts) -> dict[str, Any]:
    """What every section may word: the run's scores, the shared judgements and the comparisons' numbers."""
    return {
        "scores": read.sample_metrics(r),
        "real": REAL_ROW,
        "models": MODELS,
        "budget": read.budget_ranking(r),
        "second_evaluator": lambda models: second_evaluator(r, tuple(models)),
        "blur": lambda a, b: blur(r, a, b),
        "quality": lambda a, b: quality(r, a, b),
        "evolution": lambda model: evolution(r, model),
        "sharpness": lambda model: read.sharpness(r, model),
    }


def smoothness(r: RunResults, verdicts, key: str, model: str) -> dict[str, Any]:
    return {
        "path": read.pixel_path(r, model),
        "smooth": verdict_for(verdicts, key).outcome,
        "features": read.feature_paths(r),
        "model": model,
    }


def context_2_3(r: RunResults, verdicts) -> dict[str, Any]:
    full = read.detach_full(r)
    if full:
        v = full["variants"]
        a, b, c = v["detached"], v["attached"], v["attached_no_reset"]
        return {
            "full": full,
            "detach": None,
            "a": a,
            "b": b,
            "c": c,
            "reset_change": judge.fid_change_at_seeds(b["by_seed"], a["by_seed"]),
            "leak_change": judge.fid_change_at_seeds(c["by_seed"], a["by_seed"]),
            "slower": judge.slower(b["ratio"]["median"] - 1),
            "essential": verdict_for(verdicts, "2.3").outcome,
        }
    numbers = read.detach(r)
    if not numbers:
        return {"detach": None, "full": None}
    v = numbers["variants"]
    a, b, c = v["detached"], v["attached"], v["attached_no_reset"]
    return {
        "detach": numbers,
        "full": None,
        "a": a,
        "b": b,
        "c": c,
        "identical": judge.trained_identically(a, b),
        "reset_change": judge.fid_change(b, a),
        "leak_change": judge.fid_change(c, a),
        "slower": judge.slower(numbers["extra_time"]),
        "essential": verdict_for(verdicts, "2.3").outcome,
    }


def context_3_c(features: dict[str, Any] | None) -> dict[str, Any]:
    return {"features": features, "changes_once": features and judge.changes_digit_once(features, "ddpm")}


def context_3_b(r: RunResults, verdicts) -> dict[str, Any]:
    order = read.sharpness_order(r, MODELS)
    config = read.training(r, "ddpm")["config"]
    setting = option("ddpm", config, "snapshot_sampler")
    scored = read.has_metrics(r)
    fids = read.fid_order(r, MODELS) if scored else None
    seeds = read.seed_orders(r) if scored else None
    if seeds:
        seeds["worded"] = [" < ".join(LABELS[m] for m in order) for order in seeds["orders"]]
    return {
        "sharpness_order": order,
        "blurriest": read.blurriest(r, MODELS),
        "fid_order": fids,
        "ddpm_sampler": read.metric_sampler(r, "ddpm") if scored else None,
        "seed_orders": seeds,
        "snapshot_sampler": None if setting == "ancestral" else Sampler.parse(setting, 0).describe(),
        "timesteps": None if setting == "ancestral" else config["timesteps"],
    }


def context_4(r: RunResults, verdicts) -> dict[str, Any]:
    numbers = read.samplers(r)
    compared = []
    if numbers:
        ancestral = numbers["ancestral"]
        compared = [
            {
                **row,
                "within": judge.fid_change(row, ancestral) == "same",
                "resolved": judge.kids_resolved(row, ancestral),
            }
            for row in numbers["compared"]
        ]
    average = numbers and numbers["moving_average"]
    precision = numbers and numbers["precision_against_fp32"]
    return {
        "costs": read.costs(r),
        "gan": read.training(r, "gan"),
        "ddpm": read.training(r, "ddpm"),
        "samplers": numbers,
        "compared": compared,
        "moving_average": average,
        "moving_average_outcome": average and judge.moving_average_outcome(average),
        "reduced": read.reduced_precision_models(r),
        "fp32_comparison": precision,
        "precision_outcome": precision and judge.reduced_precision_outcome(precision),
        "fp32_speedup": numbers and numbers["fp32_speedup"],
        "fid_order": read.fid_order(r, MODELS) if read.has_metrics(r) else None,
        "gan_trains_longer": judge.trains_longer(r, "gan", "vae"),
    }


def coverage(scores: dict[str, Any]) -> str:
    rows = [
        {
            **row,
            "over_drawn": judge.over_drawn(row["share"]),
            "confident": judge.excess_is_confident(row["confident_share"], row["unsure_share"]),
        }
        for row in read.coverage(scores, MODELS)
    ]
    return render("coverage.md.j2", rows=rows)


SECTION_CONTEXTS = {
    "1.3 a": lambda r, v: {"vae": read.vae_fit(r)},
    "1.3 b": lambda r, v: {},
    "1.3 c": lambda r, v: smoothness(r, v, "1.3 c", "vae"),
    "2.2 a": lambda r, v: {"gan": read.training(r, "gan")},
    "2.2 b": lambda r, v: {"close_to_real": judge.close_to_real_sharpness(r, "gan")},
    "2.2 c": lambda r, v: smoothness(r, v, "2.2 c", "gan"),
    "2.3": context_2_3,
    "2.4 a": lambda r, v: {
        "inversion": read.inversion(r),
        "verdict": verdict_for(v, "2.4 a").outcome,
        "reason": verdict_for(v, "2.4 a").reason,
    },
    "2.4 b": lambda r, v: {
        "latent_dim": read.latent_dim(r, "gan"),
        "elbo": read.vae_fit(r)["elbo"],
        "likelihood": read.likelihood(r),
    },
    "2.4 c": lambda r, v: {
        "probes": read.probes(r),
        "baselines": read.probe_baselines(r),
        "verdict": verdict_for(v, "2.4 c").outcome,
    },
    "3 a": lambda r, v: {
        "ddpm": read.training(r, "ddpm"),
        "sampler": read.metric_sampler(r, "ddpm")
        if read.has_metrics(r)
        else f"{read.costs(r)['sampling_steps']} ancestral steps",
    },
    "3 b": context_3_b,
    "3 c": lambda r, v: context_3_c(read.feature_paths(r)),
    "4": context_4,
}


def answer(key: str, r: dict[str, Any], verdicts: list[tuple[Claim, Verdict]] | None = None) -> str:
    """The answer to one question of the assignment, worded from the run's readings and verdicts."""
    verdicts = verdicts if verdicts is not None else judge.check_all(r)
    context = {**common(r, verdicts), **SECTION_CONTEXTS[key](r, verdicts)}
    text = render(f"answer_{key.replace(' ', '_').replace('.', '_')}.md.j2", **context)
    return text


TABLES = {"2.3": "detach", "2.4 c": "probes"}


def table(key: str, r: dict[str, Any]) -> str | None:
    """The table shown after an answer, when the run made the experiment behind it."""
    if key not in TABLES or not read.has_experiment(r, TABLES[key]):
        return None
    context = {
        "2.3": lambda: {"detach": read.detach(r), "full": read.detach_full(r)},
        "2.4 c": lambda: {"probes": read.probes(r), "baselines": read.probe_baselines(r)},
        "4": lambda: {"rows": read.model_rows(r), "scores": read.sample_metrics(r), "samplers": read.samplers(r)},
    }[key]()
    return render(f"table_{key.replace(' ', '_').replace('.', '_')}.md.j2", **context)


def opening(claim: Claim, verdict: Verdict) -> str:
    """The sentence an answer opens with: the claim, its verdict, why, and the numbers."""
    return render("verdict.md.j2", claim=claim, verdict=verdict)


def summary(r: RunResults, verdicts: list[tuple[Claim, Verdict]]) -> str:
    """Page one: what the run is, its key numbers with their intervals, and the grid of the assignment's claims."""
    return render(
        "summary.md.j2",
        preset=read.run_record(r)["preset"],
        k=read.key_numbers(r),
        intervals=read.interval_method(r),
        robust=read.robustness_ran(r),
        seeds=read.training_seeds(r),
        grid=[(claim, verdict) for claim, verdict in verdicts if claim.key in SECTION_CONTEXTS],
    )


def conclusion(r: RunResults, verdicts: list[tuple[Claim, Verdict]]) -> str:
    grid = [verdict.outcome for claim, verdict in verdicts if claim.key in SECTION_CONTEXTS]
    scored = read.has_metrics(r)
    orders = []
    for evaluator in read.evaluator_names(r) if scored else []:
        order = read.fid_order(r, MODELS, evaluator)[0]
        steps = [judge.lower_fid(r, a, b, evaluator, None) for a, b in zip(order, order[1:], strict=False)]
        orders.append({"label": judge.evaluator_label(r, evaluator), "order": order, "decided": None not in steps})
    return render(
        "conclusion.md.j2",
        counts={
            outcome: grid.count(outcome) for outcome in (judge.HELD, judge.NOT_HELD, judge.PARTLY, judge.UNDETERMINED)
        },
        claims=len(grid),
        orders=orders,
        orders_agree=all(judge.same_order(o["order"], orders[0]["order"]) for o in orders),
        blurriest=read.blurriest(r, MODELS),
        costs=read.costs(r),
        likelihood=read.likelihood(r),
    )


def glossary(r: RunResults) -> str:
    return render("glossary.md.j2", intervals=read.interval_method(r))


def print_style() -> str:
    """The report's print stylesheet (templates/print.css), for the HTML page the PDF is printed from."""
    return (TEMPLATES / "print.css").read_text()


def samplers_supplement(r: RunResults, verdicts: list[tuple[Claim, Verdict]]) -> str | None:
    """The appendix's sampler, weight-average and precision comparisons, with the costs table."""
    if not read.has_experiment(r, "samplers"):
        return None
    context = {**common(r, verdicts), **context_4(r, verdicts)}
    table = render("table_4.md.j2", samplers=read.samplers(r))
    return render("samplers.md.j2", **context) + "\n\n" + table


def models_table(r: RunResults) -> str:
    return render("models.md.j2", rows=read.model_rows(r), blur=read.blur_summary(r), models=MODELS)


def scored_sets(r: RunResults, evaluator: str) -> dict[str, Any]:
    scores = read.sample_metrics(r, evaluator)
    info = read.evaluator_info(r, evaluator)
    orders = read.metric_orders(r, evaluator)
    return {
        **info,
        "table": render("metrics_table.md.j2", rows=read.metric_rows(scores)),
        "coverage": coverage(scores),
        "orders": orders,
        "orders_agree": all(judge.same_order(order, orders["fid"]) for order in orders.values()),
    }


def measured_quality(r: RunResults, verdicts: list[tuple[Claim, Verdict]], key: str) -> str:
    setup = read.scoring_setup(r)
    evaluators = read.evaluator_names(r)
    retrained = read.retrained_models(r)
    return render(
        "measured_quality.md.j2",
        anchor=anchor(key),
        opening=[opening(claim, verdict) for claim, verdict in verdicts if claim.key == key],
        main={**scored_sets(r, read.PRIMARY), "feature_dim": setup["feature_dim"]},
        reference=setup["reference"],
        sampling=setup["sampling"],
        second=scored_sets(r, read.SECOND) if read.SECOND in evaluators else None,
        seed_rows=read.seed_rows(r),
        retrained=retrained,
        kept=[m for m in MODELS if m not in retrained],
        seeds=read.training_seeds(r),
        evaluator_labels=[judge.evaluator_label(r, e) for e in evaluators],
        likelihood=read.likelihood(r),
    )


def about(r: RunResults) -> str:
    run = read.run_record(r)
    return render(
        "about.md.j2",
        run=run,
        reproducibility=judge.reproducibility(run["deterministic"]),
        steps=read.step_benchmarks(r),
    )


def render_parts(r: RunResults) -> dict[str, str]:
    """Every answer and table of a run, by question (for comparing two versions of the words)."""
    verdicts = judge.check_all(r)
    parts = {key: answer(key, r, verdicts) for key in SECTION_CONTEXTS}
    parts.update({f"table {key}": text for key in TABLES if (text := table(key, r))})
    if read.has_metrics(r):
        parts["coverage"] = coverage(read.sample_metrics(r))
    return parts


def caption(text: str, record: dict[str, Any] | None) -> str:
    """A figure's caption and which rule and notebook (or module) drew it, at which commit, from which settings."""
    return render("caption.md.j2", caption=text, made=record and read.provenance(record))


def sentence(macro: str, *arguments: Any) -> str:
    """One shared sentence of `templates/macros.md.j2`, worded from the readings it takes."""
    return joined_paragraphs(str(getattr(environment().get_template("macros.md.j2").module, macro)(*arguments)))
