"""Code hygiene as part of the test suite, so that CI enforces it: ruff (lint and format),
snakefmt, `snakemake --lint`, and a dry run of the workflow for every configuration the
project ships (config/) and the tests use (helpers.SMALL_COHORTS)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SMALL_COHORTS, run_workflow, write_project

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYTHON_CODE = ["src", "tests", "workflow/scripts"]


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", *PYTHON_CODE],
        ["ruff", "format", "--check", *PYTHON_CODE],
        ["snakefmt", "--check", "Snakefile", "workflow/rules"],
    ],
    ids=["ruff-check", "ruff-format", "snakefmt"],
)
def test_code_is_formatted_and_lint_free(command):
    done = _run(str(BIN / command[0]), *command[1:])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.mark.slow
def test_snakemake_lint_is_clean():
    done = _run(str(BIN / "snakemake"), "--lint")
    assert done.returncode == 0 and "Congratulations" in done.stdout + done.stderr, done.stdout[-3000:]


@pytest.mark.workflow
def test_the_shipped_configuration_dry_runs():
    done = _run(str(BIN / "snakemake"), "-n", "-F", "--cores", "1")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "render_report" in done.stdout


@pytest.mark.workflow
def test_the_test_configurations_dry_run(tmp_path):
    for cohort in SMALL_COHORTS:
        work = tmp_path / cohort["cohort"]
        work.mkdir()
        write_project(work, (cohort,))
        done = run_workflow(work, "-n", timeout=300)
        assert done.returncode == 0, (cohort["cohort"], done.stderr[-3000:])
        assert f"results/{cohort['cohort']}/report/index.html" in done.stdout
