# Two commands do everything on a fresh machine (see README):
#   make demo   build the demo report (creates .venv, installs pinned dependencies)
#   make test   run the test suite (same set-up)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORES  ?= 2
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format benchmark benchmark-scale slurm-demo report clean-private clean setup diff snapshot

setup: $(STAMP)

# Re-install only when the pinned requirements or the package metadata change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# After a successful build the published tables are saved in published-history/ (make diff).
demo: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)
	$(BIN)/python -m miriam.provenance.published_diff --snapshot-only

# What changed since the previous published build: every published number that differs, and
# what changed upstream (inputs, config, code, packages), in qa/<cohort>/published_diff.{html,csv}.
# Saves this build first. DIFF_ARGS="--against <snapshot id or dir> <cohort>" to choose.
diff: $(STAMP)
	$(BIN)/python -m miriam.provenance.published_diff $(DIFF_ARGS)

# Save the published tables and manifest of every cohort in published-history/<cohort>/<build-id>/.
snapshot: $(STAMP)
	$(BIN)/python -m miriam.provenance.published_diff --snapshot-only

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

# The browsable provenance report of the last build (a caption for every result), written
# under results/ (ignored by git: it holds the cohorts' published tables), not the repository root.
report: $(STAMP)
	$(BIN)/snakemake --report results/report.zip

# Delete the private zone (pseudonymised microdata) of every cohort. Aggregates stay.
clean-private:
	rm -rf private/

# published-history/ (the snapshots make diff compares) is kept.
clean:
	rm -rf results/ private/ qa/ logs/ benchmarks/ .snakemake/
