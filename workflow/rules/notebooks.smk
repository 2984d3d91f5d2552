# One rule per model notebook: each draws its own set of figures, so their outputs differ.
NOTEBOOK_FIGURES = {
    "vae": ["fig1_vae_reconstructions", "fig2_vae_samples", "fig3_vae_interpolation", "evolution_vae"],
    "gan": ["fig4_gan_samples", "fig5_gan_interpolation", "evolution_gan"],
    "ddpm": ["fig6_ddpm_samples", "evolution_ddpm"],
}
QUESTION_OF_NOTEBOOK = {"vae": "1. VAE", "gan": "2. GAN", "ddpm": "3. DDPM"}


for model, figures in NOTEBOOK_FIGURES.items():

    rule:
        name:
            f"notebook_{model}"
        input:
            notebook=notebook_path(model),
            checkpoint=checkpoint_of(model),
            data=rules.data.output.stamp,
            code=code("genreport.cli.notebook", task(model), notebook=notebook_path(model)),
        output:
            notebook=f"{RUN}/notebooks/{model}.ipynb",
            measurements=f"{RUN}/measurements/{model}.json",
            provenance=f"{RUN}/provenance/notebook_{model}.json",
            figures=report(expand(f"{RUN}/figures/{{name}}.png", name=figures), caption="../report/notebook.rst",
                           category=QUESTION_OF_NOTEBOOK[model]),
        log:
            f"{RUN}/logs/notebook_{model}.log",
        benchmark:
            f"{RUN}/benchmarks/notebook_{model}.tsv"
        params:
            settings=notebook_settings(model),
            # papermill runs the notebook from its own folder, so every path it gets is absolute.
            checkpoint=lambda wildcards, input: os.path.abspath(input.checkpoint),
            data_dir=lambda wildcards, input: os.path.abspath(os.path.dirname(input.data)),
            figures=lambda wildcards, output: os.path.abspath(os.path.dirname(output.figures[0])),
            measurements=lambda wildcards, output: os.path.abspath(output.measurements),
        threads: SETTINGS["threads"]
        conda:
            ENVIRONMENT
        resources:
            **MODEL_JOB,
        shell:
            "OMP_NUM_THREADS={threads} python -m genreport.cli.notebook {input.notebook:q} {output.notebook:q}"
            " --settings {params.settings:q} --provenance {output.provenance:q}"
            " -p checkpoint {params.checkpoint:q} -p output_dir {params.figures:q}"
            " -p measurements_path {params.measurements:q} -p data_dir {params.data_dir:q} 2> {log:q}"
