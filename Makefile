# Two commands do everything on a fresh machine (see README):
#   make demo   build the demo report (creates .venv, installs pinned dependencies)
#   make test   run the test suite (same set-up)
#   make test-fast   the edit-test loop: unit and config tests without slow/workflow ones
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORES  ?= 2
STAMP  := $(VENV)/.installed

# (screenshots: see below)
.PHONY: screenshots demo test test-fast lint lock format benchmark benchmark-scale slurm-demo report clean-private clean setup diff snapshot check-pages

setup: $(STAMP)

# Re-install only when the lock file or the package metadata change. The venv is rebuilt from
# scratch (--clear) so it holds exactly requirements.lock: every package, transitive ones
# too, at its locked version and hash (pip, setuptools included). The package itself goes in
# without dependencies and without build isolation (nothing fetched that is not locked).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Regenerate requirements.lock after editing the dependencies in pyproject.toml. Versions
# already locked are kept; `make lock LOCK_ARGS=--upgrade` (or --upgrade-package NAME) moves them.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) --output-file requirements.lock pyproject.toml

# After a successful build the published tables are saved in published-history/ (make diff).
demo: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)
	$(BIN)/python -m miriam.provenance.published_diff --snapshot-only

# The page checks of tests/report/test_pages.py on every PDF of the build in results/ (run after
# `make demo` or a real build): headings and headlines that end a page, pages that hold only a
# heading or the colophon, blocks past the bottom margin, internal names, French spacing.
check-pages: $(STAMP)
	MIRIAM_PAGES_OF=results $(BIN)/pytest -q tests/report/test_pages.py -k build_reads

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

# The edit-test loop: unit and config tests without the ones marked slow or workflow (those
# build cohorts with Snakemake, render documents or run long property searches); see README.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow and not workflow" tests/unit tests/config

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

# First pages of the demo PDFs (pdftoppm) and, when Chromium exists, the HTML pages, as PNG in
# docs/screenshots/ (after `make demo`): one national report and one factsheet per language.
SHOT_DIR := results/demo-2023-2024/report
screenshots:
	mkdir -p docs/screenshots/after
	pdftoppm -png -r 50 -f 1 -l 2 $(SHOT_DIR)/nl/nationaal-rapport.pdf docs/screenshots/after/national-nl
	pdftoppm -png -r 50 -f 1 -l 2 $(SHOT_DIR)/fr/factsheet-forest.pdf docs/screenshots/after/factsheet-fr-forest
	if command -v chromium >/dev/null; then for page in nl/nationaal-rapport fr/factsheet-forest; do \
	  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	    --disable-component-update --disable-sync --no-first-run --user-data-dir=$$(mktemp -d) \
	    --window-size=1200,1600 \
	    --screenshot=docs/screenshots/after/$$(echo $$page | tr / -)-html.png $(SHOT_DIR)/$$page.html; done; \
	else echo "chromium not found: HTML screenshots skipped"; fi
