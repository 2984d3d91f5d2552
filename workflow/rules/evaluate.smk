rule evaluate:
    """FID, KID, precision/recall and class shares of every model's samples; likelihood bounds."""
    input:
        evaluator=checkpoint_of("evaluator"),
        second_evaluator=checkpoint_of("second_evaluator"),
        samples=expand(rules.sample.output, model=MODELS),
        vae=checkpoint_of("vae"),
        ddpm=checkpoint_of("ddpm"),
        data=rules.data.output.stamp,
        code=code("genreport.cli.evaluate", task("evaluator"), task("vae"), task("ddpm")),
    output:
        metrics=report(str(LAYOUT.metrics), caption="../report/metrics.rst", category="Measurements"),
        bound_figure=report(str(LAYOUT.figure("ddpm_bound_terms")), caption="../report/bound.rst",
                            category="2. GAN"),
        samples_figure=report(str(LAYOUT.figure("samples_side_by_side")), caption="../report/samples.rst",
                              category="Measurements"),
        provenance=str(LAYOUT.provenance("evaluate")),
    log:
        str(LAYOUT.log("evaluate")),
    benchmark:
        str(LAYOUT.benchmark("evaluate"))
    params:
        settings=tracked(**common_settings(), **{key: SETTINGS["evaluation"][key] for key in (
            "real_images", "iwae_images", "iwae_samples", "ddpm_bound_images", "ddpm_bound_ranges")}),
        samples=lambda wildcards, input: named_paths("--samples", MODELS, input.samples),
        data_dir=lambda wildcards, input: os.path.dirname(input.data),
    threads: SETTINGS["threads"]
    conda:
        ENVIRONMENT
    resources:
        **MODEL_JOB,
    shell:
        "python -m genreport.cli.evaluate --settings {params.settings:q} --evaluator {input.evaluator:q}"
        " --second-evaluator {input.second_evaluator:q}"
        " {params.samples} --checkpoint vae={input.vae:q} --checkpoint ddpm={input.ddpm:q}"
        " --data-dir {params.data_dir:q} --out {output.metrics:q} --bound-figure {output.bound_figure:q}"
        " --samples-figure {output.samples_figure:q}"
        " --provenance {output.provenance:q} --threads {threads} > {log:q} 2>&1"
