# The report pipeline, in stages (rules in workflow/rules/):
#   data        verify MNIST (or fetch it when online)
#   train       the VAE, GAN and DDPM, and the evaluator classifier behind the sample metrics
#   sample      each model's evaluation samples
#   evaluate    FID, KID, precision/recall, class shares, likelihood bounds -> metrics.json
#   notebooks   Figures 1-6 and the measurements the notebooks take
#   experiments the runs behind the answers: detach, reconstruction, probes, interpolation, samplers
#   report      the written report (HTML, Markdown, PDF) and its publication
#
#   snakemake --cores 4 report                       # default preset (gpu with CUDA, else cpu)
#   snakemake --cores 4 report --config preset=smoke # any preset in config/presets/
#   snakemake --cores 4 robustness                   # opt-in repeats: more training seeds, 2.3 at full budget
#
# Each rule receives exactly the preset values it uses as params (a changed value reruns it and
# what depends on it) and lists the package's source files its entry point imports as inputs
# (an edited file reruns the rules that run it).
from snakemake.utils import min_version

min_version("8.20")


configfile: workflow.source_path("config/config.yaml")



report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/sample.smk"
include: "workflow/rules/robustness.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/experiments.smk"
include: "workflow/rules/report.smk"


onstart:
    if not RUN_RECORD.is_file():
        RUN_RECORD.parent.mkdir(parents=True, exist_ok=True)
        RUN_RECORD.write_text(json.dumps({"preset": PRESET}) + "\n")


rule report:
    """The written report of the chosen preset (the default target)."""
    default_target: True
    input:
        rules.report_html.output,
        rules.report_markdown.output,
