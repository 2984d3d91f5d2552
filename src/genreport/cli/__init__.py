"""Command-line entry points called by the Snakefile's rules."""
