"""The benchmark's bookkeeping (its timings are printed, never asserted)."""

from __future__ import annotations

import os

from miriam_tools import benchmark

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def _job(path, seconds, rss, mtime):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{seconds}\t0:00:01\t{rss}\t0\t0\t0\t0\t0\t0\t0\n")
    os.utime(path, (mtime, mtime))


def test_stage_times_sum_a_rules_jobs_and_keep_only_the_jobs_a_rebuild_ran(tmp_path):
    bench = tmp_path / "benchmarks"
    _job(bench / "make_figures" / "a_nl.tsv", 10.0, 200, mtime=1000)
    _job(bench / "make_figures" / "a_fr.tsv", 5.5, 250, mtime=2000)
    _job(bench / "ingest_exports" / "a.tsv", 2.0, 150, mtime=1000)
    assert benchmark.stage_times(tmp_path) == [("ingest_exports", 2.0, 150.0), ("make_figures", 15.5, 250.0)]
    # a rebuild that started at t=1500 reran only the French figures job
    assert benchmark.stage_times(tmp_path, since=1500) == [("make_figures", 5.5, 250.0)]
    assert benchmark.peak_rss_mb(tmp_path) == 250.0


def test_the_one_ocmw_edit_changes_exactly_one_antwerpen_score(tmp_path):
    export = tmp_path / "raw" / "demo" / "2023-2024" / "beginmeting_nl.csv"
    export.parent.mkdir(parents=True)
    export.write_text(
        "OCMW,Financiële situatie (0-10),Wonen (0-10)\r\nGent,4,5\r\nAntwerpen,10,6\r\nAntwerpen,3,6\r\n",
        encoding="utf-8",
    )
    benchmark.change_one_ocmw(tmp_path)
    assert export.read_text(encoding="utf-8").splitlines() == [
        "OCMW,Financiële situatie (0-10),Wonen (0-10)",
        "Gent,4,5",
        "Antwerpen,0,6",
        "Antwerpen,3,6",
    ]
