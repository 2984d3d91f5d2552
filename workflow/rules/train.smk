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
        checkpoint=f"{RUN}/train/{{model}}/checkpoint.pt",
        metrics=f"{RUN}/train/{{model}}/metrics.json",
    log:
        f"{RUN}/logs/train_{{model}}.log",
    benchmark:
        f"{RUN}/benchmarks/train_{{model}}.tsv"
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
        checkpoint=f"{RUN}/experiments/detach/{{variant}}/checkpoint.pt",
        metrics=f"{RUN}/experiments/detach/{{variant}}/metrics.json",
    log:
        f"{RUN}/logs/train_gan_{{variant}}.log",
    benchmark:
        f"{RUN}/benchmarks/train_gan_{{variant}}.tsv"
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
        checkpoint=f"{RUN}/experiments/seeds/{{model}}/checkpoint.pt",
        metrics=f"{RUN}/experiments/seeds/{{model}}/metrics.json",
    log:
        f"{RUN}/logs/train_{{model}}_seed_variant.log",
    benchmark:
        f"{RUN}/benchmarks/train_{{model}}_seed_variant.tsv"
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
