# The written report: every figure, measurement and experiment of the run, assembled by the
# report notebook (HTML through nbconvert) and by genreport.cli.report (Markdown).
REPORT_INPUTS = dict(
    metrics=rules.evaluate.output.metrics,
    training=expand(rules.train.output.metrics, model=MODELS),
    experiments=[rules.detach_experiment.output.json, rules.reconstruction_experiment.output.json,
                 rules.probe_experiment.output.json, rules.interpolation_experiment.output.json,
                 rules.sampler_experiment.output.json, rules.quality_curves.output.json,
                 rules.seed_experiment.output.json],
    measurements=[rules.notebook_vae.output.measurements, rules.notebook_gan.output.measurements,
                  rules.notebook_ddpm.output.measurements],
    figures=[*rules.notebook_vae.output.figures, *rules.notebook_gan.output.figures,
             *rules.notebook_ddpm.output.figures, rules.detach_experiment.output.figure,
             rules.reconstruction_experiment.output.figure, rules.interpolation_experiment.output.figure,
             rules.quality_curves.output.figure, rules.evaluate.output.bound_figure],
    provenance=[rules.notebook_vae.output.provenance, rules.notebook_gan.output.provenance,
                rules.notebook_ddpm.output.provenance, rules.detach_experiment.output.provenance,
                rules.reconstruction_experiment.output.provenance, rules.interpolation_experiment.output.provenance,
                rules.quality_curves.output.provenance, rules.evaluate.output.provenance],
)


rule report_notebook:
    """The report notebook executed on this run's results."""
    input:
        notebook=notebook_path("report"),
        code=code("genreport.cli.notebook", notebook=notebook_path("report")),
        **REPORT_INPUTS,
    output:
        str(LAYOUT.report_file("ipynb")),
    log:
        str(LAYOUT.log("report_notebook")),
    benchmark:
        str(LAYOUT.benchmark("report_notebook"))
    params:
        results_dir=results_dir_of,
    conda:
        ENVIRONMENT
    resources:
        **LIGHT_JOB,
    shell:
        "python -m genreport.cli.notebook {input.notebook:q} {output:q} -p results_dir {params.results_dir:q} 2> {log:q}"


rule report_html:
    """The executed report notebook as one self-contained HTML page, code hidden."""
    input:
        rules.report_notebook.output,
    output:
        report(str(LAYOUT.report_file("html")), caption="../report/written_report.rst", category="Written report"),
    log:
        str(LAYOUT.log("report_html")),
    benchmark:
        str(LAYOUT.benchmark("report_html"))
    conda:
        ENVIRONMENT
    resources:
        **LIGHT_JOB,
    shell:
        "python -m nbconvert --to html --no-input --output report.html {input:q} 2> {log:q}"


rule report_markdown:
    """The same report as Markdown, its figures linked."""
    input:
        code=code("genreport.cli.report"),
        **REPORT_INPUTS,
    output:
        str(LAYOUT.report_file("md")),
    log:
        str(LAYOUT.log("report_markdown")),
    benchmark:
        str(LAYOUT.benchmark("report_markdown"))
    params:
        results_dir=results_dir_of,
    conda:
        ENVIRONMENT
    resources:
        **LIGHT_JOB,
    shell:
        "python -m genreport.cli.report --results-dir {params.results_dir:q} --out {output:q} 2> {log:q}"


rule report_pdf:
    """The HTML report printed to PDF by headless Chromium."""
    input:
        html=rules.report_html.output[0],
        code=code("genreport.cli.pdf"),
    output:
        str(LAYOUT.report_file("pdf")),
    log:
        str(LAYOUT.log("report_pdf")),
    conda:
        ENVIRONMENT
    resources:
        **LIGHT_JOB,
    shell:
        "python -m genreport.cli.pdf {input.html:q} {output:q} 2> {log:q}"


rule publish:
    """Copy this preset's figures, report and metrics into report/<preset>/ (and into figures/ and
    report/ when it is the run those folders show), with a manifest."""
    input:
        html=rules.report_html.output[0],
        markdown=rules.report_markdown.output[0],
        pdf=rules.report_pdf.output[0],
        code=code("genreport.cli.publish"),
        **REPORT_INPUTS,
    output:
        manifest=f"report/{PRESET}/manifest.json",
    log:
        str(LAYOUT.log("publish")),
    params:
        preset=PRESET,
    conda:
        ENVIRONMENT
    resources:
        **LIGHT_JOB,
    shell:
        "python -m genreport.cli.publish --preset {params.preset:q} --metrics {input.metrics:q}"
        " --report-files {input.html:q} {input.markdown:q} {input.pdf:q} --figures {input.figures:q}"
        " --manifest {output.manifest:q} > {log:q} 2>&1"
