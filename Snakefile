# The report pipeline: data -> train (vae, gan, ddpm, evaluator) -> sample -> evaluate -> notebooks -> report.
#   snakemake --cores 4 report                       # default preset (gpu with CUDA, else cpu)
#   snakemake --cores 4 report --config preset=smoke # any preset in config/presets/
import sys
from pathlib import Path

from snakemake.utils import validate

from genreport.config import load_preset, resolve_preset_name

configfile: workflow.source_path("config/config.yaml")
validate(config, workflow.source_path("config/schema.yaml"))

ROOT = Path(workflow.basedir)
PRESET = resolve_preset_name(config["preset"])
SETTINGS = load_preset(PRESET, ROOT / "config" / "presets")
THREADS = SETTINGS["threads"]
EVALUATION = SETTINGS["evaluation"]
EXPERIMENTS = SETTINGS["experiments"]
DATA = config["data_dir"]
RUN = f"{config['results_dir']}/{PRESET}"
MODELS = ["vae", "gan", "ddpm"]
NOTEBOOK_FIGURES = {
    "vae": ["fig1_vae_reconstructions", "fig2_vae_samples", "fig3_vae_interpolation", "evolution_vae"],
    "gan": ["fig4_gan_samples", "fig5_gan_interpolation", "evolution_gan"],
    "ddpm": ["fig6_ddpm_samples", "evolution_ddpm"],
}
DETACH_VARIANTS = ["detached", "attached", "attached_no_reset"]
EXPERIMENT_OUTPUTS = [
    f"{RUN}/experiments/{name}.json" for name in ("detach", "reconstruction", "probes", "interpolation", "samplers")
] + [f"{RUN}/figures/{name}.png" for name in ("detach_samples", "reconstruction_vae_gan", "fig7_ddpm_interpolation")]
# What each job asks of a cluster scheduler (SLURM through profiles/slurm); local runs ignore it.
# Jobs that run a model ask for a GPU when the preset trains on one; the rest need a CPU only.
GPUS = 1 if SETTINGS["device"] == "cuda" else 0
SOURCE = config.get("mnist_source")
PY = sys.executable  # jobs run with the interpreter that runs Snakemake


def absolute(path):
    return str(Path(path).resolve())


rule report:
    input:
        f"{RUN}/report/report.html",
        f"{RUN}/report/report.md",


rule data:
    output:
        f"{DATA}/mnist.verified.json",
    log:
        f"{DATA}/logs/data.log",
    benchmark:
        f"{RUN}/benchmarks/data.tsv"
    params:
        source=f"--source {SOURCE}" if SOURCE else "",
    resources:
        mem_mb=4000, runtime=20,
    shell:
        "{PY} -m genreport.cli.data --data-dir {DATA} {params.source} --stamp {output} 2> {log}"


# Training writes its resume state (resume_state.pt) beside these outputs but never as one:
# Snakemake deletes the outputs of a failed job, and the state must survive to be resumed.
for model in MODELS:

    rule:
        name:
            f"train_{model}"
        input:
            f"{DATA}/mnist.verified.json",
        output:
            checkpoint=f"{RUN}/train/{model}/checkpoint.pt",
            metrics=f"{RUN}/train/{model}/metrics.json",
        log:
            f"{RUN}/logs/train_{model}.log",
        benchmark:
            f"{RUN}/benchmarks/train_{model}.tsv"
        threads: THREADS
        resources:
            gpu=GPUS, mem_mb=16000, runtime=120,
        params:
            model=model,
            out=f"{RUN}/train/{model}",
        shell:
            "{PY} -m genreport.cli.train {params.model} --preset {PRESET} --out {params.out}"
            " --data-dir {DATA} --threads {threads} > {log} 2>&1"

    rule:
        name:
            f"notebook_{model}"
        input:
            notebook=ROOT / "notebooks" / f"{model}.ipynb",
            checkpoint=f"{RUN}/train/{model}/checkpoint.pt",
        output:
            notebook=f"{RUN}/notebooks/{model}.ipynb",
            measurements=f"{RUN}/measurements/{model}.json",
            figures=expand(f"{RUN}/figures/{{name}}.png", name=NOTEBOOK_FIGURES[model]),
        log:
            f"{RUN}/logs/notebook_{model}.log",
        benchmark:
            f"{RUN}/benchmarks/notebook_{model}.tsv"
        threads: THREADS
        resources:
            gpu=GPUS, mem_mb=16000, runtime=120,
        params:
            checkpoint=absolute(f"{RUN}/train/{model}/checkpoint.pt"),
            measurements=absolute(f"{RUN}/measurements/{model}.json"),
            figures=absolute(f"{RUN}/figures"),
            data=absolute(DATA),
            images=SETTINGS["notebook_images"],
            seed=SETTINGS["seed"],
            device=SETTINGS["device"],
        shell:
            "OMP_NUM_THREADS={threads} {PY} -m genreport.cli.notebook {input.notebook} {output.notebook}"
            " -p checkpoint {params.checkpoint} -p output_dir {params.figures}"
            " -p measurements_path {params.measurements} -p data_dir {params.data}"
            " -p seed {params.seed} -p n_images {params.images} -p device {params.device} 2> {log}"


rule train_evaluator:
    """The MNIST classifier whose features the sample metrics use; trained on real images only."""
    input:
        f"{DATA}/mnist.verified.json",
    output:
        checkpoint=f"{RUN}/evaluator/checkpoint.pt",
        metrics=f"{RUN}/evaluator/metrics.json",
    log:
        f"{RUN}/logs/train_evaluator.log",
    benchmark:
        f"{RUN}/benchmarks/train_evaluator.tsv"
    threads: THREADS
    resources:
        gpu=GPUS, mem_mb=16000, runtime=120,
    shell:
        "{PY} -m genreport.cli.train evaluator --preset {PRESET} --out {RUN}/evaluator"
        " --data-dir {DATA} --threads {threads} > {log} 2>&1"


for model in MODELS:

    rule:
        name:
            f"sample_{model}"
        input:
            f"{RUN}/train/{model}/checkpoint.pt",
        output:
            f"{RUN}/samples/{model}.npz",
        log:
            f"{RUN}/logs/sample_{model}.log",
        benchmark:
            f"{RUN}/benchmarks/sample_{model}.tsv"
        threads: THREADS
        resources:
            gpu=GPUS, mem_mb=16000, runtime=120,
        params:
            samples=EVALUATION["samples"],
            seed=SETTINGS["seed"] + 7,
            ddim=EVALUATION["ddim_steps"] if model == "ddpm" else 0,
            device=SETTINGS["device"],
        shell:
            "{PY} -m genreport.cli.sample --checkpoint {input} --out {output} --count {params.samples}"
            " --seed {params.seed} --ddim-steps {params.ddim} --device {params.device} --threads {threads} > {log} 2>&1"


rule evaluate:
    """FID, KID, precision/recall and class shares of every model's samples; likelihood bounds."""
    input:
        f"{RUN}/evaluator/checkpoint.pt",
        expand(f"{RUN}/samples/{{model}}.npz", model=MODELS),
        expand(f"{RUN}/train/{{model}}/checkpoint.pt", model=MODELS),
    output:
        f"{RUN}/metrics.json",
    log:
        f"{RUN}/logs/evaluate.log",
    benchmark:
        f"{RUN}/benchmarks/evaluate.tsv"
    threads: THREADS
    resources:
        gpu=GPUS, mem_mb=16000, runtime=120,
    params:
        device=SETTINGS["device"],
    shell:
        "{PY} -m genreport.cli.evaluate --preset {PRESET} --run {RUN} --data-dir {DATA} --out {output}"
        " --device {params.device} --threads {threads} > {log} 2>&1"


for variant in DETACH_VARIANTS:

    rule:
        name:
            f"train_gan_{variant}"
        input:
            f"{DATA}/mnist.verified.json",
        output:
            checkpoint=f"{RUN}/experiments/detach/{variant}/checkpoint.pt",
            metrics=f"{RUN}/experiments/detach/{variant}/metrics.json",
        log:
            f"{RUN}/logs/train_gan_{variant}.log",
        benchmark:
            f"{RUN}/benchmarks/train_gan_{variant}.tsv"
        threads: THREADS
        resources:
            gpu=GPUS, mem_mb=16000, runtime=120,
        params:
            out=f"{RUN}/experiments/detach/{variant}",
            overrides=f"--override gan.discriminator_input={variant} --override gan.epochs={EXPERIMENTS['detach_epochs']}"
            " --override gan.sample_epochs=[]",
        shell:
            "{PY} -m genreport.cli.train gan --preset {PRESET} {params.overrides} --out {params.out}"
            " --data-dir {DATA} --threads {threads} > {log} 2>&1"


rule detach_experiment:
    """Question 2.3: what detaching the fakes in the discriminator step changes, measured."""
    input:
        f"{RUN}/evaluator/checkpoint.pt",
        expand(f"{RUN}/experiments/detach/{{variant}}/checkpoint.pt", variant=DETACH_VARIANTS),
    output:
        json=f"{RUN}/experiments/detach.json",
        figure=f"{RUN}/figures/detach_samples.png",
    log:
        f"{RUN}/logs/detach_experiment.log",
    benchmark:
        f"{RUN}/benchmarks/detach_experiment.tsv"
    threads: THREADS
    resources:
        gpu=GPUS, mem_mb=16000, runtime=120,
    params:
        device=SETTINGS["device"],
    shell:
        "{PY} -m genreport.cli.detach --preset {PRESET} --run {RUN} --data-dir {DATA} --out {output.json}"
        " --figure {output.figure} --device {params.device} --threads {threads} > {log} 2>&1"


rule reconstruction_experiment:
    """Question 2.4 a: VAE reconstructions against GAN inversions of the same test images."""
    input:
        f"{RUN}/evaluator/checkpoint.pt",
        f"{RUN}/train/vae/checkpoint.pt",
        f"{RUN}/train/gan/checkpoint.pt",
    output:
        json=f"{RUN}/experiments/reconstruction.json",
        figure=f"{RUN}/figures/reconstruction_vae_gan.png",
    log:
        f"{RUN}/logs/reconstruction_experiment.log",
    benchmark:
        f"{RUN}/benchmarks/reconstruction_experiment.tsv"
    threads: THREADS
    resources:
        gpu=GPUS, mem_mb=16000, runtime=120,
    params:
        device=SETTINGS["device"],
    shell:
        "{PY} -m genreport.cli.reconstruct --preset {PRESET} --run {RUN} --data-dir {DATA} --out {output.json}"
        " --figure {output.figure} --device {params.device} --threads {threads} > {log} 2>&1"


rule probe_experiment:
    """Question 2.4 c: linear probes of each model's representation."""
    input:
        expand(f"{RUN}/train/{{model}}/checkpoint.pt", model=MODELS),
    output:
        f"{RUN}/experiments/probes.json",
    log:
        f"{RUN}/logs/probe_experiment.log",
    benchmark:
        f"{RUN}/benchmarks/probe_experiment.tsv"
    threads: THREADS
    resources:
        gpu=GPUS, mem_mb=16000, runtime=120,
    params:
        device=SETTINGS["device"],
    shell:
        "{PY} -m genreport.cli.probe --preset {PRESET} --run {RUN} --data-dir {DATA} --out {output}"
        " --device {params.device} --threads {threads} > {log} 2>&1"


rule interpolation_experiment:
    """Questions 1.3 c and 2.2 c: how smoothly each model's interpolations change; the DDPM's figure."""
    input:
        f"{RUN}/evaluator/checkpoint.pt",
        expand(f"{RUN}/train/{{model}}/checkpoint.pt", model=MODELS),
    output:
        json=f"{RUN}/experiments/interpolation.json",
        figure=f"{RUN}/figures/fig7_ddpm_interpolation.png",
    log:
        f"{RUN}/logs/interpolation_experiment.log",
    benchmark:
        f"{RUN}/benchmarks/interpolation_experiment.tsv"
    threads: THREADS
    resources:
        gpu=GPUS, mem_mb=16000, runtime=120,
    params:
        device=SETTINGS["device"],
    shell:
        "{PY} -m genreport.cli.interpolate --preset {PRESET} --run {RUN} --data-dir {DATA} --out {output.json}"
        " --figure {output.figure} --device {params.device} --threads {threads} > {log} 2>&1"


rule sampler_experiment:
    """Question 4: DDPM sampling cost and quality, ancestral against DDIM; moving average against raw weights."""
    input:
        f"{RUN}/evaluator/checkpoint.pt",
        f"{RUN}/train/ddpm/checkpoint.pt",
        f"{RUN}/samples/ddpm.npz",
    output:
        f"{RUN}/experiments/samplers.json",
    log:
        f"{RUN}/logs/sampler_experiment.log",
    benchmark:
        f"{RUN}/benchmarks/sampler_experiment.tsv"
    threads: THREADS
    resources:
        gpu=GPUS, mem_mb=16000, runtime=120,
    params:
        device=SETTINGS["device"],
    shell:
        "{PY} -m genreport.cli.samplers --preset {PRESET} --run {RUN} --data-dir {DATA} --out {output}"
        " --device {params.device} --threads {threads} > {log} 2>&1"


rule report_notebook:
    input:
        ROOT / "notebooks" / "report.ipynb",
        f"{RUN}/metrics.json",
        EXPERIMENT_OUTPUTS,
        expand(f"{RUN}/measurements/{{model}}.json", model=MODELS),
        expand(f"{RUN}/figures/{{name}}.png", name=sum(NOTEBOOK_FIGURES.values(), [])),
    output:
        f"{RUN}/report/report.ipynb",
    log:
        f"{RUN}/logs/report_notebook.log",
    benchmark:
        f"{RUN}/benchmarks/report_notebook.tsv"
    params:
        results=absolute(RUN),
    resources:
        mem_mb=4000, runtime=20,
    shell:
        "{PY} -m genreport.cli.notebook {input[0]} {output} -p results_dir {params.results} 2> {log}"


rule report_html:
    input:
        f"{RUN}/report/report.ipynb",
    output:
        f"{RUN}/report/report.html",
    log:
        f"{RUN}/logs/report_html.log",
    benchmark:
        f"{RUN}/benchmarks/report_html.tsv"
    resources:
        mem_mb=4000, runtime=20,
    shell:
        "{PY} -m nbconvert --to html --no-input --output report.html {input} 2> {log}"


rule report_markdown:
    input:
        rules.report_notebook.input[1:],
    output:
        f"{RUN}/report/report.md",
    log:
        f"{RUN}/logs/report_markdown.log",
    benchmark:
        f"{RUN}/benchmarks/report_markdown.tsv"
    resources:
        mem_mb=4000, runtime=20,
    shell:
        "{PY} -m genreport.report --results-dir {RUN} --out {output} 2> {log}"


rule report_pdf:
    input:
        f"{RUN}/report/report.html",
    output:
        f"{RUN}/report/report.pdf",
    log:
        f"{RUN}/logs/report_pdf.log",
    resources:
        mem_mb=4000, runtime=20,
    shell:
        "{PY} -m genreport.cli.pdf {input} {output} 2> {log}"


rule publish:
    """Copy this preset's figures and report into figures/ and report/, with a manifest."""
    input:
        rules.report.input,
        rules.report_notebook.input[1:],
    output:
        manifest="report/manifest.json",
    shell:
        "{PY} -m genreport.cli.publish --run {RUN} --preset {PRESET} --figures figures --report report"
        " --manifest {output.manifest}"
