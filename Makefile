# make report   set up .venv (once) and build the report with the default preset
# make test     set up .venv (once) and run the tests, the smoke pipeline included
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= 4

.PHONY: setup report publish pdf test smoke

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

report: setup
	$(BIN)/snakemake --cores $(CORES) report

publish: setup
	$(BIN)/snakemake --cores $(CORES) publish

pdf: setup
	$(BIN)/snakemake --cores $(CORES) report_pdf

smoke: setup
	$(BIN)/snakemake --cores $(CORES) report --config preset=smoke

test: setup
	$(BIN)/python -m pytest
