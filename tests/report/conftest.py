"""The report tests look at the session's workflow build (tests/conftest.py)."""

import pytest
from pages import Build


@pytest.fixture(scope="session")
def build(workflow_build) -> Build:
    return Build(workflow_build)
