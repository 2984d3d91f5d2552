# The written report: every figure, measurement and experiment of the run, assembled by the
# report notebook (HTML through nbconvert) and by genreport.cli.report (Markdown).
REPORT_INPUTS = dict(
    metrics=rules.evaluate.output.metrics,
    training=expand(rules.train.output.metrics, model=MODELS),
    experiments=lambda wildcards: [getattr(rules, job.rule).output.json for job in report_experiments()],
    measurements=[getattr(rules, f"notebook_{model}").output.measurements for model in MODELS],
    figures=lambda wildcards: [
        *(figure for model in MODELS for figure in getattr(rules, f"notebook_{model}").output.figures),
        *(rule.output.figure for rule in figure_experiments()), rules.evaluate.output.bound_figure,
        rules.evaluate.output.samples_figure,
    ],
    provenance=lambda wildcards: [
        *(getattr(rules, f"notebook_{model}").output.provenance for model in MODELS),
        *(rule.output.provenance for rule in figure_experiments()), rules.evaluate.output.provenance,
    ],
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
    """Copy this preset's figures, report and metrics into figures/ and report/ when it is the run those
    folders show, else into report/<preset>/, with a manifest (store/publication.py)."""
    input:
        html=rules.report_html.output[0],
        markdown=rules.report_markdown.output[0],
        pdf=rules.report_pdf.output[0],
        code=code("genreport.cli.publish"),
        **REPORT_INPUTS,
    output:
        receipt=str(LAYOUT.root / "publication.json"),
    log:
        str(LAYOUT.log("publish")),
    params:
        preset=PRESET,
        top_level="--top-level" if config.get("publish_top_level") else "",
    conda:
        ENVIRONMENT
    resources:
        **LIGHT_JOB,
    shell:
        "python -m genreport.cli.publish --preset {params.preset:q} --metrics {input.metrics:q}"
        " --report-files {input.html:q} {input.markdown:q} {input.pdf:q} --figures {input.figures:q}"
        " --receipt {output.receipt:q} {params.top_level} > {log:q} 2>&1"


rule robustness:
    """The opt-in repeats (every model from `robustness.training_seeds`, the detach comparison at full budget
    from several seeds) and the report built with them."""
    input:
        [getattr(rules, job.rule).output.json for job in EXPERIMENTS.values() if job.opt_in],
        rules.report_html.output,
        rules.report_markdown.output,
        rules.report_pdf.output,

