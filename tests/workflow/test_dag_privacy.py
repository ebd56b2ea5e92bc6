"""The privacy gate is structural: proven from the Snakemake DAG, not from the code's intent.

A forced dry run lists every job with its inputs. Figure and report jobs may read only
disclosure-checked aggregates under results/ and the workflow's own sources (templates,
strings, config); never raw exports, the private zone (pseudonymised microdata) or QA lists.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
PUBLISHING_RULES = {
    "make_figures",
    "write_report_sources",
    "render_report",
    "write_index",
}
ROW_LEVEL_ZONES = ("raw/", "private/", "qa/")
# No file of qa/ may be read by a publishing rule: the processing counts they print come from
# results/<cohort>/processing.csv, under the count rule (issue 12).
QA_COUNTS = re.compile(r"^$")


def dry_run_jobs() -> list[tuple[str, list[str]]]:
    done = subprocess.run(
        [str(SNAKEMAKE), "-n", "-F", "--cores", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    jobs, rule = [], None
    for line in done.stdout.splitlines():
        if m := re.match(r"^(?:local)?rule (\w+):", line):
            rule = m.group(1)
        elif rule and (m := re.match(r"^\s+input: (.*)$", line)):
            jobs.append((rule, [p.strip() for p in m.group(1).split(",")]))
            rule = None
    return jobs


@pytest.fixture(scope="module")
def jobs():
    return dry_run_jobs()


def test_dry_run_lists_the_publishing_rules(jobs):
    assert PUBLISHING_RULES <= {rule for rule, _ in jobs}


def test_no_publishing_rule_reads_row_level_data(jobs):
    offenders = [
        (rule, path)
        for rule, inputs in jobs
        if rule in PUBLISHING_RULES
        for path in inputs
        if (path.startswith(ROW_LEVEL_ZONES) and not QA_COUNTS.match(path)) or "/private/" in path
    ]
    assert offenders == []


def test_publishing_rules_read_only_results_and_sources(jobs):
    allowed = ("results/", "config/", str(ROOT / "report"))
    for rule, inputs in jobs:
        if rule in PUBLISHING_RULES:
            assert all(p.startswith(allowed) or QA_COUNTS.match(p) for p in inputs), (rule, inputs)


def test_the_private_zone_feeds_only_the_stages_before_disclosure(jobs):
    readers = {rule for rule, inputs in jobs for p in inputs if p.startswith("private/")}
    assert readers <= {
        "clean_responses",
        "protect_responses",
        "compute_indicators",
        "disclose_indicators",
    }
