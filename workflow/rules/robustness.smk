# The opt-in `robustness` target: every model trained again from each of `robustness.training_seeds`, and
# the detach comparison at the GAN's full budget from several seeds. Each training is its own job, so a
# cluster profile runs them side by side; a model and seed the seed experiment trained already is reused.
ROBUST = SETTINGS["robustness"]
TRAINING_SEEDS = [SETTINGS["seed"], *ROBUST["training_seeds"]]
DETACH_SEEDS = TRAINING_SEEDS[:ROBUST["detach_seeds"]]
if SETTINGS["seed"] in ROBUST["training_seeds"]:
    sys.exit(f"error: robustness.training_seeds holds the preset's seed ({SETTINGS['seed']}); list other seeds "
             "in the preset file")
if ROBUST["detach_seeds"] > len(TRAINING_SEEDS):
    sys.exit(f"error: robustness.detach_seeds is {ROBUST['detach_seeds']} but the run has {len(TRAINING_SEEDS)} "
             "training seeds; lower it or add robustness.training_seeds in the preset file")


wildcard_constraints:
    seed=r"\d+",


def seeded_checkpoint(model, seed):
    """The checkpoint of `model` trained from `seed`: the main one, the seed experiment's, or the robustness target's."""
    seed = int(seed)
    if seed == SETTINGS["seed"]:
        return checkpoint_of(model)
    if seed == SETTINGS["experiments"]["retrain_seed"] and model in RETRAINED:
        return str(LAYOUT.seed_variant_dir(model) / "checkpoint.pt")
    return str(LAYOUT.robust_seed_dir(model, seed) / "checkpoint.pt")


def seeded_samples(model, seed):
    """The evaluation samples of `model` trained from `seed` (another seed than the preset's)."""
    if int(seed) == SETTINGS["experiments"]["retrain_seed"] and model in RETRAINED:
        return str(LAYOUT.seed_variant_samples(model))
    return str(LAYOUT.robust_seed_dir(model, seed) / "samples.npz")


def seeded_detach_checkpoint(variant, seed):
    """A detach variant at the GAN's full budget: for the detached step, the GAN trained from `seed`."""
    if variant == "detached":
        return seeded_checkpoint("gan", seed)
    return str(LAYOUT.robust_detach_dir(variant, seed) / "checkpoint.pt")


ROBUST_SEED_SAMPLES = {f"{model}@{seed}": seeded_samples(model, seed)
                       for seed in ROBUST["training_seeds"] for model in MODELS}
ROBUST_DETACH_VARIANTS = {f"{variant}@{seed}": seeded_detach_checkpoint(variant, seed)
                          for seed in DETACH_SEEDS for variant in DETACH_VARIANTS}


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
