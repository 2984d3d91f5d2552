"""What the Snakemake workflow asks of the package: the source files a job runs, jobs that stop with it."""
