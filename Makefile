# make report    set up .venv (once) and build the report with the default preset
# make smoke     the same with the smoke preset (about 5 min on 2 cores)
# make test      add the test tools to .venv and run the tests, the smoke pipeline included
# make lab       JupyterLab on notebooks/, with the project's environment as the `genreport` kernel
# make cluster   add the SLURM executor to .venv (see README: on a cluster)
# make lock      re-resolve requirements/*.lock from pyproject.toml (needs the package index)
# make rehearse-gpu  the gpu preset's whole DAG on this CPU at small sizes (config/rehearsals/gpu.txt), in
#                results/rehearsal/gpu/
# make first-page  redraw docs/report-first-page.png from the published report (after `make publish`)
# TORCH=cpu      with setup/report/test: install PyTorch's CPU-only build from PyTorch's own wheel index
#                (no CUDA libraries, a few GB less; that index must be reachable)
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= 4
TORCH ?= default
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
LOCK_FLAGS := --universal --python-version 3.11 --quiet

.PHONY: setup test-setup report publish pdf test smoke lab cluster lock first-page rehearse-gpu

setup: $(VENV)/.installed

# Packages from the lock, then the project itself without resolving anything again.
define install_lock
	$(if $(filter cpu,$(TORCH)),$(BIN)/python -m pip install --index-url $(TORCH_CPU_INDEX) \
	    $$(grep -E '^(torch|torchvision)==' $(1) | cut -d' ' -f1))
	$(if $(filter cpu,$(TORCH)),grep -vE '^(nvidia-|cuda-|triton==)' $(1) > $(VENV)/cpu.lock \
	    && $(BIN)/python -m pip install -r $(VENV)/cpu.lock,$(BIN)/python -m pip install -r $(1))
	$(BIN)/python -m pip install --no-deps -e .
endef

$(VENV)/.installed: requirements/report.lock pyproject.toml
	python3 -m venv $(VENV)
	$(call install_lock,requirements/report.lock)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/test.lock
	$(call install_lock,requirements/test.lock)
	touch $@

$(VENV)/.installed-cluster: $(VENV)/.installed requirements/cluster.lock
	$(call install_lock,requirements/cluster.lock)
	touch $@

report: setup
	$(BIN)/snakemake --cores $(CORES) report

publish: setup
	$(BIN)/snakemake --cores $(CORES) publish

pdf: setup
	$(BIN)/snakemake --cores $(CORES) report_pdf

smoke: setup
	$(BIN)/snakemake --cores $(CORES) report --config preset=smoke

rehearse-gpu: setup
	mkdir -p results
	$(BIN)/snakemake --cores $(CORES) report --config preset=gpu results_dir=results/rehearsal \
	    set="$$(grep -v '^#' config/rehearsals/gpu.txt | tr '\n' ' ')"

test-setup: $(VENV)/.installed-test

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

cluster: $(VENV)/.installed-cluster

lab: setup
	$(BIN)/python -m ipykernel install --sys-prefix --name genreport --display-name "genreport (.venv)"
	cd notebooks && $(abspath $(BIN))/jupyter lab

# The test and cluster locks are resolved within the report lock, so every shared package has one version.
lock: $(VENV)/.installed-test
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -c requirements/pins.txt -o requirements/report.lock
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) --extra test -c requirements/report.lock -o requirements/test.lock
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) --extra cluster -c requirements/report.lock \
	    -o requirements/cluster.lock

first-page: setup
	$(BIN)/python -m genreport.cli.first_page report/report.html docs/report-first-page.png
