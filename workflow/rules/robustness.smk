# The opt-in `robustness` target's training jobs: every model trained again from each of
# `robustness.training_seeds`, and the detach variants at the GAN's full budget (settings and paths: common.smk).


rule train_robust_variant:
    """The robustness target: a model trained like the main one from another seed."""
    input:
        data=rules.data.output.stamp,
        code=lambda wildcards: code("genreport.cli.train", task(wildcards.model)),
    output:
        checkpoint=str(LAYOUT.robust_seed_dir("{model}", "{seed}") / "checkpoint.pt"),
        metrics=str(LAYOUT.robust_seed_dir("{model}", "{seed}") / "metrics.json"),
    log:
        str(LAYOUT.log("train_{model}_seed{seed}")),
    benchmark:
        str(LAYOUT.benchmark("train_{model}_seed{seed}"))
    params:
        model=lambda wildcards: wildcards.model,
        settings=lambda wildcards: model_settings(wildcards.model, seed=int(wildcards.seed), sample_epochs=[]),
        out=lambda wildcards, output: os.path.dirname(output.checkpoint),
        data_dir=lambda wildcards, input: os.path.dirname(input.data),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        TRAIN_COMMAND


rule sample_robust_variant:
    """The robustness target: evaluation samples of a retrained model, drawn exactly as the main model's."""
    input:
        checkpoint=rules.train_robust_variant.output.checkpoint,
        code=lambda wildcards: code("genreport.cli.sample", task(wildcards.model)),
    output:
        str(LAYOUT.robust_seed_dir("{model}", "{seed}") / "samples.npz"),
    log:
        str(LAYOUT.log("sample_{model}_seed{seed}")),
    benchmark:
        str(LAYOUT.benchmark("sample_{model}_seed{seed}"))
    params:
        settings=lambda wildcards: sample_settings(wildcards.model),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        SAMPLE_COMMAND


rule train_robust_detach_variant:
    """The robustness target, question 2.3: a GAN trained like the main one from a seed, for its full budget,
    with one way of showing the discriminator step the fakes."""
    input:
        data=rules.data.output.stamp,
        code=code("genreport.cli.train", task("gan")),
    output:
        checkpoint=str(LAYOUT.robust_detach_dir("{variant}", "{seed}") / "checkpoint.pt"),
        metrics=str(LAYOUT.robust_detach_dir("{variant}", "{seed}") / "metrics.json"),
    log:
        str(LAYOUT.log("train_gan_{variant}_seed{seed}")),
    benchmark:
        str(LAYOUT.benchmark("train_gan_{variant}_seed{seed}"))
    params:
        model="gan",
        settings=lambda wildcards: model_settings("gan", seed=int(wildcards.seed),
                                                  discriminator_input=wildcards.variant, sample_epochs=[]),
        out=lambda wildcards, output: os.path.dirname(output.checkpoint),
        data_dir=lambda wildcards, input: os.path.dirname(input.data),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        TRAIN_COMMAND
