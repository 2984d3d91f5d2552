# The experiments behind the answers. Each reads the checkpoints it names and writes one JSON.
rule detach_experiment:
    """Question 2.3: what detaching the fakes in the discriminator step changes, measured."""
    input:
        evaluator=checkpoint_of("evaluator"),
        variants=expand(rules.train_detach_variant.output.checkpoint, variant=DETACH_VARIANTS),
        metrics=expand(rules.train_detach_variant.output.metrics, variant=DETACH_VARIANTS),
        data=rules.data.output.stamp,
        code=code("genreport.cli.detach", task("evaluator"), task("gan")),
    output:
        json=str(LAYOUT.experiment("detach")),
        figure=report(str(LAYOUT.figure("detach_samples")), caption="../report/detach.rst", category="2. GAN"),
        provenance=str(LAYOUT.provenance("detach_experiment")),
    log:
        str(LAYOUT.log("detach_experiment")),
    benchmark:
        str(LAYOUT.benchmark("detach_experiment"))
    params:
        settings=tracked(**common_settings("detach_epochs", "detach_samples")),
        checkpoints=lambda wildcards, input: named_paths("--checkpoint", DETACH_VARIANTS, input.variants),
        data_dir=data_dir_of,
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        "python -m genreport.cli.detach --evaluator {input.evaluator:q} {params.checkpoints}"
        " --figure {output.figure:q} --provenance {output.provenance:q}"
        " --settings {params.settings:q} --data-dir {params.data_dir:q} --out {output.json:q} --threads {threads}"
        " > {log:q} 2>&1"


rule reconstruction_experiment:
    """Question 2.4 a: VAE reconstructions against GAN inversions of the same test images."""
    input:
        evaluator=checkpoint_of("evaluator"),
        vae=checkpoint_of("vae"),
        gan=checkpoint_of("gan"),
        data=rules.data.output.stamp,
        code=code("genreport.cli.reconstruct", task("evaluator"), task("vae"), task("gan")),
    output:
        json=str(LAYOUT.experiment("reconstruction")),
        figure=report(str(LAYOUT.figure("reconstruction_vae_gan")), caption="../report/reconstruction.rst",
                      category="2. GAN"),
        provenance=str(LAYOUT.provenance("reconstruction_experiment")),
    log:
        str(LAYOUT.log("reconstruction_experiment")),
    benchmark:
        str(LAYOUT.benchmark("reconstruction_experiment"))
    params:
        settings=tracked(**common_settings("inversion_images", "inversion_steps", "inversion_restarts")),
        data_dir=data_dir_of,
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        "python -m genreport.cli.reconstruct --evaluator {input.evaluator:q} --checkpoint vae={input.vae:q}"
        " --checkpoint gan={input.gan:q} --figure {output.figure:q}"
        " --provenance {output.provenance:q}"
        " --settings {params.settings:q} --data-dir {params.data_dir:q} --out {output.json:q} --threads {threads}"
        " > {log:q} 2>&1"


rule probe_experiment:
    """Question 2.4 c: linear probes of each model's representation."""
    input:
        checkpoints=expand(checkpoint_of("{model}"), model=MODELS),
        data=rules.data.output.stamp,
        code=code("genreport.cli.probe", *map(task, MODELS)),
    output:
        json=report(str(LAYOUT.experiment("probes")), caption="../report/probes.rst", category="2. GAN"),
    log:
        str(LAYOUT.log("probe_experiment")),
    benchmark:
        str(LAYOUT.benchmark("probe_experiment"))
    params:
        settings=tracked(**common_settings(
            "probe_labels_per_class", "probe_train_images", "probe_inversion_test_images", "probe_ddpm_timestep",
            "inversion_steps")),
        checkpoints=lambda wildcards, input: named_paths("--checkpoint", MODELS, input.checkpoints),
        data_dir=data_dir_of,
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        "python -m genreport.cli.probe {params.checkpoints}"
        " --settings {params.settings:q} --data-dir {params.data_dir:q} --out {output.json:q} --threads {threads}"
        " > {log:q} 2>&1"


rule interpolation_experiment:
    """Questions 1.3 c and 2.2 c: how smoothly each model's interpolations change; the DDPM's figure."""
    input:
        evaluator=checkpoint_of("evaluator"),
        checkpoints=expand(checkpoint_of("{model}"), model=MODELS),
        data=rules.data.output.stamp,
        code=code("genreport.cli.interpolate", task("evaluator"), *map(task, MODELS)),
    output:
        json=str(LAYOUT.experiment("interpolation")),
        figure=report(str(LAYOUT.figure("fig7_ddpm_interpolation")), caption="../report/interpolation.rst",
                      category="3. DDPM"),
        provenance=str(LAYOUT.provenance("interpolation_experiment")),
    log:
        str(LAYOUT.log("interpolation_experiment")),
    benchmark:
        str(LAYOUT.benchmark("interpolation_experiment"))
    params:
        settings=tracked(**common_settings("interpolation_pairs", "interpolation_frames", "interpolation_sampler")),
        checkpoints=lambda wildcards, input: named_paths("--checkpoint", MODELS, input.checkpoints),
        data_dir=data_dir_of,
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        "python -m genreport.cli.interpolate --evaluator {input.evaluator:q} {params.checkpoints}"
        " --figure {output.figure:q} --provenance {output.provenance:q}"
        " --settings {params.settings:q} --data-dir {params.data_dir:q} --out {output.json:q} --threads {threads}"
        " > {log:q} 2>&1"


rule sampler_experiment:
    """Question 4: DDPM sampling cost and quality, ancestral against DDIM; moving average against raw weights."""
    input:
        evaluator=checkpoint_of("evaluator"),
        ddpm=checkpoint_of("ddpm"),
        samples=expand(rules.sample.output, model="ddpm"),
        data=rules.data.output.stamp,
        code=code("genreport.cli.samplers", task("evaluator"), task("ddpm")),
    output:
        json=report(str(LAYOUT.experiment("samplers")), caption="../report/samplers.rst", category="4. Comparison"),
    log:
        str(LAYOUT.log("sampler_experiment")),
    benchmark:
        str(LAYOUT.benchmark("sampler_experiment"))
    params:
        settings=tracked(**common_settings("sampler_images", "precision_images")),
        data_dir=data_dir_of,
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        "python -m genreport.cli.samplers --evaluator {input.evaluator:q} --checkpoint ddpm={input.ddpm:q}"
        " --samples {input.samples:q}"
        " --settings {params.settings:q} --data-dir {params.data_dir:q} --out {output.json:q} --threads {threads}"
        " > {log:q} 2>&1"


rule quality_curves:
    """Quality against compute: every model's fixed-noise snapshots scored at each sampled epoch."""
    input:
        evaluator=checkpoint_of("evaluator"),
        checkpoints=expand(rules.train.output.checkpoint, model=MODELS),
        training=expand(rules.train.output.metrics, model=MODELS),
        data=rules.data.output.stamp,
        code=code("genreport.cli.curves", task("evaluator")),
    output:
        json=str(LAYOUT.experiment("curves")),
        figure=report(str(LAYOUT.figure("quality_vs_compute")), caption="../report/curves.rst", category="4. Comparison"),
        provenance=str(LAYOUT.provenance("quality_curves")),
    log:
        str(LAYOUT.log("quality_curves")),
    benchmark:
        str(LAYOUT.benchmark("quality_curves"))
    params:
        settings=tracked(**common_settings()),
        checkpoints=lambda wildcards, input: named_paths("--checkpoint", MODELS, input.checkpoints),
        data_dir=data_dir_of,
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **LIGHT_JOB,
    shell:
        "python -m genreport.cli.curves --evaluator {input.evaluator:q} {params.checkpoints}"
        " --figure {output.figure:q} --provenance {output.provenance:q}"
        " --settings {params.settings:q} --data-dir {params.data_dir:q} --out {output.json:q} --threads {threads}"
        " > {log:q} 2>&1"


rule seed_experiment:
    """Robust to retraining: the models of `experiments.retrain_models`, trained again from another seed,
    scored in both evaluators' feature spaces."""
    input:
        evaluators=[checkpoint_of(name) for name in EVALUATORS],
        samples=expand(rules.sample_seed_variant.output, model=RETRAINED),
        data=rules.data.output.stamp,
        code=code("genreport.cli.seeds", task("evaluator")),
    output:
        json=report(str(LAYOUT.experiment("seeds")), caption="../report/seeds.rst", category="Measurements"),
    log:
        str(LAYOUT.log("seed_experiment")),
    benchmark:
        str(LAYOUT.benchmark("seed_experiment"))
    params:
        settings=tracked(**common_settings("retrain_seed")),
        evaluators=lambda wildcards, input: named_paths("--evaluator", EVALUATORS, input.evaluators),
        samples=lambda wildcards, input: named_paths("--samples", RETRAINED, input.samples),
        data_dir=data_dir_of,
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        "python -m genreport.cli.seeds {params.evaluators} {params.samples}"
        " --settings {params.settings:q} --data-dir {params.data_dir:q} --out {output.json:q} --threads {threads}"
        " > {log:q} 2>&1"
