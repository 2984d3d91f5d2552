SAMPLE_COMMAND = ("python -m genreport.cli.sample --settings {params.settings:q} --checkpoint {input.checkpoint:q}"
                  " --out {output:q} --threads {threads} > {log:q} 2>&1")


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
        settings=lambda wildcards: sample_settings(wildcards.model),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        SAMPLE_COMMAND


rule sample_seed_variant:
    """The seed experiment: evaluation samples of a retrained model, drawn exactly as the main model's."""
    input:
        checkpoint=rules.train_seed_variant.output.checkpoint,
        code=lambda wildcards: code("genreport.cli.sample", task(wildcards.model)),
    output:
        f"{RUN}/experiments/seeds/{{model}}/samples.npz",
    log:
        f"{RUN}/logs/sample_{{model}}_seed_variant.log",
    benchmark:
        f"{RUN}/benchmarks/sample_{{model}}_seed_variant.tsv"
    params:
        settings=lambda wildcards: sample_settings(wildcards.model),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        SAMPLE_COMMAND
