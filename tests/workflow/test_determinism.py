"""Reproducible: the same inputs and config give byte-identical outputs.

A second build of the small cohorts, in another directory, must write exactly the bytes of
the session's build for every published file: Parquet, CSV, SVG, HTML, PDF, JSON and the
report sources. (Logs and benchmarks hold times; the private zone is not published.)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from helpers import run_workflow, write_project

pytestmark = pytest.mark.workflow
SUFFIXES = {".parquet", ".csv", ".svg", ".html", ".pdf", ".json", ".qmd", ".txt"}


def _hashes(root: Path) -> dict[str, str]:
    results = root / "results"
    return {
        str(path.relative_to(results)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(results.rglob("*"))
        if path.is_file() and path.suffix in SUFFIXES
    }


def test_two_builds_write_the_same_bytes(workflow_build, tmp_path):
    write_project(tmp_path)
    done = run_workflow(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    first, second = _hashes(workflow_build), _hashes(tmp_path)
    assert len(first) > 100 and {Path(p).suffix for p in first} >= {
        ".parquet",
        ".csv",
        ".svg",
        ".html",
        ".pdf",
    }
    assert first.keys() == second.keys()
    differ = sorted(p for p in first if first[p] != second[p])
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:5]}"
