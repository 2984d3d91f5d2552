# One rule per model notebook: each draws its own set of figures (store/layout.py names them).
QUESTION_OF_NOTEBOOK = {"vae": "1. VAE", "gan": "2. GAN", "ddpm": "3. DDPM"}


for model in MODELS:

    rule:
        name:
            f"notebook_{model}"
        input:
            notebook=notebook_path(model),
            checkpoint=checkpoint_of(model),
            samples=expand(rules.sample.output, model=model)[0],
            data=rules.data.output.stamp,
            code=code("genreport.cli.notebook", task(model), notebook=notebook_path(model)),
        output:
            notebook=str(LAYOUT.notebook(model)),
            measurements=str(LAYOUT.measurements(model)),
            provenance=str(LAYOUT.provenance(f"notebook_{model}")),
            figures=report([str(LAYOUT.figure(stem)) for stem in notebook_figures(model)], caption="../report/notebook.rst",
                           category=QUESTION_OF_NOTEBOOK[model]),
        log:
            str(LAYOUT.log(f"notebook_{model}")),
        benchmark:
            str(LAYOUT.benchmark(f"notebook_{model}"))
        params:
            settings=notebook_settings(model),
            # papermill runs the notebook from its own folder, so every path it gets is absolute.
            checkpoint=lambda wildcards, input: os.path.abspath(input.checkpoint),
            samples=lambda wildcards, input: os.path.abspath(input.samples),
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
            " -p checkpoint {params.checkpoint:q} -p samples_path {params.samples:q} -p output_dir {params.figures:q}"
            " -p measurements_path {params.measurements:q} -p data_dir {params.data_dir:q} 2> {log:q}"
