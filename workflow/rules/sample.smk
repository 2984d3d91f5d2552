SAMPLE_COMMAND = ("python -m genreport.cli.sample --settings {params.settings:q} --checkpoint {input.checkpoint:q}"
                  " --model {wildcards.model} --out {output:q} --threads {threads} > {log:q} 2>&1")


rule sample:
    """A model's evaluation samples, half from each of two seeds (the DDPM's with the preset's sampler)."""
    input:
        checkpoint=checkpoint_of("{model}"),
        code=lambda wildcards: code("genreport.cli.sample", task(wildcards.model)),
    output:
        str(LAYOUT.samples("{model}")),
    log:
        str(LAYOUT.log("sample_{model}")),
    benchmark:
        str(LAYOUT.benchmark("sample_{model}"))
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
        str(LAYOUT.seed_variant_samples("{model}")),
    log:
        str(LAYOUT.log("sample_{model}_seed_variant")),
    benchmark:
        str(LAYOUT.benchmark("sample_{model}_seed_variant"))
    params:
        settings=lambda wildcards: sample_settings(wildcards.model),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        SAMPLE_COMMAND
