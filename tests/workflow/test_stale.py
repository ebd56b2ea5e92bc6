"""Nothing stale (issue 17, item 4): a run that stops at ingest (a bad export) leaves no
unmarked published report of that cohort, and prints its error once, after the job listing.

The previously published report is laid down by hand (what a good build leaves: the index and
one folder per language), and ingest is forced to run (as a changed export makes it), so that
this test costs one failing ingest job, not a full build;
the withdrawal logic itself is unit-tested in tests/unit/test_new_user_cohort.py.
"""

from __future__ import annotations

import copy

import pytest
from helpers import SMALL_COHORT, TEST_KEY, run_workflow, write_project

pytestmark = pytest.mark.workflow


def test_a_run_stopped_at_ingest_withdraws_the_published_report(tmp_path, monkeypatch):
    cohort = copy.deepcopy(SMALL_COHORT)
    cohort.update(cohort="real-stale", demo=False)
    cohort.pop("demo_pseudonym_key")
    cohort.pop("synthetic")
    cohort["exports"] = [
        {"path": "raw/real-stale/b.csv", "wave": "baseline", "language": "nl", "format": "csv",
         "encoding": "utf-8", "delimiter": ","},
    ]  # fmt: skip
    write_project(tmp_path, (cohort,))
    bad = tmp_path / "raw" / "real-stale" / "b.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text("Antwoord ID,Iets anders\nR1,x\n", encoding="utf-8")  # not the form's export
    report = tmp_path / "results" / "real-stale" / "report"
    for lang in ("nl", "fr"):
        (report / lang).mkdir(parents=True)
        (report / lang / "national.html").write_text("<p>the previous build</p>", encoding="utf-8")
    (report / "index.html").write_text("<html><body>previous</body></html>", encoding="utf-8")
    monkeypatch.setenv("MIRIAM_PSEUDONYM_KEY", TEST_KEY)  # a key of 128 bits and more (public test key)

    # A changed export re-runs ingest and everything after it; the intermediate files of the
    # previous build are not laid down here, so ingest is forced to run, as a change would.
    done = run_workflow(tmp_path, "--forcerun", "ingest_exports", timeout=600)

    assert done.returncode != 0
    assert not report.exists()  # withdrawn: nothing of the previous build is published
    assert (report.parent / "report.stale" / "nl" / "national.html").exists()
    assert "WITHDRAWN" in (report.parent / "STALE.txt").read_text(encoding="utf-8")
    output = done.stdout + done.stderr
    assert output.count("no header row with the form's questions") == 1, output[-4000:]
    assert output.rindex("MIRIAM stopped: 1 problem(s)") > output.rindex("Error in rule ingest_exports")
