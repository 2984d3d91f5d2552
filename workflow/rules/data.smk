rule data:
    """Verify the four MNIST files against their checksums (fetching them first when online)."""
    input:
        code=code("genreport.cli.data"),
    output:
        stamp=f"{DATA}/mnist.verified.json",
    log:
        f"{DATA}/logs/data.log",
    benchmark:
        str(LAYOUT.benchmark("data"))
    params:
        data_dir=lambda wildcards, output: os.path.dirname(output.stamp),
    conda:
        ENVIRONMENT
    resources:
        **LIGHT_JOB,
    shell:
        "python -m genreport.cli.data --data-dir {params.data_dir:q} --stamp {output.stamp:q} 2> {log:q}"
