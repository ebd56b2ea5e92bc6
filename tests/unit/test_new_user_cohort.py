"""Issue 17 (items 1, 4, 5, 6): a cohort file a new user can write, real and demo never mixed,
nothing stale published, and the smaller points (plurals, ignored columns, hygiene)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import ROOT, TEST_WINDOW, make_nrn

from miriam import clean, config, report
from miriam.clean import qa
from miriam.errors import ConfigError, InputError
from miriam.ingest import OcmwResolver
from miriam.provenance import logs, manifest, published

# --- 5. measurement periods as date ranges -----------------------------------------------------


def _cohort_file(tmp_path: Path, builder, **changes) -> Path:
    data = builder.cohort_data([{"path": "raw/a.csv", "wave": "baseline", "language": "nl", "format": "csv"}])
    data.update(changes)
    path = tmp_path / "cohort.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_measurement_accepts_a_date_range_and_keeps_the_month_form(tmp_path, builder):
    path = _cohort_file(
        tmp_path,
        builder,
        measurement={"baseline": {"from": "2023-11-01", "to": "2023-12-15"}, "endline": "2024-06"},
    )
    cohort = config.load_cohort(path)
    assert cohort.raw["measurement"]["baseline"] == {"from": "2023-11-01", "to": "2023-12-15"}


def test_a_range_that_ends_before_it_starts_is_refused(tmp_path, builder):
    path = _cohort_file(
        tmp_path,
        builder,
        measurement={"baseline": {"from": "2023-12-15", "to": "2023-11-01"}, "endline": "2024-06"},
    )
    with pytest.raises(ConfigError, match=r"measurement/baseline.*ends \(2023-11-01\) before it starts"):
        config.load_cohort(path)


def test_the_report_prints_the_range_in_both_languages():
    nl, fr = report.Text("nl"), report.Text("fr")
    period = {"from": "2023-11-01", "to": "2023-12-15"}
    assert nl.period(period) == "van 1 november 2023 tot 15 december 2023"
    assert fr.period(period) == "du 1 novembre 2023 au 15 décembre 2023"
    assert nl.period("2023-11") == "vanaf november 2023"
    assert fr.period("2023-11") == "à partir de novembre 2023"
    text = nl("national.measurement", baseline=nl.period(period), endline=nl.period("2024-06"))
    assert "(beginmeting, van 1 november 2023 tot 15 december 2023)" in text


# --- 5. schema errors all at once, each with file, key and expectation --------------------------


def test_every_schema_error_is_listed_at_once(tmp_path, builder):
    path = _cohort_file(
        tmp_path,
        builder,
        label=2023,  # not a string
        window={"start": "2023-09-01"},  # end missing
        measurement={"baseline": "november", "endline": "2024-06"},
    )
    with pytest.raises(ConfigError) as info:
        config.load_cohort(path)
    message = str(info.value)
    assert message.startswith(f"file {path}: 3 problems:")
    assert "key 'label': 2023 is not of type 'string'; expected the cohort as printed" in message
    assert "key 'window': 'end' is a required property" in message
    assert "key 'measurement/baseline'" in message and "a month YYYY-MM" in message


# --- 5. header_row: accepted as a checked override, the header is found automatically ------------


def test_header_row_is_accepted_and_checked(ingest_cohort, builder, nrn_for):
    rows = [builder.row("baseline", national_register_number=nrn_for(date(1990, 1, 1), 1))]
    entry = builder.export("b.csv", rows, wave="baseline", title_rows=["MIRIAM export", ""])
    ingested, _, _ = ingest_cohort([{**entry, "header_row": 3}])
    assert list(ingested["source_row"]) == [4]
    with pytest.raises(InputError, match=r"row 2 \(`header_row`.*found automatically on row 3"):
        ingest_cohort([{**entry, "header_row": 2}])


# --- 5. unknown-OCMW hints in the language of the name typed ------------------------------------


def test_ocmw_hints_are_close_names_of_the_typed_language(reference):
    resolver = OcmwResolver.from_reference(reference, ["ocmw", "cpas de", "cpas"])
    assert resolver.closest("OCMW Atlantis", "nl") == []  # nothing close: no "malines"
    assert resolver.closest("OCMW Antwerpn", "fr") == ["Antwerpen"]  # "OCMW" is Dutch
    assert resolver.closest("CPAS de Charleroie", "nl") == ["Charleroi"]
    assert all(name != name.lower() for name in resolver.closest("Gentt", "nl"))  # as printed


# --- 6. an ignored export column is in the QA report, not only in the log -----------------------


def test_an_ignored_column_is_listed_in_the_qa_report(ingest_cohort, builder, reference):
    row = builder.row("baseline", national_register_number=make_nrn(date(1990, 1, 1), 7))
    row["Browser"] = "Firefox"
    entry = builder.export("b.csv", [row], wave="baseline")
    rows, issues, _ = ingest_cohort([entry])
    cohort = builder.cohort([entry])
    responses, quarantine = clean.clean_rows(rows, cohort.projects, reference, tuple(TEST_WINDOW.values()))
    reconciliation = clean.reconcile(rows, responses, quarantine, issues)
    contract = pd.DataFrame(columns=["source_file", "source_row", "pseudonym", "column", "check", "value"])
    table = qa.qa_table(quarantine, issues, contract, rows)
    ignored = table[table["kind"] == "column ignored"]
    assert list(ignored["column"]) == ["Browser"] and list(ignored["source_row"]) == [1]
    # not a rejected value: the reconciliation's counts are unchanged
    assert not reconciliation["measure"].str.contains("ignored").any()
    counts = reconciliation.set_index(["scope", "measure"])["count"]
    assert counts[("cohort", "values_rejected")] == 0


# --- 6. plurals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, one, two",
    [("nl", "1 consortium, 1 nieuw project", "2 consortia, 2 nieuwe projecten"),
     ("fr", "1 consortium, 1 nouveau projet", "2 consortiums, 2 nouveaux projets")],
)  # fmt: skip
def test_a_count_of_one_takes_the_singular(lang, one, two):
    t = report.Text(lang)

    def intro(n):
        return t("national.reach_intro", label="2024-2025", women="147", ocmws=str(n), projects=str(n),
                 consortia=str(n), new=str(n))  # fmt: skip

    assert one in intro(1) and "1 consortia" not in intro(1) and "1 consortiums" not in intro(1)
    assert two in intro(2)


# --- 1. the trend section says which cohorts it compares ---------------------------------------


def test_the_trend_section_names_the_cohorts_compared():
    instrument = config.load_instrument(ROOT / "config" / "instruments" / "miriam-2023.yaml")
    reach = pd.DataFrame(
        {"cohort": ["a", "b"], "label": ["2023-2024", "2024-2025"], "measure": "women", "count": [120, 147]}
    )
    out = report.sections._trend_section({"reach": reach}, instrument, report.Text("nl"))
    assert out["trend_compared"] == "Vergeleken jaargangen: 2023-2024, 2024-2025."


def test_real_and_demo_cohorts_are_never_each_others_history():
    """The rule (workflow/rules/common.smk): cohorts_so_far takes the cohorts of the same kind."""
    text = (ROOT / "workflow" / "rules" / "common.smk").read_text(encoding="utf-8")
    assert "c.demo == demo" in text
    assert "for name in same_kind(wildcards.cohort)" in text
    assert "same_kind(w.cohort)" in (ROOT / "workflow" / "rules" / "report.smk").read_text(encoding="utf-8")


# --- 4. withdrawing a published report ----------------------------------------------------------


def _published(tmp_path: Path) -> Path:
    report_dir = tmp_path / "results" / "c" / "report"
    for lang in ("nl", "fr"):
        (report_dir / lang).mkdir(parents=True)
        (report_dir / lang / "national.html").write_text("old", encoding="utf-8")
    (report_dir / "index.html").write_text("<html><body><h1>MIRIAM</h1></body></html>", encoding="utf-8")
    (tmp_path / "results" / "c" / "items.csv").write_text("old", encoding="utf-8")
    return tmp_path / "results"


def test_the_chain_start_moves_the_report_away_and_marks_the_folder(tmp_path):
    results = _published(tmp_path)
    assert published.withdraw_for_job("ingest_exports", "c", results)
    assert not (results / "c" / "report").exists()
    assert (results / "c" / "report.stale" / "nl" / "national.html").exists()
    assert "WITHDRAWN" in (results / "c" / "STALE.txt").read_text(encoding="utf-8")
    published.publish("c", results)
    assert not (results / "c" / "STALE.txt").exists() and not (results / "c" / "report.stale").exists()


def test_a_later_job_marks_the_report_in_place(tmp_path):
    results = _published(tmp_path)
    assert published.withdraw_for_job("render_report", "c", results)
    index = (results / "c" / "report" / "index.html").read_text(encoding="utf-8")
    assert index.index(published.BANNER_ID) < index.index("<h1>") and "Ingetrokken / Retiré" in index
    assert (results / "c" / "report" / "fr" / "national.html").exists()  # not rebuilt: kept
    assert not published.withdraw_for_job("write_index", "c", results)  # the publishing rule


def test_an_incomplete_report_is_withdrawn_after_a_failure(tmp_path):
    results = _published(tmp_path)
    assert not published.withdraw_incomplete("c", ["nl", "fr"], results)
    (results / "c" / "report" / "fr" / "national.html").unlink()
    (results / "c" / "report" / "fr").rmdir()
    assert published.withdraw_incomplete("c", ["nl", "fr"], results)
    assert not (results / "c" / "report").exists()


# --- 5. errors printed once, last --------------------------------------------------------------


def test_errors_are_collected_once_from_the_logs_of_this_run(tmp_path):
    old = tmp_path / "logs" / "clean_responses" / "a.log"
    old.parent.mkdir(parents=True)
    old.write_text("ERROR miriam: an old problem\n", encoding="utf-8")
    since = old.stat().st_mtime + 1
    new = tmp_path / "logs" / "ingest_exports" / "c.log"
    new.parent.mkdir(parents=True)
    new.write_text(
        "INFO miriam: read\nERROR miriam: file raw/x.csv: unknown OCMW name in 2 row(s):\n  row 3\n"
    )
    import os

    os.utime(new, (since + 1, since + 1))
    errors = logs.collected_errors(tmp_path / "logs", since)
    assert errors == [(str(new), "file raw/x.csv: unknown OCMW name in 2 row(s):\n  row 3")]
    block = logs.format_errors(errors)
    assert block.count("unknown OCMW name") == 1 and "MIRIAM stopped: 1 problem(s)" in block


# --- 5. a local cohort area, and config edits that do not make the build "dirty" ----------------


def test_a_local_cohort_file_is_read_first(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert config.cohort_path("x") == Path("config/cohorts/x.yaml")
    (tmp_path / "config" / "local").mkdir(parents=True)
    (tmp_path / "config" / "local" / "x.yaml").write_text("cohort: x\n", encoding="utf-8")
    assert config.cohort_path("x") == Path("config/local/x.yaml")


def test_config_is_not_code_for_the_dirty_flag_and_local_files_are_ignored():
    source = Path(manifest.__file__).read_text(encoding="utf-8")
    assert '":(exclude)config"' in source
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "/config/local/*" in ignored and "/report.zip" in ignored


# --- 6. make report writes under results/, the README tells the truth ----------------------------


def test_make_report_writes_under_results():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"snakemake --report results/report\.zip", makefile)


def test_the_readme_says_a_single_out_of_window_row_is_quarantined():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "dates outside the cohort's window;" not in readme
    assert "a submission outside the cohort's window (when most of the export is inside it)" in readme


# --- 1. the illustrative leefloon table cannot reach a real report unnoticed ----------------------


@pytest.mark.parametrize("lang, words", [("nl", "illustratieve waarden"), ("fr", "valeurs illustratives")])
def test_a_real_report_prints_the_illustrative_caveat_of_the_scale_chart(tmp_path, lang, words):
    """The choice made: not refused, printed. With `reference.leefloon_illustrative: true` the
    scale chart of a real cohort (demo false) carries the caveat in its caption."""
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "scale_ocmws.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    t = report.Text(lang)
    out = report.documents._cohort_figures([figures], tmp_path / "out", t, illustrative=True)
    assert words in out["scale"]["caption"].lower()
    plain = report.documents._cohort_figures([figures], tmp_path / "out", t, illustrative=False)
    assert words not in plain["scale"]["caption"].lower()
