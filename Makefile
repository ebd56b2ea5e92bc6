# Two commands do everything on a fresh machine (see README):
#   make demo   build the demo report (creates .venv, installs pinned dependencies)
#   make test   run the test suite (same set-up)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORES  ?= 2
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format benchmark benchmark-scale slurm-demo report clean-private clean setup

setup: $(STAMP)

# Re-install only when the pinned requirements or the package metadata change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests workflow/scripts
	$(BIN)/ruff format --check src tests workflow/scripts
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

format: $(STAMP)
	$(BIN)/ruff format src tests workflow/scripts
	$(BIN)/ruff check --fix src tests workflow/scripts
	$(BIN)/snakefmt Snakefile workflow/rules

benchmark: $(STAMP)
	$(BIN)/python -m miriam_tools.benchmark

# The scale run alone: all 581 OCMWs and 20,000 women after the two demo cohorts.
benchmark-scale: $(STAMP)
	$(BIN)/python -m miriam_tools.benchmark --only-scale

# Proof that the SLURM profile works: a single-node SLURM on this machine (root, Debian).
slurm-demo: $(STAMP)
	workflow/cluster/slurm-demo.sh

# The browsable provenance report of the last build (a caption for every result).
report: $(STAMP)
	$(BIN)/snakemake --report report.zip

# Delete the private zone (pseudonymised microdata) of every cohort. Aggregates stay.
clean-private:
	rm -rf private/

clean:
	rm -rf results/ private/ qa/ logs/ benchmarks/ .snakemake/
