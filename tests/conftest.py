"""Fixtures shared by all tests (helpers.py holds the plain helpers they build on)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import (
    CONFIG_PATH,
    GROUPS_PATH,
    INSTRUMENT_PATH,
    OCMW_PATH,
    TEST_KEY,
    TEST_KEY_ENV,
    CohortBuilder,
    make_nrn,
)

from miriam import config as miriam_config


def pytest_collection_modifyitems(config, items):
    """Every test under tests/workflow/ or tests/report/, and every test that reads the
    session's workflow build, is a `workflow` test (`make test-fast` leaves them out)."""
    tests = Path(__file__).resolve().parent
    slow_dirs = (tests / "workflow", tests / "report")
    for item in items:
        in_slow_dir = any(item.path.is_relative_to(d) for d in slow_dirs)
        if in_slow_dir or "workflow_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.workflow)


@pytest.fixture(scope="session")
def instrument() -> miriam_config.Instrument:
    return miriam_config.load_instrument(INSTRUMENT_PATH)


@pytest.fixture(scope="session")
def reference():
    return miriam_config.load_ocmw_reference(OCMW_PATH)


@pytest.fixture(scope="session")
def groups() -> dict[str, Any]:
    return miriam_config.load_yaml(GROUPS_PATH)


@pytest.fixture
def pipeline_config(tmp_path, monkeypatch) -> dict[str, Any]:
    """config/config.yaml as shipped, with a hermetic pseudonym-key set-up: the key variable
    holds the test key (helpers.TEST_KEY) and the key file does not exist. The builder's
    cohorts are real cohorts (`demo: false`): a demo cohort accepts generated exports only."""
    data = miriam_config.load_config(CONFIG_PATH)
    data["pseudonym"] = {"key_env": TEST_KEY_ENV, "key_file": str(tmp_path / "no-such.key")}
    monkeypatch.setenv(TEST_KEY_ENV, TEST_KEY)
    return data


@pytest.fixture
def builder(tmp_path, instrument) -> CohortBuilder:
    return CohortBuilder(tmp_path, instrument)


@pytest.fixture
def ingest_cohort(builder, instrument, reference, pipeline_config):
    """Run ingest on exports written by `builder`: ingest_cohort(exports, **cohort_options)."""
    from miriam import ingest

    def run(exports: list[dict[str, Any]], *, config: dict | None = None, **options: Any):
        cohort = builder.cohort(exports, **options)
        return ingest.ingest_cohort(cohort, instrument, reference, config or pipeline_config, builder.root)

    return run


@pytest.fixture
def nrn_for():
    """make_nrn(birth, seq, valid=True): a register number with correct (or wrong) check digits."""
    return make_nrn


@pytest.fixture(scope="session")
def workflow_build(tmp_path_factory):
    """The whole workflow, run by Snakemake as a user would, on the two small seeded cohorts
    of helpers.SMALL_COHORTS (one per instrument version and layout). Built once per test
    session and shared by the workflow and report tests; read it, never write into it."""
    from helpers import run_workflow, write_project

    work = tmp_path_factory.mktemp("workflow")
    write_project(work)
    result = run_workflow(work)
    assert result.returncode == 0, result.stderr[-6000:]
    return work
