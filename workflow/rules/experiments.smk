# The experiments behind the answers: one rule per entry of genreport/pipeline/experiments.py. Each
# reads the checkpoints and files its entry names, receives exactly its declared settings and writes one JSON.


def experiment_inputs(job):
    """The files an experiment reads, by name: checkpoints, the data stamp, its code, the other inputs it names."""
    inputs = dict(data=rules.data.output.stamp)
    if job.evaluator:
        inputs["evaluator"] = checkpoint_of("evaluator")
    if job.checkpoints:
        inputs["checkpoints"] = [checkpoint_of(model) for model in job.checkpoints]
    reads = {
        "detach_variants": dict(variants=expand(rules.train_detach_variant.output.checkpoint, variant=DETACH_VARIANTS),
                                variant_records=expand(rules.train_detach_variant.output.metrics,
                                                       variant=DETACH_VARIANTS)),
        "training_records": dict(training=expand(rules.train.output.metrics, model=MODELS)),
        "ddpm_samples": dict(samples=expand(rules.sample.output, model="ddpm")),
        "both_evaluators": dict(evaluators=[checkpoint_of(name) for name in EVALUATORS]),
        "seed_variant_samples": dict(samples=expand(rules.sample_seed_variant.output, model=RETRAINED)),
        "robust_seed_samples": dict(samples=list(robust_seed_samples().values())),
        "robust_detach_variants": dict(variants=list(robust_detach_variants().values()),
                                       variant_records=[str(Path(path).parent / "metrics.json")
                                                        for path in robust_detach_variants().values()]),
    }
    for kind in job.reads:
        inputs.update(reads[kind])
    # The task modules the entry point loads by name (sources.py cannot see them).
    tasks = []
    if job.evaluator or "both_evaluators" in job.reads:
        tasks.append("evaluator")
    if job.loads_models:
        tasks.extend(job.checkpoints)
    if "detach_variants" in job.reads or "robust_detach_variants" in job.reads:
        tasks.append("gan")
    inputs["code"] = code(job.entry_point, *map(task, tasks))
    return inputs


def experiment_outputs(job):
    outputs = dict(json=str(LAYOUT.experiment(job.name)))
    caption = dict(caption=f"../report/{job.caption}.rst", category=job.category)
    if job.figure:
        outputs["figure"] = report(str(LAYOUT.figure(EXPERIMENT_FIGURES[job.figure][0])), **caption)
    else:
        outputs["json"] = report(outputs["json"], **caption)
    if job.provenance:
        outputs["provenance"] = str(LAYOUT.provenance(job.rule))
    return outputs


def experiment_arguments(job):
    """The entry point's file arguments, from the job's inputs and outputs (quoted for the shell)."""

    def arguments(wildcards, input, output):
        words = []
        if job.evaluator:
            words.append(f"--evaluator {shlex.quote(input.evaluator)}")
        if "both_evaluators" in job.reads:
            words.append(named_paths("--evaluator", EVALUATORS, input.evaluators))
        if job.checkpoints:
            words.append(named_paths("--checkpoint", job.checkpoints, input.checkpoints))
        if "detach_variants" in job.reads:
            words.append(named_paths("--checkpoint", DETACH_VARIANTS, input.variants))
        if "ddpm_samples" in job.reads:
            words.append(f"--samples {shlex.quote(input.samples[0])}")
        if "seed_variant_samples" in job.reads:
            words.append(named_paths("--samples", RETRAINED, input.samples))
        if "robust_seed_samples" in job.reads:
            words.append(named_paths("--samples", robust_seed_samples(), input.samples))
        if "robust_detach_variants" in job.reads:
            words.append(named_paths("--checkpoint", robust_detach_variants(), input.variants))
        if job.figure:
            words.append(f"--figure {shlex.quote(output.figure)}")
        if job.provenance:
            words.append(f"--provenance {shlex.quote(output.provenance)}")
        return " ".join(word for word in words if word)

    return arguments


for job in EXPERIMENTS.values():

    rule:
        name:
            job.rule
        input:
            **experiment_inputs(job),
        output:
            **experiment_outputs(job),
        log:
            str(LAYOUT.log(job.rule)),
        benchmark:
            str(LAYOUT.benchmark(job.rule))
        params:
            entry_point=job.entry_point,
            settings=tracked(**common_settings(*job.settings)),
            files=experiment_arguments(job),
            data_dir=data_dir_of,
        threads: SETTINGS["threads"]
        conda:
            ENVIRONMENT
        resources:
            **(LIGHT_JOB if job.light else MODEL_JOB),
        # A shell command is formatted when its job runs, after this loop has moved on: the entry point is a param.
        shell:
            "python -m {params.entry_point} {params.files} --settings {params.settings:q}"
            " --data-dir {params.data_dir:q} --out {output.json:q} --threads {threads} > {log:q} 2>&1"

    workflow.get_rule(job.rule).docstring = job.question
