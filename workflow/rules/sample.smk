rule sample:
    """A model's evaluation samples, half from each of two seeds (the DDPM's with the preset's sampler)."""
    input:
        checkpoint=checkpoint_of("{model}"),
        code=lambda wildcards: code("genreport.cli.sample", task(wildcards.model)),
    output:
        f"{RUN}/samples/{{model}}.npz",
    log:
        f"{RUN}/logs/sample_{{model}}.log",
    benchmark:
        f"{RUN}/benchmarks/sample_{{model}}.tsv"
    params:
        settings=lambda wildcards: tracked(
            count=SETTINGS["evaluation"]["samples"], seed=SETTINGS["seed"] + 7, device=SETTINGS["device"],
            sampler=SETTINGS["evaluation"]["sampler"] if wildcards.model == "ddpm" else None),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        "python -m genreport.cli.sample --settings {params.settings:q} --checkpoint {input.checkpoint:q}"
        " --out {output:q} --threads {threads} > {log:q} 2>&1"
