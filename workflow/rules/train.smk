# Training writes its resume state (resume_state.pt) beside these outputs but never as one:
# Snakemake deletes the outputs of a failed job, and the state must survive to be resumed.
TRAIN_COMMAND = (
    "python -m genreport.cli.train {params.model} --settings {params.settings:q} --out {params.out:q}"
    " --data-dir {params.data_dir:q} --threads {threads} > {log:q} 2>&1"
)


rule train:
    """Train one model (vae, gan, ddpm) or one of the two evaluator classifiers on the MNIST training images."""
    input:
        data=rules.data.output.stamp,
        code=lambda wildcards: code("genreport.cli.train", task(wildcards.model)),
    output:
        checkpoint=str(LAYOUT.checkpoint("{model}")),
        metrics=str(LAYOUT.training_metrics("{model}")),
    log:
        str(LAYOUT.log("train_{model}")),
    benchmark:
        str(LAYOUT.benchmark("train_{model}"))
    params:
        model=lambda wildcards: task_name(wildcards.model),
        settings=lambda wildcards: model_settings(wildcards.model),
        out=lambda wildcards, output: os.path.dirname(output.checkpoint),
        data_dir=lambda wildcards, input: os.path.dirname(input.data),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        TRAIN_COMMAND


rule train_detach_variant:
    """Question 2.3: a GAN trained like the main one for `detach_epochs`, with one way of showing the
    discriminator step the fakes."""
    input:
        data=rules.data.output.stamp,
        code=code("genreport.cli.train", task("gan")),
    output:
        checkpoint=str(LAYOUT.detach_dir("{variant}") / "checkpoint.pt"),
        metrics=str(LAYOUT.detach_dir("{variant}") / "metrics.json"),
    log:
        str(LAYOUT.log("train_gan_{variant}")),
    benchmark:
        str(LAYOUT.benchmark("train_gan_{variant}"))
    params:
        model="gan",
        settings=lambda wildcards: model_settings("gan", discriminator_input=wildcards.variant,
                                                  epochs=SETTINGS["experiments"]["detach_epochs"], sample_epochs=[]),
        out=lambda wildcards, output: os.path.dirname(output.checkpoint),
        data_dir=lambda wildcards, input: os.path.dirname(input.data),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        TRAIN_COMMAND


rule train_seed_variant:
    """The seed experiment: a model trained like the main one from `experiments.retrain_seed`."""
    input:
        data=rules.data.output.stamp,
        code=lambda wildcards: code("genreport.cli.train", task(wildcards.model)),
    output:
        checkpoint=str(LAYOUT.seed_variant_dir("{model}") / "checkpoint.pt"),
        metrics=str(LAYOUT.seed_variant_dir("{model}") / "metrics.json"),
    log:
        str(LAYOUT.log("train_{model}_seed_variant")),
    benchmark:
        str(LAYOUT.benchmark("train_{model}_seed_variant"))
    params:
        model=lambda wildcards: wildcards.model,
        settings=lambda wildcards: model_settings(wildcards.model, seed=SETTINGS["experiments"]["retrain_seed"],
                                                  sample_epochs=[]),
        out=lambda wildcards, output: os.path.dirname(output.checkpoint),
        data_dir=lambda wildcards, input: os.path.dirname(input.data),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        TRAIN_COMMAND
